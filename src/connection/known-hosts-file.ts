/** Whether a path can serve as a known_hosts file (read, and appended to by accept-new), checked before connecting; and
 *  the one way rig creates a known_hosts file's directory. */
import { constants, accessSync, existsSync, mkdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';

/** Why a known_hosts path cannot be used, and what to do. */
export interface KnownHostsFileProblem {
  readonly reason: string;
  readonly hint: string;
}

// kernel interfaces: reading or creating files there hangs (Node's recursive mkdir spins on /proc) or changes the system
const KERNEL_FS = ['/proc', '/sys'];
const underKernelFs = (p: string): string | undefined => KERNEL_FS.find((root) => p === root || p.startsWith(`${root}/`));
const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

const HINT = 'point it at a regular file in a directory you can write (e.g. ~/.ssh/known_hosts_lab), or remove it to use ~/.ssh/known_hosts';

/** The nearest existing ancestor of `path` (itself if it exists), with its stats; undefined when none can be looked at. */
function nearestExisting(path: string): { path: string; st: Stats } | { path: string; error: string } {
  for (let p = path; ; p = dirname(p)) {
    try {
      return { path: p, st: statSync(p) };
    } catch (e) {
      const c = code(e);
      if (c !== 'ENOENT' && c !== 'ENOTDIR') return { path: p, error: c ?? String(e) };
      if (dirname(p) === p) return { path: p, error: c };
    }
  }
}

/**
 * What is wrong with `file` (absolute) as a known_hosts file, or undefined. Missing is fine (no key known yet) unless
 * `acceptNew` must create it and cannot; the file must be readable, a regular file (or /dev/null), not under /proc or
 * /sys, and writable when `acceptNew`. Never creates anything.
 */
export function knownHostsFileProblem(file: string, o: { readonly acceptNew: boolean }): KnownHostsFileProblem | undefined {
  const kernel = underKernelFs(file);
  if (kernel) return { reason: `is under ${kernel}, a kernel interface, not a place for a known_hosts file`, hint: HINT };
  const near = nearestExisting(file);
  if ('error' in near) return { reason: `cannot be looked at: ${near.path}: ${near.error === 'EACCES' ? 'permission denied' : near.error}`, hint: HINT };
  const real = (() => {
    try {
      return realpathSync(near.path);
    } catch {
      return near.path;
    }
  })();
  const realKernel = underKernelFs(real);
  if (realKernel) return { reason: `leads into ${realKernel} (${near.path} is ${real}), a kernel interface, not a place for a known_hosts file`, hint: HINT };
  if (near.path === file) {
    if (near.st.isDirectory()) return { reason: 'is a directory, not a known_hosts file', hint: `name a file in it, e.g. ${file.replace(/\/$/, '')}/known_hosts` };
    if (!near.st.isFile() && real !== '/dev/null') return { reason: 'is not a regular file', hint: HINT };
    try {
      accessSync(file, constants.R_OK);
    } catch {
      return { reason: 'cannot be read (permission denied)', hint: `make it readable by the user running rig (${userInfo().username}), or ${HINT}` };
    }
    if (o.acceptNew && real !== '/dev/null') {
      try {
        accessSync(file, constants.W_OK);
      } catch {
        return { reason: 'is not writable, and --accept-new-host-keys appends new keys to it', hint: `make it writable, or add the keys yourself (ssh-keyscan HOST >> ${file}) and run without --accept-new-host-keys` };
      }
    }
    return undefined;
  }
  // missing: what is there instead of its directory?
  if (!near.st.isDirectory()) return { reason: `cannot exist: ${near.path} is a file, not a directory`, hint: HINT };
  if (!o.acceptNew) return undefined;
  try {
    accessSync(near.path, constants.W_OK | constants.X_OK);
  } catch {
    return { reason: `cannot be created: directory ${near.path} is not writable`, hint: HINT };
  }
  return undefined;
}

/**
 * Create the directory of a known_hosts file one level at a time (mode 0700), never with Node's recursive mkdir (which
 * spins forever on a path under /proc); returns the top-most directory it created, or undefined if it existed. Throws
 * what mkdir throws, and for kernel filesystems.
 */
export function makeKnownHostsDir(dir: string): string | undefined {
  const kernel = underKernelFs(dir);
  if (kernel) throw new Error(`${dir} is under ${kernel}, a kernel interface, not a place for a known_hosts file`);
  const missing: string[] = [];
  for (let p = dir; !existsSync(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing) mkdirSync(p, { mode: 0o700 });
  return missing[0];
}
