/** Turn a module into a typed task factory: args checked at compile time, options kept apart, call site recorded. */
import type { Dynamic, Handler, Module, Task, TaskOptions } from '../core/index.ts';
import { callSite, newId } from './defined-at.ts';

/** A typed factory for one module's tasks: `file({ path: '/x', state: 'directory' }, { name: 'data dir' })`. */
export type TaskFactory<A, O> = <I = undefined>(args: Dynamic<A, I>, options?: TaskOptions<I, O>) => Task<O>;

/** Optional hook resolving args relative to the declaring file (template/copy src). */
export type ArgsResolver<A> = (args: A, definedAt: string) => A;

/** Build a task factory for `module`. */
export function taskFactory<A, S, O>(module: Module<A, S, O>, resolve?: ArgsResolver<A>): TaskFactory<A, O> {
  return <I>(args: Dynamic<A, I>, options: TaskOptions<I, O> = {}): Task<O> => {
    const definedAt = callSite();
    let resolved: Dynamic<A, I> = args;
    if (resolve) {
      resolved =
        typeof args === 'function'
          ? (ctx) => resolve((args as (c: typeof ctx) => A)(ctx), definedAt)
          : resolve(args as A, definedAt);
    }
    // Types are checked above; the runner stores tasks of all modules in one list (see core/task.ts).
    return {
      kind: 'task',
      id: newId('t'),
      module: module as unknown as Module<unknown, unknown, unknown>,
      args: resolved as Dynamic<unknown>,
      options: options as unknown as TaskOptions,
      definedAt,
    };
  };
}

/** Declare a handler: a named task run once per host at flush points when notified. */
export function defineHandler<O>(name: string, task: Task<O>): Handler<O> {
  if (!name.trim()) throw new TypeError(`${task.definedAt}: a handler needs a non-empty name`);
  return { ...task, options: { ...task.options, name }, handler: true, name, definedAt: callSite() };
}
