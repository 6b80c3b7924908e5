/** setFact: set host variables for the rest of the run. */
import { defineModule, type Reads } from '../core/module.ts';
import { strict, z } from '../schema/index.ts';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : (JSON.stringify(v) ?? String(v)));

/** Args schema of `setFact`. */
export const setFactArgs = strict({
  vars: z
    .record(z.string().regex(VAR_NAME), z.unknown(), {
      error: (iss) =>
        iss.code === 'invalid_key'
          ? `${show(iss.input)} is not a valid variable name (letters, digits, _; not starting with a digit)`
          : `expected an object of variables, e.g. { app_port: 8080 }, got ${show(iss.input)}`,
    })
    .refine((v) => Object.keys(v).length > 0, { error: 'is empty: give at least one variable to set' })
    .describe('Variables to set on this host for the rest of the run (they outrank inventory and play vars, not -e).'),
}).describe('Set host variables for the rest of the run; never a change.');
/** Arguments of the setFact module. */
export type SetFactArgs = z.infer<typeof setFactArgs>;

/** setFact reads nothing. */
export type SetFactState = Record<string, never>;

/** Set variables for this host; never a change. */
export const setFactModule = defineModule<SetFactArgs, SetFactState, undefined>({
  name: 'setFact',
  readOnly: true,
  args: setFactArgs,
  probe: (): Reads<SetFactState> => ({}),
  setsVars: (a) => a.vars,
  plan: (a) => ({ changes: [], setVars: a.vars, msg: `set ${Object.keys(a.vars).join(', ')}` }),
});
