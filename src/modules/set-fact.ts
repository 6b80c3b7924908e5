/** setFact: set host variables for the rest of the run. */
import { defineModule, type Reads } from '../core/module.ts';

/** Arguments of the setFact module. */
export interface SetFactArgs {
  /** Variables to set on this host (they outrank inventory and play vars, not -e). */
  readonly vars: Readonly<Record<string, unknown>>;
}

/** setFact reads nothing. */
export type SetFactState = Record<string, never>;

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Set variables for this host; never a change. */
export const setFactModule = defineModule<SetFactArgs, SetFactState, undefined>({
  name: 'setFact',
  readOnly: true,
  validate(a) {
    if (a.vars === null || typeof a.vars !== 'object' || Array.isArray(a.vars)) return ['setFact: vars must be an object'];
    const names = Object.keys(a.vars);
    if (names.length === 0) return ['setFact: vars is empty'];
    return names.filter((n) => !VAR_NAME.test(n)).map((n) => `setFact: ${JSON.stringify(n)} is not a valid variable name`);
  },
  probe: (): Reads<SetFactState> => ({}),
  plan: (a) => ({ changes: [], setVars: a.vars, msg: `set ${Object.keys(a.vars).join(', ')}` }),
});
