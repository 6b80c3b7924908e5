/** The runner: plays, batched probes, apply, handlers, recap. */
export { runPlaybook, playHosts, exitCodeOf } from './run.ts';
export type { RunOptions, Connector } from './options.ts';
export { buildBatch } from './batch.ts';
export { serialBatches } from './serial.ts';
export { selectedByTags } from './tags.ts';
export { unknownTagWarnings } from './tag-warnings.ts';
export { playItems, playHandlers } from './play.ts';
export { taskName } from './execute-task.ts';
export { roleVarProblems, coerceVars, playbookVarSchemas } from './role-vars.ts';
export { callProblems } from './preflight.ts';
export { delegateHostProblem } from './delegate-host.ts';
export { forgetFacts } from './fact-cache.ts';
export { findStartAt, startAtProblem, type StartAt } from './start-at.ts';
export { withRenderedConnections } from './connection-settings.ts';
export { ansibleFacts, ansibleFactVar } from './ansible-facts.ts';
export { contextFrom, planContext, resolveWhen, type ContextSource } from './context.ts';
