/** waitFor: wait on the host until a TCP port, a path or a command is in the wanted state (a volatile read). */
import { read } from '../core/fact.ts';
import { defineModule, type ModuleContext, type Plan, type Reads } from '../core/module.ts';
import { waitFor, type WaitArg, type WaitResult, type WaitTarget } from '../facts/wait.ts';

/** Arguments of the waitFor module; exactly one of port, path, command. */
export interface WaitForArgs {
  /** TCP port to connect to (checked with `nc -z`, or bash's /dev/tcp where nc is missing). */
  readonly port?: number;
  /** Host the port is checked on, from the managed host. @default '127.0.0.1' */
  readonly host?: string;
  /** Path that must appear (or disappear). */
  readonly path?: string;
  /** Shell command that must exit 0. */
  readonly command?: string;
  /** port: 'started' (accepts connections) | 'stopped'; path: 'present' | 'absent' ('started'/'stopped' are
   *  synonyms); command: only 'started'. @default 'started' for port and command, 'present' for path */
  readonly state?: 'started' | 'stopped' | 'present' | 'absent';
  /** Give up after this many seconds. @default 300 */
  readonly timeoutSec?: number;
  /** Seconds between checks. @default 1 */
  readonly sleepSec?: number;
}

/** The wait's outcome. */
export interface WaitForState {
  readonly wait: WaitResult;
}

/** What a waitFor task registers. */
export interface WaitForOutput {
  readonly elapsedSec: number;
}

function validate(a: WaitForArgs): string[] {
  const p: string[] = [];
  const targets = (['port', 'path', 'command'] as const).filter((k) => a[k] !== undefined);
  if (targets.length !== 1) {
    p.push(`waitFor: give exactly one of port, path, command${targets.length ? ` (got ${targets.join(', ')})` : ''}`);
  }
  if (a.port !== undefined && !(Number.isInteger(a.port) && a.port > 0 && a.port < 65536)) {
    p.push(`waitFor: port ${a.port} is not a TCP port (1-65535)`);
  }
  if (a.host !== undefined && a.port === undefined) p.push('waitFor: host only applies to port');
  if (a.host !== undefined && !/^[A-Za-z0-9.:_-]+$/.test(a.host)) p.push(`waitFor: ${JSON.stringify(a.host)} is not a host name or address`);
  if (a.path === '' || a.command === '') p.push('waitFor: path/command is empty');
  if (a.state !== undefined && !['started', 'stopped', 'present', 'absent'].includes(a.state)) {
    p.push(`waitFor: unknown state ${JSON.stringify(a.state)}`);
  }
  if (a.command !== undefined && a.state !== undefined && a.state !== 'started') {
    p.push('waitFor: a command is waited for until it succeeds; state does not apply');
  }
  if (a.timeoutSec !== undefined && !(Number.isFinite(a.timeoutSec) && a.timeoutSec >= 0)) p.push('waitFor: timeoutSec must be >= 0');
  if (a.sleepSec !== undefined && !(Number.isFinite(a.sleepSec) && a.sleepSec > 0)) p.push('waitFor: sleepSec must be > 0');
  return p;
}

function target(a: WaitForArgs): WaitTarget {
  if (a.port !== undefined) return { kind: 'port', host: a.host ?? '127.0.0.1', port: a.port };
  if (a.path !== undefined) return { kind: 'path', path: a.path };
  return { kind: 'command', command: a.command ?? 'true' };
}

function describe(a: WaitForArgs): string {
  const t = target(a);
  const present = a.state !== 'stopped' && a.state !== 'absent';
  if (t.kind === 'port') return `port ${t.host}:${t.port} ${present ? 'open' : 'closed'}`;
  if (t.kind === 'path') return `${t.path} ${present ? 'present' : 'absent'}`;
  return `command \`${t.command}\` succeeding`;
}

/** The wait the probe declares; check mode checks once instead of waiting. */
export function waitArg(a: WaitForArgs, check: boolean): WaitArg {
  return {
    target: target(a),
    present: a.state !== 'stopped' && a.state !== 'absent',
    // in check mode what we wait for is often what a predicted change would have started: look, do not wait
    timeoutSec: check ? 0 : (a.timeoutSec ?? 300),
    sleepSec: a.sleepSec ?? 1,
  };
}

function plan(a: WaitForArgs, s: WaitForState, check: boolean): Plan<WaitForOutput> {
  const w = s.wait;
  const what = describe(a);
  if (w.error) return { changes: [], failed: `waitFor ${what}: ${w.detail ?? 'cannot check'}` };
  if (w.ok) return { changes: [], msg: `${what} after ${w.elapsedSec}s`, output: { elapsedSec: w.elapsedSec } };
  if (check) {
    return { changes: [], msg: `check mode: not yet ${what}; a real run waits up to ${a.timeoutSec ?? 300}s`, output: { elapsedSec: 0 } };
  }
  const last = w.detail ? `; last output: ${w.detail.slice(-500)}` : '';
  return { changes: [], failed: `waitFor: timed out after ${w.elapsedSec}s waiting for ${what}${last}` };
}

/** Wait for a port, a path or a command; fails with a clear message on timeout, never changes anything. */
export const waitForModule = defineModule<WaitForArgs, WaitForState, WaitForOutput>({
  name: 'waitFor',
  readOnly: true,
  validate,
  probe: (a, ctx: ModuleContext): Reads<WaitForState> => {
    const arg = waitArg(a, ctx.check);
    // ports and paths are prefetched as one look (timeout 0): a condition already met costs no exec of its own; a user
    // command is only ever run when the task runs
    const early = arg.target.kind === 'command' ? undefined : { arg: { ...arg, timeoutSec: 0 }, accept: (w: WaitResult) => w.ok && !w.error };
    return { wait: read(waitFor, arg, { volatile: true, ...(early ? { early } : {}) }) };
  },
  plan: (a, s, ctx) => plan(a, s, ctx.check),
});
