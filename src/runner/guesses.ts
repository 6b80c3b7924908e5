/**
 * Last run's outputs of a host's read-only tasks, as GUESSES of their results for the prefetch: a task that waits for
 * one (a `when` on the firewall backend chosen, args built from another read-only task's output) is resolved with it,
 * so its reads ride on the exec that reads everything else. The guess picks reads only: a task's own `when`, args, plan
 * and report always see the real result. A stale guess costs the exec the task would have cost without it.
 * Kept beside the fact cache (fact-cache.ts; RIG_FACT_CACHE=0 and --flush-cache cover both); a secret is never written:
 * strings holding one are kept redacted (the gossip key decided once guesses `{ key: '********' }`: enough to resolve the
 * consul config's args, whose reads follow its path, not its content), an output with one anywhere else (a number, a
 * key) or a task id holding one is not kept, nor anything of a noLog task. As in printed output, a value computed from
 * a secret (upper-cased, parsed, encoded) is not recognised as one.
 */
import { redact, redactDeep, type Task, type TaskKey, type TaskResult } from '../core/index.ts';
import { cachedDecisions, saveDecisions } from './fact-cache.ts';
import type { HostRuntime } from './host-runtime.ts';
import { SEPARATOR } from './task-ids.ts';
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

/** Most entries a host's file keeps: past that, only the current play's (a file shared by many playbooks stays small). */
const MAX_ENTRIES = 512;

/**
 * Keep this run's outputs of the read-only tasks of play `playId` (`items`) on `rt` for the next run, written only when
 * they differ. The play's other entries (tasks gone, now noLog or a loop, without an output this run) are dropped.
 * Secrets in an output's strings are kept redacted; a task id holding a secret, or an output still holding one once its
 * strings are redacted (a secret turned into a number, say), is not kept: a guess is not worth the risk.
 */
export function saveGuesses(rt: HostRuntime, playId: string, items: readonly DeclaredTask[]): void {
  const before = loaded.get(rt) ?? cachedDecisions(rt.host) ?? {};
  const prefix = `${playId}${SEPARATOR}`;
  const next: Record<string, unknown> = {};
  for (const [id, v] of Object.entries(before)) if (!id.startsWith(prefix) && id !== playId) next[id] = v;
  if (Object.keys(next).length >= MAX_ENTRIES) for (const id of Object.keys(next)) delete next[id];
  for (const { task, id } of items) {
    if (!kept(task) || redact(id) !== id) continue;
    const r = rt.results.get(task.id);
    if (!r || r.status !== 'ok' || r.output === undefined || r.predicted) continue;
    const output = storable(r.output);
    if (output !== undefined) next[id] = output;
  }
  if (JSON.stringify(next) === JSON.stringify(before)) return;
  loaded.set(rt, next);
  saveDecisions(rt.host, next);
}

/** `output` as the cache keeps it: plain JSON, its strings' secrets redacted, small; undefined when it cannot be (a
 *  secret left in the text once the strings are redacted: in a number, across values). */
function storable(output: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(output);
    if (text === undefined) return undefined;
    // JSON first (toJSON, dropped undefineds), then its strings: what is checked below is exactly what is written
    const plain = JSON.parse(text) as unknown;
    // a secret as a key: redacted, two keys would become one
    if (secretKey(plain)) return undefined;
    text = JSON.stringify(redactDeep(plain));
  } catch {
    return undefined;
  }
  if (text === undefined || text.length > MAX_OUTPUT_CHARS || redact(text) !== text) return undefined;
  return JSON.parse(text) as unknown;
}

/** Whether a key of a plain JSON value holds a secret. */
function secretKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(secretKey);
  if (v === null || typeof v !== 'object') return false;
  return Object.entries(v).some(([k, x]) => redact(k) !== k || secretKey(x));
}
