/** assert: fail the host when a condition (computed by the task's args function) is false. */
import { defineModule, type Plan, type Reads } from '../core/module.ts';

/** Arguments of the assert module. */
export interface AssertArgs {
  /** Condition(s); every one must be true. Usually computed: `assert((ctx) => ({ that: [...] }))`. */
  readonly that: boolean | readonly boolean[];
  /** Failure message. @default 'assertion failed' (with the index of the first false condition) */
  readonly msg?: string;
  /** Message when all hold. @default 'all assertions passed' */
  readonly successMsg?: string;
}

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
  validate: (a) =>
    typeof a.that === 'boolean' || (Array.isArray(a.that) && a.that.every((c) => typeof c === 'boolean'))
      ? []
      : ['assert: that must be a boolean or an array of booleans (compute them in the args function)'],
  probe: (): Reads<AssertState> => ({}),
  plan: (a) => plan(a),
});
