/** Facts about systemd units: `systemctl show` properties of one unit. */
import type { Fact } from '../core/fact.ts';
import { sh } from '../core/quote.ts';

/** The properties of a unit a plan decides on. */
export interface SystemdUnit {
  /** Full unit name as systemd resolved it, e.g. "nginx.service". */
  readonly id: string;
  /** loaded | not-found | masked | error | bad-setting. */
  readonly loadState: string;
  /** active | inactive | failed | activating | deactivating | reloading. */
  readonly activeState: string;
  /** running | dead | exited | … */
  readonly subState: string;
  /** enabled | disabled | static | masked | indirect | … ; '' when systemd has no unit file for it. */
  readonly unitFileState: string;
  readonly needDaemonReload: boolean;
}

/** A unit's state, or why it could not be read. */
export type SystemdUnitState =
  | ({ readonly init: 'systemd' } & SystemdUnit)
  | { readonly init: 'not-systemd'; readonly detail: string };

/** Properties asked for, in the order `systemctl show` prints them. */
export const SYSTEMD_PROPERTIES = ['Id', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'NeedDaemonReload'] as const;

const NOT_SYSTEMD_MARK = 'rig-init=not-systemd';

/** Parse `systemctl show --property=…` key=value output (order-independent; empty values kept). */
export function parseSystemctlShow(stdout: string): Readonly<Record<string, string>> {
  const props: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1).trimEnd();
  }
  return props;
}

/** One unit's load/active/enablement state; reports `not-systemd` on hosts where systemd is not PID 1. */
export const systemdUnit: Fact<SystemdUnitState, string> = {
  name: 'systemd.unit',
  // /run/systemd/system exists exactly when systemd is PID 1 (sd_booted(3))
  command: (name) =>
    sh`if [ -d /run/systemd/system ]; then systemctl show --property=${SYSTEMD_PROPERTIES.join(',')} --no-pager -- ${name}; else echo ${NOT_SYSTEMD_MARK}; fi`
      .text,
  parse(out, name) {
    if (out.stdout.trim() === NOT_SYSTEMD_MARK) return { init: 'not-systemd', detail: 'systemd is not running as PID 1 (/run/systemd/system is missing)' };
    if (/not been booted with systemd|Failed to connect to bus/.test(out.stderr)) {
      return { init: 'not-systemd', detail: out.stderr.trim().split('\n')[0] ?? 'systemd is not running' };
    }
    const p = parseSystemctlShow(out.stdout);
    if (out.code !== 0 || p.LoadState === undefined) {
      throw new Error(`systemctl show ${name} failed (exit ${out.code}): ${out.stderr.trim() || out.stdout.trim()}`);
    }
    return {
      init: 'systemd',
      id: p.Id ?? name,
      loadState: p.LoadState,
      activeState: p.ActiveState ?? '',
      subState: p.SubState ?? '',
      unitFileState: p.UnitFileState ?? '',
      needDaemonReload: p.NeedDaemonReload === 'yes',
    };
  },
};
