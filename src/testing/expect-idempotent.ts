/** vitest helper: converge, converge again, and expect the second run to change nothing. */
import type { Playbook, RunSummary } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { RecordingReporter } from '../reporters/index.ts';
import { runPlaybook, type RunOptions } from '../runner/index.ts';

/** Both runs' summaries, for further assertions. */
export interface IdempotenceRuns {
  readonly first: RunSummary;
  readonly second: RunSummary;
}

/** Run `playbook` twice against `inventory`; the first must not fail, the second must report changed=0 on every host. */
export async function expectIdempotent(
  playbook: Playbook,
  inventory: Inventory,
  options: Omit<RunOptions, 'reporter'> & { readonly reporter?: RunOptions['reporter'] },
): Promise<IdempotenceRuns> {
  // vitest is an optional peer of rig/testing: planTask and debianFacts work without it
  const { expect } = await import('vitest').catch((e: unknown) => {
    throw new Error(`expectIdempotent needs vitest (an optional peer dependency of rig/testing): npm install -D vitest (${(e as Error).message})`);
  });
  const first = await runPlaybook(playbook, inventory, { reporter: new RecordingReporter(), ...options });
  expect(first.exitCode, `first run failed: ${JSON.stringify(first.results.filter((r) => r.status === 'failed').map((r) => `${r.host}: ${r.task}: ${r.msg}`))}`).toBe(0);
  const second = await runPlaybook(playbook, inventory, { reporter: new RecordingReporter(), ...options });
  const changed = second.results.filter((r) => r.status === 'changed').map((r) => `${r.host}: ${r.task} (${r.definedAt})`);
  expect(changed, 'second run changed something: not idempotent').toEqual([]);
  expect(second.exitCode).toBe(0);
  return { first, second };
}
