/** assert: fail the host when a condition (computed by the task's args function) is false. */
import { defineModule, type Plan, type Reads } from '../core/module.ts';
import { strict, z } from '../schema/index.ts';
import type { ReadonlyDeep } from '../schema/index.ts';

/** What a non-boolean condition is, and what to write instead. */
function notBoolean(v: unknown): string {
  if (typeof v === 'function') return 'a function (a forgotten call? write check(), not check)';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)} (a string is not a condition: compare it, e.g. x === ${JSON.stringify(v)})`;
  if (v === undefined || v === null) return `${String(v)} (a missing value? test it, e.g. x !== undefined)`;
  return `${JSON.stringify(v) ?? String(v)} (a ${typeof v}: turn it into a comparison, e.g. n > 0)`;
}

function thatMessage(input: unknown): string {
  const head = 'must be a boolean or an array of booleans (compute them in the args function)';
  if (input === undefined) return `is required: ${head.slice('must be '.length)}`;
  if (!Array.isArray(input)) return `${head}, got ${notBoolean(input)}`;
  const i = input.findIndex((c) => typeof c !== 'boolean');
  return `${head}: condition ${i + 1} is ${notBoolean(input[i])}`;
}

/** Args schema of `assert`. */
export const assertArgs = strict({
  that: z
    .union([z.boolean(), z.array(z.boolean())], { error: (iss) => thatMessage(iss.input) })
    .describe('Condition(s); every one must be true. Usually computed: assert((ctx) => ({ that: [ctx.facts.memTotalMb >= 2048] })).'),
  msg: z.string().optional().describe("Failure message. Default 'assertion failed' (with the index of the first false condition)."),
  successMsg: z.string().optional().describe("Message when all hold. Default 'all assertions passed'."),
}).describe('Fail the host when any condition is false; never changes anything.');
/** Arguments of the assert module. */
export type AssertArgs = ReadonlyDeep<z.infer<typeof assertArgs>>;

/** assert reads nothing. */
export type AssertState = Record<string, never>;

function plan(a: AssertArgs): Plan<undefined> {
  const conds = typeof a.that === 'boolean' ? [a.that] : a.that;
  const firstFalse = conds.findIndex((c) => c !== true);
  if (firstFalse >= 0) {
    const where = conds.length > 1 ? ` (condition ${firstFalse + 1} of ${conds.length} is false)` : '';
    return { changes: [], failed: `${a.msg ?? 'assertion failed'}${where}` };
  }
  return { changes: [], msg: a.successMsg ?? 'all assertions passed' };
}

/** Fail when any condition is false; never changes anything. */
export const assertModule = defineModule<AssertArgs, AssertState, undefined>({
  name: 'assert',
  readOnly: true,
  args: assertArgs,
  probe: (): Reads<AssertState> => ({}),
  plan: (a) => plan(a),
});
