/** A task's resolved args on one host: one entry, or one per loop item; what prefetch, preflight and execution use. */
import { NotYetRun, OutputNotRun, type Task, type TaskContext, type TaskKey } from '../core/index.ts';
import { resolveDynamic, resolveLoop, resolveWhen, taskContext } from './context.ts';
import { sameVars, type ArgsMemo, type HostRuntime } from './host-runtime.ts';
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
export function resolveCalls(state: RunState, rt: HostRuntime, task: Task, scope: TaskScope, opts: { readonly prefetch?: boolean } = {}): ResolvedCall[] {
  const ctx0 = taskContext(state, rt, scope, undefined);
  const { when, loop } = task.options;
  if (when !== undefined && !whenHolds(when, ctx0, opts.prefetch === true, loop !== undefined)) return [];
  if (loop === undefined) return [{ args: resolveArgs(state, rt, task, scope, undefined, -1), ctx: ctx0 }];
  return resolveLoop(loop, ctx0).map((item, i) => ({ args: resolveArgs(state, rt, task, scope, item, i), ctx: taskContext(state, rt, scope, item) }));
}

/** `when` on the item-less context; for a prefetch, a `when` that cannot be told yet (it reads a result of a task that
 *  has not run) counts as true: its task's reads are fetched anyway, as it may well run. */
function whenHolds(when: NonNullable<Task['options']['when']>, ctx: TaskContext<unknown>, prefetch: boolean, looped: boolean): boolean {
  try {
    return resolveWhen(when, ctx, looped);
  } catch (e) {
    if (prefetch && e instanceof NotYetRun) return true;
    throw e;
  }
}

const memoKeys = new WeakMap<TaskScope['play'], WeakMap<TaskKey, Map<string, object>>>();

/** One key object per play, role, task and item index (the same task may sit in two plays or roles). */
function memoKey(task: Task, scope: TaskScope, index: number): object {
  let byTask = memoKeys.get(scope.play);
  if (!byTask) memoKeys.set(scope.play, (byTask = new WeakMap()));
  let m = byTask.get(task.id);
  if (!m) byTask.set(task.id, (m = new Map()));
  const k = `${scope.role?.name ?? ''}\u0000${index}`;
  let key = m.get(k);
  if (!key) m.set(k, (key = { k }));
  return key;
}

/**
 * The args of one call (`index` -1 without a loop), computed once per host, task and loop item while the host's facts
 * and setFact variables stay the same: args functions are called once, not for every prefetch, preflight and
 * execution (so they must be pure: a function of the context only). A function that reads other hosts (`hostvars`,
 * `factsOf`), whose state changes independently, is called again each time.
 */
export function resolveArgs(state: RunState, rt: HostRuntime, task: Task, scope: TaskScope, item: unknown, index: number): unknown {
  if (typeof task.args !== 'function') return task.args;
  const key = memoKey(task, scope, index);
  const memo = rt.argsMemo.get(key) ?? [];
  const itemKey = stable(item);
  const hit = memo.find((m) => sameVars(m.vars, rt.setVars) && (m.facts === undefined || m.facts === rt.factsVersion) && m.item === itemKey);
  // still waiting for the task whose result it read: no need to call it again until that task has run
  if (hit?.waitsFor !== undefined && !rt.results.has(hit.waitsFor) && !(rt.guessing && rt.guesses?.has(hit.waitsFor))) throw new NotYetRun(hit.waitsFor, hit.waitsMessage);
  if (hit && hit.waitsFor === undefined) return hit.args;
  const vars = { ...rt.setVars };
  const facts = rt.factsVersion;
  const ctx = taskContext(state, rt, scope, item);
  let pure = true;
  let readFacts = false;
  const tracked: TaskContext<unknown> = {
    ...ctx,
    hostvars: (name) => ((pure = false), ctx.hostvars(name)),
    factsOf: (name) => ((pure = false), ctx.factsOf(name)),
    result: (t, host) => {
      // another host's results arrive independently; a segment planning ahead sees predicted results of its own tasks
      if ((host !== undefined && host !== rt.host.name) || rt.planning || rt.guessing) pure = false;
      return ctx.result(t, host);
    },
    resultOf: (t, host) => {
      const r = ctx.resultOf(t, host);
      // "not run" may change once it has run (on this host too): not memoized
      if ((host !== undefined && host !== rt.host.name) || r === undefined || rt.planning || rt.guessing) pure = false;
      return r;
    },
  };
  Object.defineProperty(tracked, 'facts', { get: () => ((readFacts = true), ctx.facts) });
  const remember = (m: Omit<ArgsMemo, 'vars' | 'facts' | 'item'>) => {
    // a few kept: preflight resolves with a setFact simulated, then the run goes on with the variables before it
    if (pure && itemKey !== undefined) rt.argsMemo.set(key, [{ vars, ...(readFacts ? { facts } : {}), item: itemKey, ...m }, ...memo.filter((x) => x !== hit)].slice(0, 3));
  };
  let args: unknown;
  try {
    args = resolveDynamic(task.args as (c: TaskContext<unknown>) => unknown, tracked);
  } catch (e) {
    if (e instanceof NotYetRun && !(e instanceof OutputNotRun) && e.taskId !== task.id && !rt.results.has(e.taskId)) remember({ waitsFor: e.taskId, waitsMessage: e.message });
    throw e;
  }
  remember({ args });
  return args;
}

/** A loop item as a comparable string (a loop function may return equal items as new objects); undefined if it has none. */
function stable(item: unknown): string | undefined {
  try {
    return JSON.stringify(item) ?? 'undefined';
  } catch {
    return undefined;
  }
}
