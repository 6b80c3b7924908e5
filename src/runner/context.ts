/** Build the TaskContext that args, `when` and `loop` functions see (in a run and in rig/testing's planTask). */
import { NotYetRun, OutputNotRun, UndefinedVariable, ValidationError, type Host, type HostFacts, type ModuleContext, type PlanContext, type Task, type TaskContext, type TaskKey, type TaskResult, type Vars } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { readFileSync } from 'node:fs';
import { hasTemplate, JinjaError, renderTemplate, renderValue } from '../templates/index.ts';
import { suggest } from '../schema/suggest.ts';
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

/**
 * Where a TaskContext reads from: the run's state (taskContext) or a role author's given input (rig/testing's planTask).
 * The context itself is built by contextFrom alone, so what a role's tests see is what runs.
 */
export interface ContextSource {
  readonly host: Host;
  /** The host's effective vars. */
  readonly vars: Vars;
  /** undefined: facts not gathered (gatherFacts: false); reading ctx.facts is then a clear error. */
  readonly facts: HostFacts | undefined;
  readonly check: boolean;
  /** Hosts and groups (groupHosts, hostvars existence, Jinja's magic names). */
  readonly inventory: Inventory;
  /** Effective vars of an inventory host (called only for hosts the inventory has). */
  hostvars(name: string): Vars;
  factsOf(name: string): HostFacts | undefined;
  /** The registered result of `task` on `host`, undefined when it has not run there. */
  result(task: Task, host: string): TaskResult | undefined;
  /** The NotYetRun message for a task without a result on `host`. */
  notRunMessage(task: Task, host: string): string;
  /** Why a variable the host lacks may yet be set (check mode: a setFact that could not run), or undefined. */
  notSetYet?(): NotYetRun | undefined;
}

/** The TaskContext of one host and loop item, from `src`. */
export function contextFrom<I>(src: ContextSource, item: I): TaskContext<I> {
  const { host, vars, inventory } = src;
  const resultOf = <O>(task: Task<O>, on?: string): TaskResult<O> | undefined => {
    const r = src.result(task as Task, on ?? host.name);
    if (!r) return undefined;
    // check mode: a predicted change did not run, so its output does not exist; reading it makes the reader a prediction
    if (r.predicted && r.output === undefined && r.rc === undefined) return outputNotRun(r, task.id) as TaskResult<O>;
    return r as TaskResult<O>;
  };
  return {
    host,
    vars,
    facts: src.facts ?? noFacts,
    item,
    check: src.check,
    var<T>(name: string): T {
      if (!(name in vars)) {
        const pending = src.notSetYet?.();
        if (pending) throw pending;
        const near = suggest(name, Object.keys(vars));
        throw new UndefinedVariable(name, {
          where: host.name,
          message: `variable '${name}' is not defined for host ${host.name}${near ? ` (did you mean '${near}'?)` : ''}`,
          hint: 'define it in group_vars/host_vars, play vars, role defaults or with -e',
        });
      }
      return vars[name] as T;
    },
    hostvars(name: string) {
      if (!inventory.host(name)) throw new ValidationError({ where: host.name, message: `hostvars: no host '${name}' in the inventory` });
      return src.hostvars(name);
    },
    factsOf(name: string) {
      return src.factsOf(name);
    },
    groupHosts(group: string) {
      return inventory.groupHosts(group);
    },
    render(value: unknown): unknown {
      if (!hasTemplate(value)) return value;
      const hostvars = (): Readonly<Record<string, Vars>> => hostvarsOf(inventory, (h) => src.hostvars(h));
      const lookup = (n: string): unknown => (Object.hasOwn(vars, n) ? vars[n] : magicVar(inventory, host.name, n, hostvars, src.facts));
      try {
        return renderValue(value, { lookup });
      } catch (e) {
        if (e instanceof JinjaError) throw new ValidationError({ where: host.name, message: e.message, hint: 'define the variable (group_vars, host_vars, -e) or fix the template' });
        throw e;
      }
    },
    result<O>(task: Task<O>, on?: string): TaskResult<O> {
      const r = resultOf(task, on);
      if (!r) throw new NotYetRun(task.id, src.notRunMessage(task as Task, on ?? host.name));
      return r;
    },
    resultOf,
  };
}

/** What a module's plan (and preflight) sees: its probe's context plus template rendering and controller file reads
 *  (in a run and in planTask alike). */
export function planContext(mctx: ModuleContext): PlanContext {
  return { ...mctx, render: renderTemplate, readLocalFile: (p) => readFileSync(p) };
}

/** Where a run's TaskContext reads from: one object, its methods on the prototype (a context is made several times per
 *  host and task; closures per context were the 1000-host no-op's largest allocation). */
class RunContextSource implements ContextSource {
  readonly host: Host;
  readonly vars: Vars;
  readonly facts: HostFacts | undefined;
  readonly check: boolean;
  readonly inventory: Inventory;

  constructor(
    private readonly state: RunState,
    private readonly rt: HostRuntime,
    private readonly scope: TaskScope,
  ) {
    this.host = rt.host;
    this.vars = state.varsFor(rt, scope);
    this.facts = rt.facts;
    this.check = state.options.check ?? false;
    this.inventory = state.inventory;
  }

  hostvars(name: string): Vars {
    this.rt.crossing(name, 'hostvars');
    return this.state.hostvars(name, this.scope);
  }

  factsOf(name: string): HostFacts | undefined {
    this.rt.crossing(name, 'facts');
    return this.state.factsOf(name);
  }

  result(task: Task, host: string): TaskResult | undefined {
    const rt = this.rt;
    let r: TaskResult | undefined;
    if (host === rt.host.name) r = rt.planning?.results.get(task.id) ?? rt.results.get(task.id) ?? (rt.guessing ? rt.guesses?.get(task.id) : undefined);
    else {
      rt.crossing(host, 'a task result');
      const other = this.state.runtimes.get(host);
      // the prefetch guesses other hosts' results too (a worker's labels go to the manager its swarm state names)
      r = other?.results.get(task.id) ?? (rt.guessing ? other?.guesses?.get(task.id) : undefined);
    }
    if (r === undefined) rt.missedResults++;
    return r;
  }

  notRunMessage(task: Task, host: string): string {
    return notRunMessage(task, this.scope, host);
  }

  notSetYet(): NotYetRun | undefined {
    const v = this.rt.varsNotSet;
    return v ? new OutputNotRun(v.taskId, v.taskName) : undefined;
  }
}

/** Context for one host, task and loop item of the run. */
export function taskContext<I>(state: RunState, rt: HostRuntime, scope: TaskScope, item: I): TaskContext<I> {
  return contextFrom(new RunContextSource(state, rt, scope), item);
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

/**
 * A task's `when` on a host: a boolean, or a ValidationError (a string "false" is truthy: refusing it is the point).
 * `looped`: the task has a loop. rig decides its `when` once, before the loop (Ansible decides it per item): a `when`
 * that reads `ctx.item` would see undefined and skip every item, so it is refused, saying to filter the loop instead.
 */
export function resolveWhen(when: unknown, ctx: TaskContext<unknown>, looped = false): boolean {
  let readItem = false;
  const seen = looped && typeof when === 'function' ? Object.defineProperty({ ...ctx }, 'item', { get: () => ((readItem = true), undefined), enumerable: true }) : ctx;
  let v: unknown;
  try {
    v = resolveDynamic(when, seen);
  } catch (e) {
    if (!readItem) throw e;
  }
  if (readItem) {
    throw new ValidationError({
      where: ctx.host.name,
      message: "when reads ctx.item, but a looped task's when is decided once, before its loop (ctx.item is undefined there), not per item as in Ansible",
      hint: 'filter the items in loop instead: loop: (ctx) => items.filter((item) => …); keep in when only what holds for the whole task',
    });
  }
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
  // everything the command's run would have produced (its status, msg and changes are known from the plan)
  const notRun = { get: fail, enumerable: false };
  return Object.defineProperties({ ...r }, { stdout: notRun, stderr: notRun, stdout_lines: notRun, stderr_lines: notRun, rc: notRun, output: notRun, commands: notRun });
}
