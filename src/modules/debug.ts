/** debug: print a message or a variable's value on the controller (Ansible's ansible.builtin.debug); never an exec. */
import type { Host, Vars } from '../core/host.ts';
import { defineModule, type Plan, type Reads } from '../core/module.ts';
import { strict, z } from '../schema/index.ts';

/** What Ansible (before 2.19) prints for an undefined `var`; 2.19 prints `<< error 1 - 'x' is undefined >>`. */
export const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';
/** Ansible's skip reason for a debug task above the -v level. */
export const VERBOSITY_NOT_MET = 'Verbosity threshold not met.';

// a name, then .key, .0 or [0] steps into it (rig has no Jinja: var is a path, not an expression)
const VAR_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+|\[\d+\])*$/;
const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : (JSON.stringify(v) ?? String(v)));

/** Args schema of `debug`. */
export const debugArgs = strict({
  msg: z.unknown().optional().describe("What to print: a string or any JSON value. Default 'Hello world!'. Not with var."),
  var: z
    .string({ error: (iss) => `expected the name of a variable as a string, got ${show(iss.input)}` })
    .regex(VAR_PATH, { error: (iss) => `${show(iss.input)} is not a variable name or path (name, name.key, name[0]); rig does not evaluate expressions here` })
    .optional()
    .describe("Variable to print as {\"<var>\": value}: a name or a path into it (a.b, a[0]); also inventory_hostname, inventory_hostname_short, group_names. Undefined prints 'VARIABLE IS NOT DEFINED!'. Not with msg."),
  verbosity: z
    .number({ error: (iss) => `expected a whole number of -v, got ${show(iss.input)}` })
    .int({ error: 'a whole number of -v' })
    .min(0, { error: 'cannot be negative' })
    .optional()
    .describe('Print only when run with at least this many -v; otherwise the task is skipped. Default 0.'),
}).describe('Print a message or a variable on the controller (Ansible\'s debug); never changes anything, runs nothing on the host.');
/** Arguments of the debug module. */
export type DebugArgs = z.infer<typeof debugArgs>;

/** debug reads nothing. */
export type DebugState = Record<string, never>;

/** The shown object: `{ msg }`, or `{ [var]: value }`. */
export type DebugOutput = Readonly<Record<string, unknown>>;

/** Ansible's magic variables that rig can answer for one host. */
function magicVar(name: string, host: Host): unknown {
  if (name === 'inventory_hostname') return host.name;
  if (name === 'inventory_hostname_short') return host.name.split('.')[0];
  if (name === 'group_names') return host.groups.filter((g) => g !== 'all').sort();
  return undefined;
}

/** The value at `path` (`a.b[0]`) in the host's variables; undefined when any step is missing. */
export function lookupVar(path: string, vars: Vars, host: Host): unknown {
  const steps = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  const head = steps[0] as string;
  let v: unknown = Object.prototype.hasOwnProperty.call(vars, head) ? vars[head] : magicVar(head, host);
  for (const step of steps.slice(1)) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, step)) return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}

/** The debug result for a host: what is printed, or the skip at a too-low verbosity. */
export function debugPlan(a: DebugArgs, host: Host, vars: Vars, verbosity: number): Plan<DebugOutput> {
  if ((a.verbosity ?? 0) > verbosity) return { changes: [], skipped: VERBOSITY_NOT_MET };
  if (a.var !== undefined) {
    const value = lookupVar(a.var, vars, host);
    const shown = { [a.var]: value === undefined ? NOT_DEFINED : value };
    return { changes: [], show: shown, output: shown, msg: JSON.stringify(shown) };
  }
  const msg = a.msg === undefined ? 'Hello world!' : a.msg;
  const shown = { msg };
  return { changes: [], show: shown, output: shown, msg: typeof msg === 'string' ? msg : JSON.stringify(msg) };
}

/** Print a message or variable; never changes anything, runs nothing on the host. */
export const debugModule = defineModule<DebugArgs, DebugState, DebugOutput>({
  name: 'debug',
  readOnly: true,
  args: debugArgs,
  validate: (a) => (a.msg !== undefined && a.var !== undefined ? ['msg and var are mutually exclusive: give one of them (Ansible: parameters are mutually exclusive: msg|var)'] : []),
  probe: (): Reads<DebugState> => ({}),
  plan: (a, _s, ctx) => debugPlan(a, ctx.host, ctx.vars, ctx.verbosity ?? 0),
});
