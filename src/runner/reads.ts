/** Serve a task's reads from the host's cache, or fetch them together with upcoming tasks' reads in ONE exec. */
import { earlyRead, parseRead, readCommand, type ExecOutput, type Read } from '../core/index.ts';
import { buildBatch } from './batch.ts';
import { coalesce, type ReadSpec } from './coalesce.ts';
import type { HostRuntime } from './host-runtime.ts';

export type { ReadSpec } from './coalesce.ts';

/** Cache key: the same command read as root and as the login user can differ. */
export function cacheKey(spec: { command: string; become: boolean }): string {
  return `${spec.become ? 'B' : 'U'}\u0000${spec.command}`;
}

/** Turn declared reads into specs. */
export function specsOf(reads: readonly Read<unknown>[], become: boolean): ReadSpec[] {
  return reads.map((r) => ({ command: readCommand(r), become, volatile: r.volatile ?? false, read: r }));
}

/** What an upcoming task's reads contribute to a prefetch: volatile reads only through their early form. */
export function prefetchSpecsOf(reads: readonly Read<unknown>[], become: boolean): ReadSpec[] {
  return specsOf(reads.map((r) => (r.volatile ? (earlyRead(r) ?? r) : r)), become);
}

/** The cached early form of a volatile read, when it already satisfies the read (then no exec is needed). */
export function earlyOutput(rt: HostRuntime, r: Read<unknown>, become: boolean): ExecOutput | undefined {
  const e = earlyRead(r);
  if (!r.volatile || !e || !r.early) return undefined;
  const out = rt.cache.get(cacheKey({ command: readCommand(e), become }));
  if (!out) return undefined;
  try {
    return r.early.accept(parseRead(e, out)) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Run reads of one become flag in one exec (not cached here). */
export async function runBatch(rt: HostRuntime, specs: readonly ReadSpec[], becomeUser?: string): Promise<ExecOutput[]> {
  if (!rt.conn) throw new Error(`no connection to ${rt.host.name}`);
  const c = coalesce(specs);
  const b = buildBatch(c.commands);
  const out = await rt.conn.exec(b.script, { become: specs[0]?.become ?? false, becomeUser });
  return c.spread(b.parse(out));
}

/** Fetch outputs for `wanted` (in order). `lookahead` yields reads of upcoming tasks to prefetch in the same exec. */
export async function fetchReads(
  rt: HostRuntime,
  wanted: readonly ReadSpec[],
  lookahead: () => readonly ReadSpec[],
  opts: { becomeUser?: string; log?: (line: string) => void },
): Promise<ExecOutput[]> {
  if (!rt.conn) throw new Error(`no connection to ${rt.host.name}`);
  const results = new Map<ReadSpec, ExecOutput>();
  const missing = wanted.filter((s) => !s.volatile && !rt.cache.has(cacheKey(s)));
  for (const become of [false, true]) {
    const mine = missing.filter((s) => s.become === become);
    if (mine.length === 0) continue;
    const seen = new Set<string>();
    const batch: ReadSpec[] = [];
    for (const s of [...mine, ...lookahead()]) {
      const k = cacheKey(s);
      if (s.become !== become || s.volatile || rt.cache.has(k) || seen.has(k)) continue;
      seen.add(k);
      batch.push(s);
    }
    opts.log?.(`probe: ${batch.length} read(s) in one exec`);
    (await runBatch(rt, batch, opts.becomeUser)).forEach((o, i) => rt.cache.set(cacheKey(batch[i] as ReadSpec), o));
  }
  // volatile reads are never cached or prefetched, but one task's volatile reads share an exec (in declared order)
  for (const become of [false, true]) {
    const now = wanted.filter((w) => w.volatile && w.become === become);
    if (now.length === 0) continue;
    (await runBatch(rt, now, opts.becomeUser)).forEach((o, i) => results.set(now[i] as ReadSpec, o));
  }
  return wanted.map((s) => results.get(s) ?? (rt.cache.get(cacheKey(s)) as ExecOutput));
}
