/** Turn a module into a typed task factory: args checked at compile time (both forms), options kept apart, call site recorded. */
import { TaskKey, type Dynamic, type Handler, type Module, type Task, type TaskContext, type TaskOptions } from '../core/index.ts';
import { callSite } from './defined-at.ts';

type KeysOfUnion<T> = T extends unknown ? keyof T : never;

/**
 * What an args function's returned object `R` must also be: `A`, with every key no member of `A` has typed `never` (a
 * misspelled key does not compile). `R` is not constrained by `A`: a failed constraint would fall back to `A` and skip
 * the check (an object sharing no key with an all-optional `A`, such as `reboot(() => ({ mgs: 'x' }))`, fails it).
 */
export type NoExtraKeys<R, A> = R & A & { readonly [K in Exclude<keyof R, KeysOfUnion<A>>]: never };

/** Args given as a value. A function must not pass as one: it has `name` and `length`, so `() => ({ …, typo: 1 })`
 *  would match args whose only required key is `name` (user, group, systemd, sysctl) and skip the function-form check. */
export type StaticArgs<A> = A & { readonly call?: never; readonly apply?: never };

/**
 * A typed factory for one module's tasks: `file({ path: '/x', state: 'directory' }, { name: 'data dir' })`.
 * The function form `file((ctx) => ({ … }))` is as strict as the object form: TypeScript does not check excess keys of
 * a returned object literal, so the returned type `R` is inferred and every key outside the module's args is `never`.
 */
export type TaskFactory<A, O> = (<I = undefined, R extends object = A & object>(
  args: StaticArgs<A> | ((ctx: TaskContext<I>) => NoExtraKeys<R, A>),
  options?: TaskOptions<I, O>,
) => Task<O>) & {
  /** The module the factory declares tasks of (its `args` schema documents it). */
  readonly module: Module<A, unknown, O>;
};

/** Optional hook resolving args relative to the declaring file (template/copy src). */
export type ArgsResolver<A> = (args: A, definedAt: string) => A;

/** Build a task factory for `module`. */
export function taskFactory<A, S, O>(module: Module<A, S, O>, resolve?: ArgsResolver<A>): TaskFactory<A, O> {
  const factory = <I>(args: Dynamic<A, I>, options: TaskOptions<I, O> = {}): Task<O> => {
    const definedAt = callSite();
    let resolved: Dynamic<A, I> = args;
    // only well-shaped args are resolved (a src that is not a string is reported by the schema, not by path.join)
    if (resolve) {
      const fix = (a: A): A => (a !== null && typeof a === 'object' && typeof (a as { src?: unknown }).src === 'string' ? resolve(a, definedAt) : a);
      resolved = typeof args === 'function' ? (ctx) => fix((args as (c: typeof ctx) => A)(ctx)) : fix(args as A);
    }
    // Types are checked above; the runner stores tasks of all modules in one list (see core/task.ts).
    return {
      kind: 'task',
      id: new TaskKey(definedAt),
      module: module as unknown as Module<unknown, unknown, unknown>,
      args: resolved as Dynamic<unknown>,
      options: options as unknown as TaskOptions,
      definedAt,
    };
  };
  return Object.assign(factory, { module: module as Module<A, unknown, O> }) as TaskFactory<A, O>;
}

/** Declare a handler: a named task run once per host at flush points when notified. */
export function defineHandler<O>(name: string, task: Task<O>): Handler<O> {
  if (!name.trim()) throw new TypeError(`${task.definedAt}: a handler needs a non-empty name`);
  return { ...task, options: { ...task.options, name }, handler: true, name, definedAt: callSite() };
}
