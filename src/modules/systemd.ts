/** systemd / service: a unit started/stopped (restarted/reloaded always act), enabled, masked; daemon-reload when due. */
import type { ExecChange } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule, type CommandOutput, type Plan, type Reads } from '../core/module.ts';
import { sh } from '../core/quote.ts';
import { systemdUnit, type SystemdUnitState } from '../facts/systemd.ts';
import { strict, z } from '../schema/index.ts';

const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));

/** Args schema of the systemd (and service) module. */
export const systemdArgs = strict({
  name: z
    .string({ error: (iss) => `expected a unit name as a string, e.g. 'nginx' or 'docker.socket', got ${show(iss.input)}` })
    .regex(/^[^\s-]\S*$/, { error: (iss) => `${show(iss.input)} is not a unit name (not empty, no spaces, not starting with -)` })
    .describe("Unit name; without a suffix systemd assumes '.service'."),
  state: z
    .enum(['started', 'stopped', 'restarted', 'reloaded'])
    .optional()
    .describe("'started' / 'stopped' act only when needed; 'restarted' and 'reloaded' always act (as in Ansible); 'reloaded' starts a stopped unit."),
  enabled: z.boolean().optional().describe('Start at boot (systemctl enable / disable); static units cannot change and are left as they are.'),
  masked: z.boolean().optional().describe('systemctl mask / unmask.'),
  daemonReload: z
    .boolean()
    .optional()
    .describe(
      'Run systemctl daemon-reload if systemd reports the unit files changed (NeedDaemonReload=yes) or the unit is not loaded yet. ' +
        'Without it a pending reload still runs: acting on a stale unit would use the old definition. Default false.',
    ),
}).describe('A systemd unit started/stopped (restarted/reloaded always act), enabled, masked; daemon-reload when due.');
/** Arguments of the systemd module. */
export type SystemdArgs = z.infer<typeof systemdArgs>;

/** The probed unit. */
export interface SystemdState {
  readonly unit: SystemdUnitState;
}

const ACTIVE = new Set(['active', 'activating', 'reloading']);
// UnitFileState values that `systemctl is-enabled` counts as enabled (exit 0); alias/indirect are treated as disabled
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'generated', 'transient']);
// states enable/disable cannot change
const FIXED = new Set(['static', 'generated', 'transient']);

// the schema checked each field; these are the checks across fields
function validate(a: SystemdArgs): string[] {
  const p: string[] = [];
  if (a.state === undefined && a.enabled === undefined && a.masked === undefined && !a.daemonReload) {
    p.push('give at least one of state, enabled, masked or daemonReload');
  }
  if (a.masked === true && (a.enabled === true || (a.state !== undefined && a.state !== 'stopped'))) {
    p.push('a masked unit can be neither enabled nor started');
  }
  return p;
}

function ctl(verb: string, name: string, description?: string): ExecChange {
  return { kind: 'exec', command: sh`systemctl ${verb} -- ${name}`.text, description: description ?? `systemctl ${verb} ${name}` };
}

function plan(a: SystemdArgs, s: SystemdState): Plan<CommandOutput | undefined> {
  const u = s.unit;
  if (u.init !== 'systemd') return { changes: [], failed: `systemd: cannot manage ${a.name}: ${u.detail}` };
  const changes: ExecChange[] = [];
  const notLoaded = u.loadState === 'not-found';

  // unit files changed on disk, or a new unit not loaded yet?
  if (u.needDaemonReload || (a.daemonReload && notLoaded)) {
    changes.push({ kind: 'exec', command: 'systemctl daemon-reload', description: 'systemctl daemon-reload' });
  }
  // not loaded and no reload asked: nothing to manage (with a reload it is planned as a stopped, disabled unit)
  if (notLoaded && !a.daemonReload && a.masked !== true) {
    return { changes: [], failed: `systemd: unit ${a.name} not found (is its package installed? a new unit file needs daemonReload: true)` };
  }

  const masked = u.unitFileState === 'masked' || u.unitFileState === 'masked-runtime' || u.loadState === 'masked';
  if (a.masked === false && masked) changes.push(ctl('unmask', a.name));
  const maskedAfter = a.masked ?? masked;
  if (maskedAfter && (a.enabled === true || (a.state !== undefined && a.state !== 'stopped'))) {
    return { changes: [], failed: `systemd: unit ${a.name} is masked; set masked: false to enable or start it` };
  }

  const active = !notLoaded && ACTIVE.has(u.activeState);
  // stop before masking, so the unit does not keep running masked
  if (a.state === 'stopped' && active) changes.push(ctl('stop', a.name));
  if (a.masked === true && !masked) changes.push(ctl('mask', a.name));

  let note: string | undefined;
  if (a.enabled !== undefined && !maskedAfter) {
    const state = notLoaded ? 'disabled' : u.unitFileState;
    if (FIXED.has(state)) {
      if (!a.enabled) note = `${a.name} is ${state}: it cannot be disabled, left as is`;
    } else if (a.enabled !== ENABLED.has(state)) {
      changes.push(ctl(a.enabled ? 'enable' : 'disable', a.name));
    }
  }

  if (a.state === 'started' && !active) changes.push(ctl('start', a.name));
  if (a.state === 'restarted') changes.push(ctl('restart', a.name));
  if (a.state === 'reloaded') changes.push(ctl(active ? 'reload' : 'start', a.name));

  const msg = note ?? (changes.length === 0 ? `${u.id} ${u.activeState}, ${u.unitFileState || 'no unit file state'}` : undefined);
  return msg ? { changes, msg } : { changes };
}

/** Manage a systemd unit: start/stop only when needed, enable/disable/mask only when different. */
export const systemdModule = defineModule<SystemdArgs, SystemdState>({
  name: 'systemd',
  args: systemdArgs,
  validate,
  probe: (a): Reads<SystemdState> => ({ unit: read(systemdUnit, a.name) }),
  plan: (a, s) => plan(a, s),
});

/** Alias of `systemdModule`, for playbooks written with Ansible's `service` in mind. */
export const serviceModule = systemdModule;
