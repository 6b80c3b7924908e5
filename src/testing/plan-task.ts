/** Plan one task against given facts and read outputs, without SSH: what would this task change on such a host? */
import { argProblems, parseRead, ValidationError, readCommand, type ExecOutput, type Host, type HostFacts, type Plan, type Read, type Task, type TaskResult, type Vars } from '../core/index.ts';
import type { Group, Inventory } from '../inventory/index.ts';
import { contextFrom, planContext, resolveWhen, taskName } from '../runner/index.ts';
import { debianFacts } from './fake-facts.ts';

/** Inputs of planTask. */
export interface PlanTaskInput {
  /** @default debianFacts() */
  readonly facts?: HostFacts;
  /** @default {} */
  readonly vars?: Vars;
  /** @default 'node1' */
  readonly hostName?: string;
  /** Inventory groups: group name → its hosts (ctx.groupHosts, Jinja's group_names and groups); every host is in
   *  `all`. @default {} */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  /** Other inventory hosts' effective vars by host name (ctx.hostvars, Jinja's hostvars). @default {} */
  readonly hostvars?: Readonly<Record<string, Vars>>;
  /** Other hosts' facts by host name (ctx.factsOf; undefined for a host not given). @default {} */
  readonly factsOf?: Readonly<Record<string, HostFacts>>;
  /** Output of each read the module declares, by its shell command (captured from a real host). Missing reads fail. */
  readonly reads?: (command: string) => ExecOutput | undefined;
  /** Registered results of earlier tasks on this host, by task (ctx.result, ctx.resultOf). */
  readonly results?: ReadonlyMap<Task<unknown>, TaskResult<unknown>>;
  /** Registered results on other hosts: host name → results by task (ctx.result(task, host)). @default {} */
  readonly hostResults?: Readonly<Record<string, ReadonlyMap<Task<unknown>, TaskResult<unknown>>>>;
  /** Plan as under `--diff` (modules probe file content for before/after diffs). @default true */
  readonly diff?: boolean;
}

/** What planTask returns: the plan plus the commands of the reads the module declared. */
export interface PlannedTask {
  /** A task whose `when` is false is skipped, as in a run: no reads, no changes, `plan.skipped` says why. */
  readonly plan: Plan<unknown>;
  readonly reads: readonly string[];
}

/**
 * Resolve the task's `when` and args for a host with `facts` and `vars` through the runner's own TaskContext
 * (`ctx.var` of an undefined name is the run's ValidationError, `ctx.hostvars` and `ctx.groupHosts` answer from
 * `hostvars` and `groups`), check the args against the module's schema (ValidationError naming the task's file:line),
 * serve its reads from `reads`, and return the plan (as check mode plans it).
 */
export function planTask(task: Task<unknown>, input: PlanTaskInput = {}): PlannedTask {
  const facts = input.facts ?? debianFacts();
  const vars = input.vars ?? {};
  const name = input.hostName ?? 'node1';
  const inventory = givenInventory(name, vars, input);
  const host = inventory.host(name) as Host;
  const resultsOn = (h: string): ReadonlyMap<Task<unknown>, TaskResult<unknown>> | undefined => (h === name ? input.results : input.hostResults?.[h]);
  const ctx = contextFrom(
    {
      host,
      vars,
      facts,
      check: true,
      inventory,
      hostvars: (h) => (h === name ? vars : (input.hostvars?.[h] ?? {})),
      factsOf: (h) => (h === name ? facts : input.factsOf?.[h]),
      // by id, as the runner does: a role's `when` hands out copies of its tasks that keep their id
      result: (t, h) => {
        const given = resultsOn(h);
        return given?.get(t) ?? [...(given ?? [])].find(([k]) => k.id === t.id)?.[1];
      },
      notRunMessage: (t, h) => `ctx.result: task '${taskName(t)}' (${t.definedAt}) has no result on ${h}: give planTask its result (${h === name ? 'results' : 'hostResults'})`,
    },
    undefined,
  );
  const { when } = task.options;
  if (when !== undefined && !resolveWhen(when, ctx, task.options.loop !== undefined)) return { plan: { changes: [], skipped: 'conditional result was false' }, reads: [] };
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
  const plan = task.module.plan(args, state, planContext(mctx));
  return { plan, reads: declared.map(([, r]) => readCommand(r)) };
}

/** The inventory planTask's input describes: the planned host, the hosts of `hostvars`/`factsOf`, and `groups`. */
function givenInventory(name: string, vars: Vars, input: PlanTaskInput): Inventory {
  const groups = new Map<string, readonly string[]>(Object.entries(input.groups ?? {}));
  const names = [...new Set([name, ...Object.keys(input.hostvars ?? {}), ...Object.keys(input.factsOf ?? {}), ...Object.keys(input.hostResults ?? {}), ...[...groups.values()].flat()])];
  const hosts: Host[] = names.map((h) => ({
    name: h,
    groups: ['all', ...[...groups].filter(([, members]) => members.includes(h)).map(([g]) => g)],
    vars: h === name ? vars : (input.hostvars?.[h] ?? {}),
    ssh: { address: '127.0.0.1', port: 22 },
    become: false,
  }));
  const members = new Map<string, readonly string[]>([['all', names], ...groups]);
  const group = (g: string, hs: readonly string[]): Group => ({ name: g, hosts: hs, children: [], vars: {}, definedAt: 'planTask input' });
  return {
    source: 'planTask input',
    hosts,
    groups: new Map([...members].map(([g, hs]) => [g, group(g, hs)])),
    warnings: [],
    host: (h) => hosts.find((x) => x.name === h),
    // in inventory order, as an inventory lists a group's hosts
    groupHosts: (g) => names.filter((h) => members.get(g)?.includes(h)),
  };
}
