/**
 * Reads that other hosts' delegated tasks will make on a host (the swarm's node labels, set on the live manager for every
 * worker), for that host's first exec: without them a no-op costs the delegate one exec more per delegating host. Each
 * is resolved in the delegating host's context, with last run's facts and read-only outputs standing in for what is not
 * there yet (fact-cache.ts, guesses.ts) — a guess picks reads only: the task itself runs with the real ones. They go to
 * the host's read cache, which a delegated task uses only while no host has changed anything since (ReadCache.current):
 * another host's change can change its answer.
 */
import { argProblems, type Read, type Task } from '../core/index.ts';
import { moduleContext, resolveDynamic } from './context.ts';
import { cachedFacts } from './fact-cache.ts';
import { withGuesses } from './guesses.ts';
import type { HostRuntime } from './host-runtime.ts';
import type { PlanItem } from './plan-item.ts';
import { privilegeOf } from './privilege.ts';
import { prefetchSpecsOf, type ReadSpec } from './reads.ts';
import { resolveCalls } from './resolve-items.ts';
import type { RunState } from './run-state.ts';
import { selectedByTags } from './tags.ts';

/** A delegated task of the play (not runOnce: only the host running it would read for it). */
const delegated = (it: PlanItem): it is Extract<PlanItem, { task: Task }> => !('flush' in it) && it.task.options.delegateTo !== undefined && it.task.options.runOnce !== true;

/** A later play of the run (play.ts LaterPlay): its tasks and the hosts it runs on. */
interface Later {
  readonly items: readonly PlanItem[];
  readonly hosts: ReadonlySet<string>;
}

/** A delegated task and the hosts that run it. */
interface Delegated {
  readonly it: Extract<PlanItem, { task: Task }>;
  readonly hosts?: ReadonlySet<string>;
}

/**
 * For a play's `items` run on `rts`, and the later plays' (each on its hosts): the reads each host of `rts` will make
 * for the others' delegated tasks, by delegate name. Worked out once, on the first call (when every host's guesses are
 * loaded), for all hosts.
 */
export function delegatedReads(state: RunState, items: readonly PlanItem[], rts: readonly HostRuntime[], later: readonly Later[] = []): (rt: HostRuntime) => readonly ReadSpec[] {
  const selected = (it: Extract<PlanItem, { task: Task }>): boolean => selectedByTags(it.task.options.tags, state.options.tags, state.options.skipTags);
  const tasks: Delegated[] = [
    ...items.filter(delegated).filter(selected).map((it) => ({ it })),
    ...later.flatMap((l) => l.items.filter(delegated).filter(selected).map((it) => ({ it, hosts: l.hosts }))),
  ];
  let byDelegate: Map<string, ReadSpec[]> | undefined;
  return (rt) => {
    if (!tasks.length) return [];
    byDelegate ??= collect(state, tasks, rts);
    return byDelegate.get(rt.host.name) ?? [];
  };
}

function collect(state: RunState, tasks: readonly Delegated[], rts: readonly HostRuntime[]): Map<string, ReadSpec[]> {
  const out = new Map<string, ReadSpec[]>();
  const inRun = new Set(rts.map((r) => r.host.name));
  for (const from of rts) {
    if (!from.active) continue;
    // synchronous: no other code sees the host's facts swapped (the host's own prefetch does the same)
    const real = from.facts;
    if (real === undefined) from.facts = cachedFacts(from.host);
    try {
      for (const { it: { task, scope }, hosts } of tasks) {
        if (hosts !== undefined && !hosts.has(from.host.name)) continue;
        try {
          // the delegate is picked with the guesses too (the manager the hosts' swarm states name)
          withGuesses(from, () => {
            for (const { args, ctx } of resolveCalls(state, from, task, scope)) {
              const to = resolveDynamic(task.options.delegateTo, ctx);
              // to itself: its own prefetch has it (play.ts lookahead)
              if (typeof to !== 'string' || to === from.host.name || !inRun.has(to) || argProblems(task.module, args).length) continue;
              const reads = Object.values(task.module.probe(args, moduleContext(state, from, ctx)) as object) as Read<unknown>[];
              const list = out.get(to) ?? [];
              out.set(to, list);
              list.push(...prefetchSpecsOf(reads, privilegeOf(task, scope, from)).filter((s) => !s.volatile));
            }
          });
        } catch {
          // not resolvable even with guesses: read when the play reaches it
        }
      }
    } finally {
      if (real === undefined) from.facts = undefined;
    }
  }
  return out;
}
