/** Build the TaskContext that args, `when` and `loop` functions see. */
import { NotYetRun, OutputNotRun, ValidationError, type HostFacts, type ModuleContext, type Task, type TaskContext, type TaskKey, type TaskResult, type Vars } from '../core/index.ts';
import { hasTemplate, JinjaError, renderValue } from '../templates/index.ts';
import { hostvarsOf, magicVar } from './magic-vars.ts';
import { inPlay, taskName } from './task-name.ts';
import type { HostRuntime } from './host-runtime.ts';
import type { RunState, TaskScope } from './run-state.ts';

/** Facts placeholder for plays with gatherFacts: false; reading it is a clear error. */
const noFacts = new Proxy({} as HostFacts, {
  get(_t, prop) {
    if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
    throw new ValidationError({ message: `facts.${String(prop)} read in a play with gatherFacts: false`, hint: 'enable gatherFacts or avoid facts in this play' });
  },
});

/** What a module's probe and plan see for one host (the same in prefetch, preflight and execution: reads are cache keys). */
export function moduleContext(state: RunState, rt: HostRuntime, ctx: TaskContext<unknown>): ModuleContext {
  const verbosity = state.options.verbosity ?? (state.options.verbose ? 3 : 0);
  return { host: rt.host, facts: ctx.facts, vars: ctx.vars, check: state.options.check ?? false, diff: state.options.diff ?? false, verbosity };
}

/** Context for one host, task and loop item. */
export function taskContext<I>(state: RunState, rt: HostRuntime, scope: TaskScope, item: I): TaskContext<I> {
  const vars = state.varsFor(rt, scope);
  return {
    host: rt.host,
    vars,
    facts: rt.facts ?? noFacts,
    item,
    check: state.options.check ?? false,
    var<T>(name: string): T {
      if (!(name in vars)) {
        throw new ValidationError({
          where: rt.host.name,
          message: `variable '${name}' is not defined for host ${rt.host.name}`,
          hint: 'define it in group_vars/host_vars, play vars, role defaults or with -e',
        });
      }
      return vars[name] as T;
    },
    hostvars(name: string) {
      if (!state.inventory.host(name)) throw new ValidationError({ where: rt.host.name, message: `hostvars: no host '${name}' in the inventory` });
      return state.hostvars(name, scope);
    },
    factsOf(name: string) {
      return state.factsOf(name);
    },
    groupHosts(group: string) {
      return state.inventory.groupHosts(group);
    },
    render(value: unknown): unknown {
      if (!hasTemplate(value)) return value;
      const hostvars = (): Readonly<Record<string, Vars>> => hostvarsOf(state.inventory, (h) => state.hostvars(h, scope));
      const lookup = (n: string): unknown => (Object.hasOwn(vars, n) ? vars[n] : magicVar(state.inventory, rt.host.name, n, hostvars, rt.facts));
      try {
        return renderValue(value, { lookup });
      } catch (e) {
        if (e instanceof JinjaError) throw new ValidationError({ where: rt.host.name, message: e.message, hint: 'define the variable (group_vars, host_vars, -e) or fix the template' });
        throw e;
      }
    },
    result<O>(task: Task<O>, host?: string): TaskResult<O> {
      const target = host ? state.runtimes.get(host) : rt;
      const r = target?.results.get(task.id);
      if (!r) throw new NotYetRun(task.id, notRunMessage(task, scope, host ?? rt.host.name));
      // check mode: a predicted change did not run, so its output does not exist; reading it makes the reader a prediction
      if (r.predicted && r.output === undefined && r.rc === undefined) return outputNotRun(r, task.id) as TaskResult<O>;
      return r as TaskResult<O>;
    },
  };
}

/** Why ctx.result(task) has no result yet, naming the task as the user wrote it. */
function notRunMessage(task: Task, scope: TaskScope, host: string): string {
  const which = `ctx.result: task '${taskName(task)}' (${task.definedAt})`;
  return inPlay(scope.play, task)
    ? `${which} has not run on ${host} yet: a task reads the results of tasks that ran before it (move it earlier, or the reading task later)`
    : `${which} is not in this play, so it has no result on ${host}: list it in the play's tasks (or a role's) before the task that reads it`;
}

/** Resolve a Dynamic value. */
export function resolveDynamic<T, I>(value: T | ((ctx: TaskContext<I>) => T), ctx: TaskContext<I>): T {
  return typeof value === 'function' ? (value as (c: TaskContext<I>) => T)(ctx) : value;
}

/** A task's `when` on a host: a boolean, or a ValidationError (a string "false" is truthy: refusing it is the point). */
export function resolveWhen(when: unknown, ctx: TaskContext<unknown>): boolean {
  const v = resolveDynamic(when, ctx);
  if (typeof v === 'boolean') return v;
  throw new ValidationError({ where: ctx.host.name, message: `when gave ${JSON.stringify(v) ?? String(v)}, not a boolean`, hint: 'return true or false (compare the variable: ctx.vars.x === true)' });
}

/** A task's `loop` on a host: an array, or a ValidationError (a string would loop over its characters). */
export function resolveLoop(loop: unknown, ctx: TaskContext<unknown>): readonly unknown[] {
  const v = resolveDynamic(loop, ctx);
  if (Array.isArray(v)) return v;
  throw new ValidationError({ where: ctx.host.name, message: `loop gave ${JSON.stringify(v) ?? String(v)}, not an array`, hint: 'give loop an array (or a function returning one): loop: [\'a\', \'b\']' });
}

function outputNotRun(r: TaskResult, id: TaskKey): TaskResult {
  const fail = (): never => {
    throw new OutputNotRun(id, r.task);
  };
  return Object.defineProperties({ ...r }, {
    stdout: { get: fail, enumerable: false },
    stderr: { get: fail, enumerable: false },
    rc: { get: fail, enumerable: false },
    output: { get: fail, enumerable: false },
  });
}
