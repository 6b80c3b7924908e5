/** Public helpers for role authors' tests. */
export { planTask, type PlanTaskInput, type PlannedTask } from './plan-task.ts';
export { debianFacts } from './fake-facts.ts';
export { expectIdempotent, type IdempotenceRuns } from './expect-idempotent.ts';
export { RecordingReporter } from '../reporters/index.ts';
