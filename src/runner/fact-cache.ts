/**
 * Facts from a host's previous run, kept on the controller. Two uses: to GUESS which reads upcoming tasks will need, so
 * those reads can share the facts exec (a stale guess costs nothing: reads are cached by their exact command), and as
 * `factsOf()` for hosts outside the run (--limit), like Ansible's fact cache. The outputs of the host's read-only tasks
 * (a firewall backend chosen, say) are kept beside them for the same guess (runner/guesses.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { redact, type Host, type HostFacts } from '../core/index.ts';

/** What the cache keeps per host: its facts, and the outputs of its read-only tasks (runner/guesses.ts). */
type Kind = 'facts' | 'decisions';

function file(host: Host, kind: Kind): string | undefined {
  if (process.env.RIG_FACT_CACHE === '0') return undefined;
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  const id = `${host.name}@${host.ssh.address}:${host.ssh.port}`;
  // a name or address given as a secret (!vault, secret()) is not written out, even as a file name
  const key = redact(id) === id ? id.replace(/[^A-Za-z0-9@:._-]/g, '_') : createHash('sha256').update(id).digest('hex').slice(0, 32);
  return path.join(base, 'rig', kind, `${key}.json`);
}

function cached(host: Host, kind: Kind): unknown {
  const f = file(host, kind);
  if (!f) return undefined;
  try {
    // a fifo or device there would block the read forever
    return statSync(f).isFile() ? (JSON.parse(readFileSync(f, 'utf8')) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** Facts saved by the last run for this host, if any. */
export function cachedFacts(host: Host): HostFacts | undefined {
  return cached(host, 'facts') as HostFacts | undefined;
}

/** Outputs of read-only tasks saved by the last run for this host (declared task id → output), if any. */
export function cachedDecisions(host: Host): Readonly<Record<string, unknown>> | undefined {
  const v = cached(host, 'decisions');
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Writes still in flight (see factsSaved). */
const inFlight = new Set<Promise<void>>();
/** The last write queued per file. */
const pending = new Map<string, Promise<void>>();

/**
 * Remember `facts` for the next run (best effort: a read-only home just means no speculation next time). Off the
 * event loop: a synchronous write+rename per host cost the 20-host no-op ~100 ms of blocked SSH traffic.
 */
export function saveFacts(host: Host, facts: HostFacts): void {
  save(host, 'facts', facts);
}

/** Remember the outputs of `host`'s read-only tasks for the next run (best effort, like saveFacts). */
export function saveDecisions(host: Host, decisions: Readonly<Record<string, unknown>>): void {
  save(host, 'decisions', decisions);
}

function save(host: Host, kind: Kind, value: unknown): void {
  const f = file(host, kind);
  if (!f) return;
  const tmp = `${f}.${process.pid}.tmp`;
  // one write per file at a time, in order (two plays of one run save the same host's file): the last one wins whole
  const p = (pending.get(f) ?? Promise.resolve())
    // the user's own: facts name the host's users, addresses and software; outputs may too
    .then(() => mkdir(path.dirname(f), { recursive: true, mode: 0o700 }))
    .then(() => writeFile(tmp, JSON.stringify(value), { mode: 0o600 }))
    .then(() => rename(tmp, f))
    .catch(() => undefined) // not worth failing a run over
    .finally(() => {
      inFlight.delete(p);
      if (pending.get(f) === p) pending.delete(f);
    });
  pending.set(f, p);
  inFlight.add(p);
}

/** Resolves when every saveFacts so far has finished. */
export async function factsSaved(): Promise<void> {
  await Promise.all([...inFlight]);
}

/**
 * --flush-cache: forget the saved facts (and read-only task outputs) of `hosts` (Ansible's CLI._flush_cache clears every
 * inventory host's facts, before --limit applies). Resolves to the number of facts files removed; a missing file is not
 * an error.
 */
export async function forgetFacts(hosts: Iterable<Host>): Promise<number> {
  let removed = 0;
  for (const h of hosts) {
    for (const kind of ['facts', 'decisions'] as const) {
      const f = file(h, kind);
      if (!f) continue;
      try {
        await rm(f);
        if (kind === 'facts') removed += 1;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }
  return removed;
}
