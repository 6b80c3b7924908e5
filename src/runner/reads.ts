/** Serve a task's reads from the host's cache, or fetch them together with upcoming tasks' reads in ONE exec. */
import { earlyRead, parseRead, readCommand, readKey, type ExecOutput, type Read, type WaitInfo } from '../core/index.ts';
import { buildBatch } from './batch.ts';
import { coalesce, type ReadSpec } from './coalesce.ts';
import type { HostRuntime } from './host-runtime.ts';
import { execOptions, privilegeKey, type Privilege } from './privilege.ts';

export type { ReadSpec } from './coalesce.ts';

/** Cache key: who reads (the same read as root, as postgres and as the login user can differ) and what — `readKey`
 *  for a declared read, else the command. */
export function cacheKey(spec: { readonly privilege: Privilege; readonly read?: Read<unknown>; readonly command?: string }): string {
  return `${privilegeKey(spec.privilege)}\u0000${spec.read ? readKey(spec.read) : spec.command}`;
}

/** A declared read as a spec; its command text is built only when an exec needs it (most reads are served from the
 *  cache, and reads of a `many` fact run as their group's one command). */
export function specOf(r: Read<unknown>, privilege: Privilege): ReadSpec {
  let command: string | undefined;
  return {
    get command() {
      return (command ??= readCommand(r));
    },
    privilege,
    volatile: r.volatile ?? false,
    read: r,
  };
}

/** Turn declared reads into specs. */
export function specsOf(reads: readonly Read<unknown>[], privilege: Privilege): ReadSpec[] {
  return reads.map((r) => specOf(r, privilege));
}

/** What an upcoming task's reads contribute to a prefetch: volatile reads only through their early form. */
export function prefetchSpecsOf(reads: readonly Read<unknown>[], privilege: Privilege): ReadSpec[] {
  return specsOf(reads.map((r) => (r.volatile ? (earlyRead(r) ?? r) : r)), privilege);
}

/** The cached early form of a volatile read, when it already satisfies the read (then no exec is needed). */
export function earlyOutput(rt: HostRuntime, r: Read<unknown>, privilege: Privilege): ExecOutput | undefined {
  const e = earlyRead(r);
  if (!r.volatile || !e || !r.early) return undefined;
  const out = rt.cache.get(cacheKey({ privilege, read: e }));
  if (!out) return undefined;
  try {
    return r.early.accept(parseRead(e, out)) ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Run reads of one privilege in one exec (not cached here). Throws when the exec did not run the batch at all (sudo
 * refused: the message says what to do, e.g. pass -K), so no read is mistaken for the host's answer.
 */
export async function runBatch(rt: HostRuntime, specs: readonly ReadSpec[], onWait: HostRuntime['onWait'] = rt.onWait): Promise<ExecOutput[]> {
  if (!rt.conn) throw new Error(`no connection to ${rt.host.name}`);
  const privilege = specs[0]?.privilege;
  if (!privilege || specs.some((s) => privilegeKey(s.privilege) !== privilegeKey(privilege))) throw new Error('runBatch: specs of one privilege');
  const c = coalesce(specs);
  const b = buildBatch(c.commands);
  const wait = waitOf(specs);
  if (wait) onWait(wait);
  const out = await rt.conn.exec(b.script, execOptions(privilege)).finally(() => wait && onWait(undefined));
  if (out.code !== 0 && !b.started(out)) {
    const why = out.stderr.trim().split('\n')[0] || `exit code ${out.code}`;
    throw new Error(privilege.become ? `cannot become ${privilege.becomeUser}: ${why}` : why);
  }
  return c.spread(b.parse(out));
}

/** What reads that poll on the host (Fact.waits) wait for: their descriptions, the longest limit. */
function waitOf(specs: readonly ReadSpec[]): WaitInfo | undefined {
  const waits = specs.flatMap((s) => {
    const w = s.read?.fact.waits?.(s.read.arg as never);
    return w ? [w] : [];
  });
  if (!waits.length) return undefined;
  return { what: [...new Set(waits.map((w) => w.what))].join(', '), limitSec: Math.max(...waits.map((w) => w.limitSec)), startedAt: Date.now() };
}

/** Specs grouped by privilege, in first-seen order. */
function byPrivilege(specs: readonly ReadSpec[]): ReadSpec[][] {
  const groups = new Map<string, ReadSpec[]>();
  for (const s of specs) {
    const k = privilegeKey(s.privilege);
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  return [...groups.values()];
}

/** Fetch outputs for `wanted` (in order). `lookahead` yields reads of upcoming tasks to prefetch in the same exec. */
export async function fetchReads(
  rt: HostRuntime,
  wanted: readonly ReadSpec[],
  lookahead: () => readonly ReadSpec[],
  /** onWait: who is told about a wait (the delegating host's, for a delegated task) @default rt's;
   *  fresh: read `wanted` again even when cached (a delegated task after another host's change) @default false */
  opts: { log?: (line: string) => void; onWait?: HostRuntime['onWait']; fresh?: boolean },
): Promise<ExecOutput[]> {
  if (!rt.conn) throw new Error(`no connection to ${rt.host.name}`);
  const results = new Map<ReadSpec, ExecOutput>();
  const missing = wanted.filter((s) => !s.volatile && (opts.fresh === true || !rt.cache.has(cacheKey(s))));
  // upcoming reads ride along only in an exec of their own privilege
  for (const mine of byPrivilege(missing)) {
    const key = privilegeKey((mine[0] as ReadSpec).privilege);
    const seen = new Set<string>();
    const batch: ReadSpec[] = [];
    for (const [i, s] of [...mine, ...lookahead()].entries()) {
      const k = cacheKey(s);
      if (privilegeKey(s.privilege) !== key || s.volatile || (i >= mine.length && rt.cache.has(k)) || seen.has(k)) continue;
      seen.add(k);
      batch.push(s);
    }
    opts.log?.(`probe: ${batch.length} read(s) in one exec`);
    (await runBatch(rt, batch, opts.onWait)).forEach((o, i) => rt.cache.set(cacheKey(batch[i] as ReadSpec), o));
  }
  // volatile reads are never cached or prefetched, but one task's volatile reads share an exec (in declared order)
  for (const now of byPrivilege(wanted.filter((w) => w.volatile))) {
    (await runBatch(rt, now, opts.onWait)).forEach((o, i) => results.set(now[i] as ReadSpec, o));
  }
  return wanted.map((s) => results.get(s) ?? (rt.cache.get(cacheKey(s)) as ExecOutput));
}

/** Upcoming reads that ride at the end of an apply exec: those of the exec's privilege, not volatile, each once. */
export interface RidingReads {
  /** The commands to append to the exec. */
  readonly commands: readonly string[];
  /** Put their outputs (as the exec returned them) into `rt`'s cache. */
  store(rt: HostRuntime, outs: readonly ExecOutput[]): void;
}

/** Plan `specs` as reads riding on an exec run with `privilege`. */
export function ridingReads(specs: readonly ReadSpec[], privilege: Privilege): RidingReads {
  const mine = specs.filter((x) => privilegeKey(x.privilege) === privilegeKey(privilege) && !x.volatile);
  const unique = [...new Map(mine.map((x) => [cacheKey(x), x])).values()];
  const grouped = coalesce(unique);
  return {
    commands: grouped.commands,
    store: (rt, outs) => grouped.spread(outs).forEach((o, i) => rt.cache.set(cacheKey(unique[i] as ReadSpec), o)),
  };
}
