/** file / directory / link modules, and the owner/group/mode helpers every file-writing module shares. */
import type { ExecChange } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule, type Plan } from '../core/module.ts';
import { sh } from '../core/quote.ts';
import { fileState, treeDrift, type FilePresent, type FileState } from '../facts/files.ts';

/** Owner, group and mode a managed path should have; unset means "leave as is". */
export interface FileAttrs {
  /** Octal permission bits: '0644', '644', '2755', or a number such as 0o644 (a number is the value, so write 0o644, not 644). */
  readonly mode?: string | number;
  /** User name or numeric uid. */
  readonly owner?: string;
  /** Group name or numeric gid. */
  readonly group?: string;
}

/** Normalize a mode to 4 octal digits ('644' → '0644', 0o644 → '0644'); undefined when unset or invalid. */
export function normalizeMode(mode: string | number | undefined): string | undefined {
  if (mode === undefined) return undefined;
  if (typeof mode === 'number') return Number.isInteger(mode) && mode >= 0 && mode <= 0o7777 ? mode.toString(8).padStart(4, '0') : undefined;
  return /^[0-7]{3,4}$/.test(mode) ? mode.padStart(4, '0') : undefined;
}

/** Validation problems of a path and its attributes. */
export function attrProblems(path: unknown, attrs: FileAttrs, what = 'path'): string[] {
  const problems: string[] = [];
  if (typeof path !== 'string' || !path.startsWith('/')) problems.push(`${what} must be an absolute path, got ${JSON.stringify(path)}`);
  if (attrs.mode !== undefined && normalizeMode(attrs.mode) === undefined)
    problems.push(`mode ${JSON.stringify(attrs.mode)} is not an octal mode like '0644' (symbolic modes are not supported; a number must be written 0o644)`);
  for (const k of ['owner', 'group'] as const) {
    const v = attrs[k];
    if (v !== undefined && (typeof v !== 'string' || v === '' || v.includes(':'))) problems.push(`${k} must be a non-empty name or id without ':'`);
  }
  return problems;
}

const sameId = (want: string, name: string, id: number): boolean => (/^\d+$/.test(want) ? Number(want) === id : want === name);

/**
 * chmod/chown execs that bring `current` to `attrs` (all of them when `current` is unset: the path is created by an
 * earlier change of the same plan). `link` changes the symlink itself (no chmod, chown -h).
 */
export function attrChanges(path: string, attrs: FileAttrs, current: FilePresent | undefined, opts: { link?: boolean } = {}): ExecChange[] {
  const changes: ExecChange[] = [];
  const mode = normalizeMode(attrs.mode);
  if (mode !== undefined && !opts.link && current?.mode !== mode) {
    changes.push({ kind: 'exec', command: sh`chmod ${mode} -- ${path}`.text, description: `chmod ${mode} ${path}${current ? ` (was ${current.mode})` : ''}` });
  }
  const owner = attrs.owner !== undefined && !(current && sameId(attrs.owner, current.owner, current.uid)) ? attrs.owner : undefined;
  const group = attrs.group !== undefined && !(current && sameId(attrs.group, current.group, current.gid)) ? attrs.group : undefined;
  if (owner !== undefined || group !== undefined) {
    const spec = `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`;
    const was = current ? ` (was ${current.owner}:${current.group})` : '';
    const h = opts.link ? sh`-h ` : sh``;
    changes.push({ kind: 'exec', command: sh`chown ${h}${spec} -- ${path}`.text, description: `chown ${spec} ${path}${was}` });
  }
  return changes;
}

/** Arguments of the `file` module (Ansible's file). */
export interface FileArgs extends FileAttrs {
  /** Absolute path on the host. */
  readonly path: string;
  /**
   * 'file': must exist (only attributes are managed); 'directory': mkdir -p; 'link': symlink to `src`;
   * 'absent': rm -rf; 'touch': create empty if missing (an existing file is left alone: no mtime bump, so re-runs report ok).
   * @default 'file'
   */
  readonly state?: 'file' | 'directory' | 'link' | 'absent' | 'touch';
  /** Link target for state 'link', stored verbatim (may be relative to the link's directory). */
  readonly src?: string;
  /** Directory: apply owner/group/mode to everything below it too (mode applies to files and directories alike). @default false */
  readonly recurse?: boolean;
  /** Link: replace an existing regular file or other link at `path`. @default false */
  readonly force?: boolean;
}

/** Probed state of the file module. */
export interface FileModuleState {
  readonly file: FileState;
  /** Only with `recurse`. */
  readonly drift?: boolean;
}

function validateFile(a: FileArgs): string[] {
  const problems = attrProblems(a.path, a);
  const state = a.state ?? 'file';
  if (!['file', 'directory', 'link', 'absent', 'touch'].includes(state)) problems.push(`state must be file, directory, link, absent or touch, got ${JSON.stringify(state)}`);
  if (state === 'link' && (typeof a.src !== 'string' || a.src === '')) problems.push(`state 'link' needs src (the link target)`);
  if (state !== 'link' && a.src !== undefined) problems.push(`src is only used with state 'link'`);
  if (a.recurse && state !== 'directory') problems.push(`recurse is only used with state 'directory'`);
  if (a.force && state !== 'link') problems.push(`force is only used with state 'link'`);
  if (state === 'link' && a.mode !== undefined) problems.push(`mode cannot be set on a symlink (Linux ignores it)`);
  return problems;
}

function probeFile(a: FileArgs) {
  const state = a.state ?? 'file';
  // file/directory/touch follow a symlink to what it points at (Ansible's follow=yes); link/absent look at the link
  const follow = state === 'file' || state === 'directory' || state === 'touch';
  const mode = normalizeMode(a.mode);
  return {
    file: read(fileState, { path: a.path, follow }),
    ...(a.recurse && state === 'directory'
      ? { drift: read(treeDrift, { path: a.path, ...(mode ? { mode } : {}), ...(a.owner ? { owner: a.owner } : {}), ...(a.group ? { group: a.group } : {}) }) }
      : {}),
  };
}

const describeType = (s: FilePresent): string => (s.type === 'other' ? 'a special file' : s.type === 'link' ? `a link to ${s.linkTarget}` : `a ${s.type}`);
/** Plans of file modules register no output. */
export type FilePlan = Plan<undefined>;

/** A plan-time failure: nothing is applied. */
export const failed = (msg: string): FilePlan => ({ changes: [], failed: msg });

function planFile(a: FileArgs, s: FileModuleState): FilePlan {
  const { path } = a;
  const cur = s.file;
  switch (a.state ?? 'file') {
    case 'absent':
      return cur.exists ? { changes: [{ kind: 'exec', command: sh`rm -rf -- ${path}`.text, description: `remove ${path}` }] } : { changes: [] };
    case 'file':
      if (!cur.exists) return failed(`${path} does not exist (use state: 'touch' to create an empty file, or copy/template for content)`);
      if (cur.type !== 'file') return failed(`${path} is ${describeType(cur)}, not a regular file`);
      return { changes: attrChanges(path, a, cur) };
    case 'touch':
      if (!cur.exists) return { changes: [{ kind: 'exec', command: sh`touch -- ${path}`.text, description: `create empty file ${path}` }, ...attrChanges(path, a, undefined)] };
      if (cur.type === 'directory') return failed(`${path} is a directory, state 'touch' wants a file`);
      return { changes: attrChanges(path, a, cur) };
    case 'directory': {
      if (!cur.exists) return { changes: [{ kind: 'exec', command: sh`mkdir -p -- ${path}`.text, description: `create directory ${path}` }, ...attrChanges(path, a, undefined)] };
      if (cur.type !== 'directory') return failed(`${path} is ${describeType(cur)}, not a directory`);
      const changes = attrChanges(path, a, cur);
      if (s.drift) changes.push(...recursiveChanges(a));
      return { changes };
    }
    case 'link': {
      const src = a.src ?? '';
      const create: ExecChange = { kind: 'exec', command: sh`ln -sfn -- ${src} ${path}`.text, description: `link ${path} -> ${src}` };
      if (!cur.exists) return { changes: [create, ...attrChanges(path, a, undefined, { link: true })] };
      if (cur.type === 'link' && cur.linkTarget === src) return { changes: attrChanges(path, a, cur, { link: true }) };
      if (cur.type === 'directory') return failed(`${path} is a directory; remove it first (state: 'absent') to put a link there`);
      if (cur.type !== 'link' && !a.force) return failed(`${path} is ${describeType(cur)}; set force: true to replace it with a link`);
      return { changes: [{ ...create, description: `link ${path} -> ${src} (was ${describeType(cur)})` }, ...attrChanges(path, a, undefined, { link: true })] };
    }
  }
}

// Something below differs: re-apply to the whole tree (chown -h so links themselves change, never their targets).
function recursiveChanges(a: FileArgs): ExecChange[] {
  const out: ExecChange[] = [];
  const mode = normalizeMode(a.mode);
  if (mode) out.push({ kind: 'exec', command: sh`chmod -R ${mode} -- ${a.path}`.text, description: `chmod -R ${mode} ${a.path}` });
  if (a.owner !== undefined || a.group !== undefined) {
    const spec = `${a.owner ?? ''}${a.group !== undefined ? `:${a.group}` : ''}`;
    out.push({ kind: 'exec', command: sh`chown -hR ${spec} -- ${a.path}`.text, description: `chown -R ${spec} ${a.path}` });
  }
  return out;
}

/** `file`: state of one path (file attributes, directory, symlink, absent, touch), like Ansible's file module. */
export const fileModule = defineModule<FileArgs, FileModuleState, undefined>({
  name: 'file',
  validate: validateFile,
  probe: probeFile,
  plan: planFile,
});

/** Arguments of `directory` (file with state 'directory'). */
export type DirectoryArgs = Omit<FileArgs, 'state' | 'src' | 'force'>;

/** `directory`: a directory exists (mkdir -p) with the given owner/group/mode, optionally recursively. */
export const directoryModule = defineModule<DirectoryArgs, FileModuleState, undefined>({
  name: 'directory',
  validate: (a) => validateFile({ ...a, state: 'directory' }),
  probe: (a) => probeFile({ ...a, state: 'directory' }),
  plan: (a, s) => planFile({ ...a, state: 'directory' }, s),
});

/** Arguments of `link` (file with state 'link'). */
export type LinkArgs = Omit<FileArgs, 'state' | 'mode' | 'recurse'> & { readonly src: string };

/** `link`: `path` is a symlink to `src`. */
export const linkModule = defineModule<LinkArgs, FileModuleState, undefined>({
  name: 'link',
  validate: (a) => validateFile({ ...a, state: 'link' }),
  probe: (a) => probeFile({ ...a, state: 'link' }),
  plan: (a, s) => planFile({ ...a, state: 'link' }, s),
});
