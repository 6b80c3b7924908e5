/**
 * Facts from a host's previous run, kept on the controller. Two uses: to GUESS which reads upcoming tasks will need, so
 * those reads can share the facts exec (a stale guess costs nothing: reads are cached by their exact command), and as
 * `factsOf()` for hosts outside the run (--limit), like Ansible's fact cache.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/** Remember `facts` for the next run (best effort: a read-only home just means no speculation next time). */
export function saveFacts(host: Host, facts: HostFacts): void {
  const f = file(host);
  if (!f) return;
  try {
    mkdirSync(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(facts));
    renameSync(tmp, f);
  } catch {
    // not worth failing a run over
  }
}
