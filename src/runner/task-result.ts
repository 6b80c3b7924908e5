/** A task's result on one host: finishing a partial result (noLog, timing) and changedWhen / failedWhen. */
import type { Task, TaskContext, TaskResult } from '../core/index.ts';
import type { HostRuntime } from './host-runtime.ts';
import { taskName } from './task-name.ts';
import { NO_LOG_MSG } from '../reporters/format.ts';
import type { RunState, TaskScope } from './run-state.ts';

/** What one attempt of a task produced, before the host, task and timing are added. */
export type Partial = Omit<TaskResult, 'host' | 'task' | 'definedAt' | 'durationMs' | 'execs'>;

/** The task a result belongs to. */
export interface ResultOwner {
  readonly state: RunState;
  readonly task: Task;
  readonly scope: TaskScope;
}

const HIDDEN = '(hidden: noLog)';

/** A noLog task's result keeps its status, counts, rc and typed output (later tasks read those); text that may hold a
 *  secret — output, diff, commands, what changed, loop items and labels — is gone (Ansible's no_log). */
function hide<R extends Partial>(p: R): R {
  return {
    ...p,
    ...{ stdout: undefined, stderr: undefined, stdout_lines: undefined, stderr_lines: undefined, diff: undefined, commands: undefined, show: undefined },
    msg: NO_LOG_MSG,
    ...(p.changes ? { changes: p.changes.map(() => HIDDEN) } : {}),
    ...(p.items ? { items: p.items.map((i) => ({ ...hide(i), item: undefined, label: HIDDEN })) } : {}),
  };
}

/** The task's result on `rt`; a noLog task's without anything that may hold a secret (see `hide`). */
export function finishResult(run: ResultOwner, rt: HostRuntime, p: Partial, at: { readonly durationMs: number; readonly execs: number }): TaskResult {
  // own fields first, the partial spread after: V8 gives `{ ...p, k: v }` a map of its own per object (~0.4 KB each,
  // 20 MB of maps at 1000 hosts × 26 tasks), `{ k: v, ...p }` shares one
  return { host: rt.host.name, task: taskName(run.task), definedAt: run.task.definedAt, ...(run.task.options.noLog ? hide(p) : p), ...at };
}

/** One loop item's result, with its own time and execs when given (an item's reads may ride on the one before). */
export function finishItem(p: Partial, rt: HostRuntime, run: ResultOwner, at: { readonly durationMs: number; readonly execs: number } = { durationMs: 0, execs: 0 }): TaskResult {
  return { host: rt.host.name, task: taskName(run.task), definedAt: run.task.definedAt, ...p, ...at };
}

/** A partial result as `changedWhen`/`failedWhen`/`until` see it. */
export const asResult = (p: Partial, rt: HostRuntime, run: ResultOwner): TaskResult => finishItem(p, rt, run);

/** changedWhen / failedWhen. */
export function overrides(r: Partial, run: ResultOwner, rt: HostRuntime, ctx: TaskContext<unknown>): Partial {
  const { changedWhen, failedWhen } = run.task.options;
  let out = r;
  // check mode: a command that did not run has no output to judge; its predicted status stands
  if (failedWhen !== undefined && out.status !== 'unreachable' && !(out.predicted && typeof failedWhen === 'function')) {
    const failed = typeof failedWhen === 'boolean' ? failedWhen : failedWhen(asResult(out, rt, run), ctx);
    // what it changed before failedWhen judged it stays said (Ansible's result keeps changed: true)
    if (failed) out = { ...out, status: 'failed', msg: out.msg ?? 'failedWhen condition was true', ...(out.status === 'changed' ? { changed: true } : {}) };
    else if (out.status === 'failed') out = { ...out, status: out.changes?.length ? 'changed' : 'ok' };
  }
  if (changedWhen !== undefined && out.status !== 'failed' && out.status !== 'skipped' && out.status !== 'unreachable') {
    // a prediction stays one (a later task reading its output is then a prediction too)
    if (typeof changedWhen === 'boolean') out = { ...out, status: changedWhen ? 'changed' : 'ok' };
    else if (out.predicted) out = { ...out, status: 'skipped', msg: 'check mode: changedWhen depends on output the command did not produce; mark read-only commands checkMode: "always"' };
    else out = { ...out, status: changedWhen(asResult(out, rt, run), ctx) ? 'changed' : 'ok' };
  }
  if (out.status === 'failed' && run.task.options.ignoreErrors) out = { ...out, ignored: true };
  return out;
}

