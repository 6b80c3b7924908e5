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
