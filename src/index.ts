/** rig's public API: the DSL, core types, and the runner for programmatic use. */
export * from './dsl/index.ts';
export { secret, sh, quote, raw, joinSh, defineModule, read, ValidationError, ExitCode, ShellFragment } from './core/index.ts';
/** Canonical JSON (keys sorted, 2-space indent, trailing newline) for config files written whole, as docker's daemon.json. */
export { canonicalJson } from './core/index.ts';
export type {
  Change, CommandOutput, Diff, Dynamic, ExecChange, Fact, Handler, Host, HostFacts, Module, ModuleContext, PathEffect, Plan,
  PlanContext, Play, Playbook, Read, Reads, RebootChange, Reporter, Role, RunSummary, Task, TaskContext, TaskOptions,
  TaskResult, TaskStatus, Vars, WriteChange,
} from './core/index.ts';
/** Facts a module author builds on: a path's state (type, mode, owner, sha256, content) and a small file's content. */
export { fileState, fileContent, type FileState, type FilePresent, type FileAbsent } from './facts/files.ts';
/** Text edits a module author builds on: Ansible's blockinfile as a pure edit, and the plan of a text file edit (atomic write, mode kept). */
export { editBlock, type BlockEdit } from './modules/blockinfile.ts';
export { planTextEdit } from './modules/lineinfile.ts';
export { runPlaybook, type RunOptions } from './runner/index.ts';
export { loadInventory, type Inventory, type LoadOptions, type VaultSecret } from './inventory/index.ts';
export { connect } from './connection/index.ts';
export { LocalConnection } from './connection/local.ts';
/** Schemas for role variables and custom modules: zod 4 plus rig's field schemas (strict objects with "did you mean"). */
export { z, strict, absPath, fileMode, principal, port, nonEmpty, seconds, jsonSchema, type ReadonlyDeep } from './schema/index.ts';
export { argProblems, schemaProblems, issuePath } from './core/index.ts';
export type { StandardSchemaV1 } from './core/index.ts';
