/** refreshFacts: re-gather the host's core facts now (after changes the facts describe: interfaces, packages). */
import { defineModule } from '../core/index.ts';
import { strict, type z } from '../schema/index.ts';

/** Args schema of `refreshFacts`: no args. */
export const refreshFactsArgs = strict({}).describe('Gather the core host facts again now (after changing interfaces, packages…); changes nothing.');
/** No args. */
export type RefreshFactsArgs = z.infer<typeof refreshFactsArgs>;

/** Plans nothing to change; the runner re-gathers facts (one exec) when it sees `refreshFacts`. */
export const refreshFactsModule = defineModule<RefreshFactsArgs, Record<string, never>, undefined>({
  name: 'refreshFacts',
  readOnly: true,
  args: refreshFactsArgs,
  probe: () => ({}),
  plan: () => ({ changes: [], refreshFacts: true, msg: 'facts gathered again' }),
});
