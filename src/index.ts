/** rig's public API: the DSL, core types, and the runner for programmatic use. */
export * from './dsl/index.ts';
export { secret, sh, quote, raw, defineModule, read, ValidationError, ExitCode } from './core/index.ts';
export type {
  Change, CommandOutput, Diff, Dynamic, Fact, Handler, Host, HostFacts, Module, ModuleContext, Plan, PlanContext, Play,
  Playbook, Read, Reporter, Role, RunSummary, Task, TaskContext, TaskOptions, TaskResult, TaskStatus, Vars,
} from './core/index.ts';
export { runPlaybook, type RunOptions } from './runner/index.ts';
export { loadInventory, type Inventory } from './inventory/index.ts';
export { connect } from './connection/index.ts';
export { LocalConnection } from './connection/local.ts';
/** Schemas for role variables and custom modules: zod 4 plus rig's field schemas (strict objects with "did you mean"). */
export { z, strict, absPath, fileMode, principal, port, nonEmpty, seconds, jsonSchema } from './schema/index.ts';
export { argProblems } from './core/index.ts';
export type { StandardSchemaV1 } from './core/index.ts';
