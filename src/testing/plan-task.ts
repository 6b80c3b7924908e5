/** Plan one task against given facts and read outputs, without SSH: what would this task change on such a host? */
import { readFileSync } from 'node:fs';
import {
  argProblems,
  parseRead,
  ValidationError,
  readCommand,
  type ExecOutput,
  type Host,
  type HostFacts,
  type Plan,
  type Read,
  type Task,
  type TaskContext,
  type TaskResult,
  type Vars,
} from '../core/index.ts';
import { hasTemplate, MISSING, renderTemplate, renderValue } from '../templates/index.ts';
import { debianFacts } from './fake-facts.ts';

/** Inputs of planTask. */
export interface PlanTaskInput {
  /** @default debianFacts() */
  readonly facts?: HostFacts;
  /** @default {} */
  readonly vars?: Vars;
  /** @default 'node1' */
  readonly hostName?: string;
  /** Output of each read the module declares, by its shell command (captured from a real host). Missing reads fail. */
  readonly reads?: (command: string) => ExecOutput | undefined;
  /** Registered results of earlier tasks, by task. */
  readonly results?: ReadonlyMap<Task<unknown>, TaskResult<unknown>>;
  /** Plan as under `--diff` (modules probe file content for before/after diffs). @default true */
  readonly diff?: boolean;
}

/** What planTask returns: the plan plus the commands of the reads the module declared. */
export interface PlannedTask {
  readonly plan: Plan<unknown>;
  readonly reads: readonly string[];
}

/** Resolve the task's args for a host with `facts` and `vars`, check them against the module's schema (ValidationError
 *  naming the task's file:line), serve its reads from `reads`, and return the plan. */
export function planTask(task: Task<unknown>, input: PlanTaskInput = {}): PlannedTask {
  const facts = input.facts ?? debianFacts();
  const vars = input.vars ?? {};
  const host: Host = { name: input.hostName ?? 'node1', groups: ['all'], vars, ssh: { address: '127.0.0.1', port: 22 }, become: false };
  const ctx: TaskContext<undefined> = {
    host,
    vars,
    facts,
    item: undefined,
    check: true,
    var: <T>(n: string) => {
      if (!(n in vars)) throw new Error(`variable '${n}' is not defined`);
      return vars[n] as T;
    },
    hostvars: () => ({}),
    factsOf: () => undefined,
    groupHosts: () => [],
    render: (value: unknown) => {
      if (!hasTemplate(value)) return value;
      const magic: Record<string, unknown> = { inventory_hostname: host.name, inventory_hostname_short: host.name.split('.')[0], group_names: [], groups: {}, hostvars: {}, ansible_facts: facts };
      return renderValue(value, { lookup: (n) => (Object.hasOwn(vars, n) ? vars[n] : Object.hasOwn(magic, n) ? magic[n] : MISSING) });
    },
    result: <O>(t: Task<O>) => {
      // by id, as the runner does: a role's `when` hands out copies of its tasks that keep their id
      const r = input.results?.get(t as Task<unknown>) ?? [...(input.results ?? [])].find(([k]) => k.id === t.id)?.[1];
      if (!r) throw new Error(`planTask: no result given for task ${t.definedAt}`);
      return r as TaskResult<O>;
    },
  };
  const args = typeof task.args === 'function' ? (task.args as (c: typeof ctx) => unknown)(ctx) : task.args;
  // the runner's contract: args its schema refuses never reach probe/plan
  const problems = argProblems(task.module, args);
  if (problems.length) throw new ValidationError(problems.map((m) => ({ where: task.definedAt, message: `${task.module.name}: ${m}` })));
  const mctx = { host, facts, vars, check: true, diff: input.diff ?? true };
  const declared = Object.entries(task.module.probe(args, mctx) as Record<string, Read<unknown>>);
  const state: Record<string, unknown> = {};
  for (const [key, r] of declared) {
    const cmd = readCommand(r);
    const out = input.reads?.(cmd);
    if (!out) throw new Error(`planTask: no output given for read '${key}': ${cmd}`);
    state[key] = parseRead(r, out);
  }
  const plan = task.module.plan(args, state, { ...mctx, render: renderTemplate, readLocalFile: (p) => readFileSync(p) });
  return { plan, reads: declared.map(([, r]) => readCommand(r)) };
}
