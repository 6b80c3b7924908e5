/** Check mode: a task's reads answered from the predicted filesystem, over the host's real state (the read cache). */
import { posix } from 'node:path';
import { parseRead, read, type Read } from '../../core/index.ts';
import type { HostRuntime } from '../host-runtime.ts';
import type { Privilege } from '../privilege.ts';
import { cacheKey } from '../reads.ts';
import { pathExists } from '../../facts/command.ts';
import { fileContent, fileState, fileStateOrAbsent, FileStateError, treeDrift, type FileStateArg, type TreeDriftArg } from '../../facts/files.ts';
import { execIdentity, type ExecIdentity } from '../../facts/identity.ts';
import { UNKNOWN, type HostFiles, type PredictedFiles, type Unknown } from './files.ts';

/** Thrown while predicting when a host read is needed that was not fetched: fetch it, then predict again. */
export class NeedRead extends Error {
  constructor(readonly read: Read<unknown>) {
    super(`check mode needs a read first: ${read.fact.name}`);
    this.name = 'NeedRead';
  }
}

/** A host read served from the read cache (throws NeedRead when it is not there). */
export type HostReads = <T>(r: Read<T>) => T;

/** The read of the identity check mode needs to predict new files' owner and mode. */
export const identityRead: Read<ExecIdentity> = read(execIdentity, undefined);

/** `files.state` reads of the host, through `host`. */
export const hostFiles = (host: HostReads): HostFiles => (arg) => host(read(fileState, arg));

/**
 * The paths whose stat the model asks for when it predicts `r` over changes to its path or the directories above it:
 * the path and each ancestor, `/` included. The runner prefetches their lstat and stat (`statReads`) once per host, one
 * batched `stat` (files.state's `many`), so check mode and segments plan without a round trip per directory.
 */
export function modelPaths(r: Read<unknown>): string[] {
  const out: string[] = [];
  for (const path of pathsOf(r)) {
    if (!path.startsWith('/')) continue;
    const parts = path.split('/').filter(Boolean);
    for (let i = 0; i <= parts.length; i++) out.push(`/${parts.slice(0, i).join('/')}`);
  }
  return out;
}

/** The lstat and stat reads of `path` (what the model reads of a path). */
export const statReads = (path: string): Read<unknown>[] => [read(fileState, { path }), read(fileState, { path, follow: true })];

/** The host paths a read looks at: the file facts' path, or what a fact declares (`paths`). */
function pathsOf(r: Read<unknown>): readonly string[] {
  if (r.fact === (fileState as unknown) || r.fact === (fileStateOrAbsent as unknown)) return [(r.arg as FileStateArg).path];
  if (r.fact === (pathExists as unknown) || r.fact === (fileContent as unknown)) return [r.arg as string];
  if (r.fact === (treeDrift as unknown)) return [(r.arg as TreeDriftArg).path];
  return (r.fact as { paths?: (a: unknown) => readonly string[] }).paths?.(r.arg) ?? [];
}

/** Where `path` is on the host, its directories' and its own symlinks followed (the path itself when it cannot be told). */
function onHost(path: string, fs: HostFiles): string {
  try {
    const s = fs({ path, follow: true });
    if (s.exists) return s.realPath ?? path;
    if (s.danglingTo !== undefined) return s.danglingTo;
    const d = fs({ path: posix.dirname(path), follow: true });
    return d.exists && d.realPath !== undefined ? posix.join(d.realPath, posix.basename(path)) : path;
  } catch (e) {
    if (e instanceof FileStateError) return path;
    throw e;
  }
}

/** Whether check mode predicts `r` exactly from its model of the filesystem (then a failure it leads to is real). */
export function isModelled(r: Read<unknown>): boolean {
  return [fileState, fileStateOrAbsent, pathExists, fileContent, treeDrift].includes(r.fact as never);
}

/**
 * The value `r` would have after the predicted changes: predicted for the file facts, the host's (`hostValue`) for a
 * read no prediction touched, UNKNOWN when a prediction touched a path the fact reads but cannot be modelled.
 */
export function predictRead(files: PredictedFiles, r: Read<unknown>, hostValue: () => unknown, host: HostReads): unknown {
  const fs = hostFiles(host);
  const arg = r.arg;
  if (r.fact === (fileState as unknown)) return files.fileState(arg as FileStateArg, fs);
  if (r.fact === (fileStateOrAbsent as unknown)) {
    try {
      return files.fileState(arg as FileStateArg, fs);
    } catch (e) {
      if (e instanceof FileStateError) return { path: (arg as FileStateArg).path, exists: false };
      throw e;
    }
  }
  if (r.fact === (pathExists as unknown)) {
    const p = arg as string;
    if (!files.affects(p)) return hostValue();
    const s = exists(() => files.fileState({ path: p, follow: true }, fs));
    return s;
  }
  if (r.fact === (fileContent as unknown)) {
    const p = arg as string;
    if (!files.affects(p)) return hostValue();
    const s = files.fileState({ path: p, follow: true, content: true }, fs);
    if (s === UNKNOWN) return UNKNOWN;
    if (!s.exists || s.type !== 'file') return null;
    return s.content ? new TextDecoder().decode(s.content) : UNKNOWN;
  }
  if (r.fact === (treeDrift as unknown)) {
    const a = arg as TreeDriftArg;
    return files.affectsTree(a.path) ? files.treeDrift(a, fs) : hostValue();
  }
  // a path a change touched, as given or where the host's symlinks take it (writes are recorded where they land)
  return pathsOf(r).some((p) => files.affectsTree(p) || files.affectsTree(onHost(p, fs))) ? UNKNOWN : hostValue();
}

function exists(f: () => ReturnType<PredictedFiles['fileState']>): boolean | Unknown {
  try {
    const s = f();
    return s === UNKNOWN ? UNKNOWN : s.exists;
  } catch (e) {
    if (e instanceof FileStateError) return false; // test -e on a path below a file: false
    throw e;
  }
}

/** Reads served from `rt`'s cache in one privilege context (NeedRead when not fetched yet). */
export function cachedReads(rt: HostRuntime, privilege: Privilege): HostReads {
  return <T>(r: Read<T>): T => {
    const out = rt.cache.get(cacheKey({ privilege, read: r }));
    if (!out) throw new NeedRead(r);
    return parseRead(r, out);
  };
}
