/**
 * Facts from a host's previous run, kept on the controller. Two uses: to GUESS which reads upcoming tasks will need, so
 * those reads can share the facts exec (a stale guess costs nothing: reads are cached by their exact command), and as
 * `factsOf()` for hosts outside the run (--limit), like Ansible's fact cache.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Host, HostFacts } from '../core/index.ts';

function file(host: Host): string | undefined {
  if (process.env.RIG_FACT_CACHE === '0') return undefined;
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  const key = `${host.name}@${host.ssh.address}:${host.ssh.port}`.replace(/[^A-Za-z0-9@:._-]/g, '_');
  return path.join(base, 'rig', 'facts', `${key}.json`);
}

/** Facts saved by the last run for this host, if any. */
export function cachedFacts(host: Host): HostFacts | undefined {
  const f = file(host);
  if (!f) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as HostFacts;
  } catch {
    return undefined;
  }
}

/** Writes still in flight (see factsSaved). */
const inFlight = new Set<Promise<void>>();

/**
 * Remember `facts` for the next run (best effort: a read-only home just means no speculation next time). Off the
 * event loop: a synchronous write+rename per host cost the 20-host no-op ~100 ms of blocked SSH traffic.
 */
export function saveFacts(host: Host, facts: HostFacts): void {
  const f = file(host);
  if (!f) return;
  const tmp = `${f}.${process.pid}.tmp`;
  const p = mkdir(path.dirname(f), { recursive: true })
    .then(() => writeFile(tmp, JSON.stringify(facts)))
    .then(() => rename(tmp, f))
    .catch(() => undefined) // not worth failing a run over
    .finally(() => inFlight.delete(p));
  inFlight.add(p);
}

/** Resolves when every saveFacts so far has finished. */
export async function factsSaved(): Promise<void> {
  await Promise.all([...inFlight]);
}

/**
 * --flush-cache: forget the saved facts of `hosts` (Ansible's CLI._flush_cache clears every inventory host's facts,
 * before --limit applies). Resolves to the number of cache files removed; a missing file is not an error.
 */
export async function forgetFacts(hosts: Iterable<Host>): Promise<number> {
  let removed = 0;
  for (const h of hosts) {
    const f = file(h);
    if (!f) continue;
    try {
      await rm(f);
      removed += 1;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return removed;
}
