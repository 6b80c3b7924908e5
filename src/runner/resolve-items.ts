/** A task's resolved args on one host: one entry, or one per loop item; what prefetch and preflight look at. */
import type { Task, TaskContext } from '../core/index.ts';
import { resolveDynamic, resolveLoop, resolveWhen, taskContext } from './context.ts';
import type { HostRuntime } from './host-runtime.ts';
import type { RunState, TaskScope } from './run-state.ts';

/** One resolved invocation of a task. */
export interface ResolvedCall {
  readonly args: unknown;
  readonly ctx: TaskContext<unknown>;
}

/**
 * Resolve `task` on `rt` as the executor would: `when` on the item-less context, then `loop`, then args per item.
 * Returns [] when `when` is false. Throws what user functions throw (NotYetRun, ValidationError, bugs).
 */
export function resolveCalls(state: RunState, rt: HostRuntime, task: Task, scope: TaskScope): ResolvedCall[] {
  const ctx0 = taskContext(state, rt, scope, undefined);
  const { when, loop } = task.options;
  if (when !== undefined && !resolveWhen(when, ctx0)) return [];
  if (loop === undefined) return [{ args: resolveDynamic(task.args, ctx0), ctx: ctx0 }];
  return resolveLoop(loop, ctx0).map((item) => {
    const ctx = taskContext(state, rt, scope, item);
    return { args: resolveDynamic(task.args as (c: TaskContext<unknown>) => unknown, ctx), ctx };
  });
}
