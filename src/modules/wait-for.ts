/** waitFor: wait on the host until a TCP port, a path or a command is in the wanted state (a volatile read). */
import { read } from '../core/fact.ts';
import { defineModule, type ModuleContext, type Plan, type Reads } from '../core/module.ts';
import { waitFor, waitTargetText, type WaitArg, type WaitResult, type WaitTarget } from '../facts/wait.ts';
import { nonEmpty, port, seconds, strict, z } from '../schema/index.ts';

const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));

/** Args schema of the waitFor module; exactly one of port, path, command. */
export const waitForArgs = strict({
  port: port.optional().describe("TCP port to connect to (checked with nc -z, or bash's /dev/tcp where nc is missing)."),
  host: z
    .string({ error: (iss) => `expected a host name or address as a string, got ${show(iss.input)}` })
    .regex(/^[A-Za-z0-9.:_-]+$/, { error: (iss) => `${show(iss.input)} is not a host name or address` })
    .optional()
    .describe("Host the port is checked on, from the managed host (only with port). Default '127.0.0.1'."),
  path: nonEmpty.optional().describe('Path that must appear (or disappear).'),
  command: nonEmpty.optional().describe('Shell command that must exit 0.'),
  state: z
    .enum(['started', 'stopped', 'present', 'absent'])
    .optional()
    .describe(
      "port: 'started' (accepts connections) | 'stopped'; path: 'present' | 'absent' ('started'/'stopped' are synonyms); " +
        "command: only 'started'. Default 'started' for port and command, 'present' for path.",
    ),
  timeoutSec: seconds.optional().describe('Give up after this many seconds. Default 300.'),
  sleepSec: seconds
    .refine((n) => n > 0, { error: 'must be > 0 (seconds between checks, e.g. 1)', when: (p) => !p.issues.length })
    .optional()
    .describe('Seconds between checks, > 0. Default 1.'),
}).describe('Wait on the host until a TCP port, a path or a command is in the wanted state; never changes anything.');
/** Arguments of the waitFor module; exactly one of port, path, command. */
export type WaitForArgs = z.infer<typeof waitForArgs>;

/** The wait's outcome. */
export interface WaitForState {
  readonly wait: WaitResult;
}

/** What a waitFor task registers. */
export interface WaitForOutput {
  readonly elapsedSec: number;
}

// the schema checked each field; these are the checks across fields
function validate(a: WaitForArgs): string[] {
  const p: string[] = [];
  const targets = (['port', 'path', 'command'] as const).filter((k) => a[k] !== undefined);
  if (targets.length !== 1) p.push(`give exactly one of port, path, command${targets.length ? ` (got ${targets.join(', ')})` : ''}`);
  if (a.host !== undefined && a.port === undefined) p.push('host only applies to port');
  if (a.command !== undefined && a.state !== undefined && a.state !== 'started') p.push('a command is waited for until it succeeds; state does not apply');
  return p;
}

function target(a: WaitForArgs): WaitTarget {
  if (a.port !== undefined) return { kind: 'port', host: a.host ?? '127.0.0.1', port: a.port };
  if (a.path !== undefined) return { kind: 'path', path: a.path };
  return { kind: 'command', command: a.command ?? 'true' };
}

function describe(a: WaitForArgs): string {
  return waitTargetText(waitArg(a, false));
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
  args: waitForArgs,
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
