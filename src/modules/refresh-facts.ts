/** refreshFacts: re-gather the host's core facts now (after changes the facts describe: interfaces, packages). */
import { defineModule } from '../core/index.ts';

/** No args. */
export type RefreshFactsArgs = Readonly<Record<string, never>>;

/** Plans nothing to change; the runner re-gathers facts (one exec) when it sees `refreshFacts`. */
export const refreshFactsModule = defineModule<RefreshFactsArgs, Record<string, never>, undefined>({
  name: 'refreshFacts',
  readOnly: true,
  probe: () => ({}),
  plan: () => ({ changes: [], refreshFacts: true, msg: 'facts gathered again' }),
});
