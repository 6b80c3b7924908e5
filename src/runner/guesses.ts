/**
 * Last run's outputs of a host's read-only tasks, as GUESSES of their results for the prefetch: a task that waits for
 * one (a `when` on the firewall backend chosen, args built from a gossip key decided once) is resolved with the guess,
 * so its reads ride on the exec that reads everything else. The guess picks reads only: a task's own `when`, args, plan
 * and report always see the real result. A stale guess costs the exec the task would have cost without it.
 * Kept beside the fact cache (fact-cache.ts; RIG_FACT_CACHE=0 and --flush-cache cover both); secrets are redacted
 * before anything is written, and noLog tasks are never kept.
 */
import { redactDeep, type Task, type TaskKey, type TaskResult } from '../core/index.ts';
import { cachedDecisions, saveDecisions } from './fact-cache.ts';
import type { HostRuntime } from './host-runtime.ts';
import { taskName } from './task-name.ts';

/** Larger outputs are not kept: a guess is a decision (a name, a flag, a key), not a listing. */
const MAX_OUTPUT_CHARS = 4096;

/** A task of the play and its declared id (task-ids.ts: derived from the tree, the same in every run). */
export interface DeclaredTask {
  readonly task: Task;
  readonly id: string;
}

/** What the cache held when the run started, per host: saved again only when this run's outputs differ. */
const loaded = new WeakMap<HostRuntime, Readonly<Record<string, unknown>>>();

/** Whether a task's output is kept as a guess: read-only (its output follows from the host's state), one call, logged. */
function kept(task: Task): boolean {
  return task.module.readOnly === true && task.options.noLog !== true && task.options.loop === undefined;
}

/** Set `rt.guesses` from the cache for the tasks of `items` (the play's and later plays'). */
export function loadGuesses(rt: HostRuntime, items: readonly DeclaredTask[]): void {
  let saved = loaded.get(rt);
  if (!saved) loaded.set(rt, (saved = cachedDecisions(rt.host) ?? {}));
  const guesses = new Map<TaskKey, TaskResult>();
  for (const { task, id } of items) {
    if (!kept(task) || !Object.hasOwn(saved, id)) continue;
    guesses.set(task.id, { host: rt.host.name, task: taskName(task), definedAt: task.definedAt, status: 'ok', output: saved[id], durationMs: 0, execs: 0 });
  }
  rt.guesses = guesses.size ? guesses : undefined;
}

/** `f()` with the guesses standing in for results not there yet (synchronous: no other code sees the host meanwhile). */
export function withGuesses<T>(rt: HostRuntime, f: () => T): T {
  const was = rt.guessing;
  rt.guessing = true;
  try {
    return f();
  } finally {
    rt.guessing = was;
  }
}

/** Keep this run's outputs of `items`' read-only tasks on `rt` for the next run (written only when they differ). */
export function saveGuesses(rt: HostRuntime, items: readonly DeclaredTask[]): void {
  const before = loaded.get(rt) ?? cachedDecisions(rt.host) ?? {};
  const next: Record<string, unknown> = { ...before };
  for (const { task, id } of items) {
    if (!kept(task)) continue;
    const r = rt.results.get(task.id);
    if (!r || r.status !== 'ok' || r.output === undefined || r.predicted) continue;
    const text = JSON.stringify(redactDeep(r.output));
    if (text === undefined || text.length > MAX_OUTPUT_CHARS) delete next[id];
    else next[id] = JSON.parse(text) as unknown;
  }
  if (JSON.stringify(next) === JSON.stringify(before)) return;
  loaded.set(rt, next);
  saveDecisions(rt.host, next);
}
