/** file / directory / link modules, and the owner/group/mode helpers every file-writing module shares. */
import type { ExecChange } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule, type Plan } from '../core/module.ts';
import { sh } from '../core/quote.ts';
import { fileState, fileStateOrAbsent, treeDrift, type FilePresent, type FileState } from '../facts/files.ts';
import { absPath, fileMode, principal, strict, z } from '../schema/index.ts';

/** Owner, group and mode a managed path should have; unset means "leave as is". */
export const fileAttrsShape = {
  /** Octal permission bits as a string: '0644', '644', '2755' (a number is refused: 644 would be decimal). */
  mode: fileMode.optional(),
  /** User name or numeric uid. */
  owner: principal.optional().describe('User name or numeric uid.'),
  /** Group name or numeric gid. */
  group: principal.optional().describe('Group name or numeric gid.'),
};

/** Owner, group and mode a managed path should have; unset means "leave as is". */
export type FileAttrs = z.infer<z.ZodObject<typeof fileAttrsShape>>;

/** Normalize a mode to 4 octal digits ('644' → '0644', 0o644 → '0644'); undefined when unset or invalid. */
export function normalizeMode(mode: string | number | undefined): string | undefined {
  if (mode === undefined) return undefined;
  if (typeof mode === 'number') return Number.isInteger(mode) && mode >= 0 && mode <= 0o7777 ? mode.toString(8).padStart(4, '0') : undefined;
  if (!/^[0-7]{1,5}$/.test(mode) || Number.parseInt(mode, 8) > 0o7777) return undefined;
  return Number.parseInt(mode, 8).toString(8).padStart(4, '0');
}

const sameId = (want: string, name: string, id: number): boolean => (/^\d+$/.test(want) ? Number(want) === id : want === name);

/**
 * chmod/chown execs that bring `current` to `attrs` (all of them when `current` is unset: the path is created by an
 * earlier change of the same plan). `link` changes the symlink itself (no chmod, chown -h).
 */
export function attrChanges(path: string, attrs: FileAttrs, current: FilePresent | undefined, opts: { link?: boolean } = {}): ExecChange[] {
  const changes: ExecChange[] = [];
  const mode = normalizeMode(attrs.mode);
  const owner = attrs.owner !== undefined && !(current && sameId(attrs.owner, current.owner, current.uid)) ? attrs.owner : undefined;
  const group = attrs.group !== undefined && !(current && sameId(attrs.group, current.group, current.gid)) ? attrs.group : undefined;
  // owner before mode: chown clears a regular file's setuid (and group-executable setgid) bits, so a wanted 4755 is
  // set again after it
  const chowned = owner !== undefined || group !== undefined;
  if (chowned) {
    const spec = `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`;
    const was = current ? ` (was ${current.owner}:${current.group})` : '';
    const h = opts.link ? sh`-h ` : sh``;
    changes.push({
      kind: 'exec',
      command: sh`chown ${h}${spec} -- ${path}`.text,
      description: `chown ${spec} ${path}${was}`,
      effects: [{ op: 'attrs', path, ...(owner !== undefined ? { owner } : {}), ...(group !== undefined ? { group } : {}), ...(opts.link ? { noFollow: true } : {}) }],
    });
  }
  const cleared = chowned && current?.type !== 'directory' && mode !== undefined && (Number.parseInt(mode, 8) & 0o6000) !== 0;
  if (mode !== undefined && !opts.link && (current?.mode !== mode || cleared)) {
    changes.push({
      kind: 'exec',
      // five digits: GNU chmod keeps a directory's setuid/setgid bits for a four-digit mode (`chmod 0755` leaves 2755);
      // `00755` sets exactly the mode asked for, as Ansible's os.chmod does
      command: sh`chmod ${`0${mode}`} -- ${path}`.text,
      description: `chmod ${mode} ${path}${current ? ` (was ${current.mode})` : ''}`,
      effects: [{ op: 'attrs', path, mode }],
    });
  }
  return changes;
}

const fileShape = {
  ...fileAttrsShape,
  path: absPath.describe('Absolute path on the host.'),
  state: z
    .enum(['file', 'directory', 'link', 'absent', 'touch'])
    .optional()
    .describe(
      "'file' (default): must exist, only attributes are managed; 'directory': mkdir -p; 'link': symlink to src; 'absent': rm -rf; " +
        "'touch': create empty if missing (an existing file is left alone).",
    ),
  src: z.string().min(1).optional().describe("Link target for state 'link', stored verbatim (may be relative to the link's directory)."),
  recurse: z.boolean().optional().describe('Directory: apply owner/group/mode to everything below it too. Default false.'),
  force: z.boolean().optional().describe('Link: replace an existing regular file or other link at path. Default false.'),
};

/** Args schema of `file` (Ansible's file): path, state ('file' | 'directory' | 'link' | 'absent' | 'touch'; default 'file'), src, recurse, force, mode, owner, group. */
export const fileArgs = strict(fileShape).describe("State of one path: file attributes, directory, symlink, absent, touch (Ansible's file).");
/** Arguments of the `file` module. */
export type FileArgs = z.infer<typeof fileArgs>;

/** The directory holding `path` ('/' for a top-level path). */
export const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

/** Probed state of the file module. */
export interface FileModuleState {
  readonly file: FileState;
  /** Only in check mode: the directory holding the path. */
  readonly parent?: FileState;
  /** Only with `recurse`. */
  readonly drift?: boolean;
  /** Only for a forced link to an absolute src: src followed (does it lead to path itself?). */
  readonly source?: FileState;
  /** Only for a forced link to an absolute src: path followed (its real path). */
  readonly followed?: FileState;
}

function validateFile(a: FileArgs): string[] {
  const problems: string[] = [];
  const state = a.state ?? 'file';
  if (state === 'link' && a.src === undefined) problems.push(`state 'link' needs src (the link target)`);
  if (state !== 'link' && a.src !== undefined) problems.push(`src is only used with state 'link'`);
  if (a.recurse && state !== 'directory') problems.push(`recurse is only used with state 'directory'`);
  if (a.force && state !== 'link') problems.push(`force is only used with state 'link'`);
  if (state === 'link' && a.mode !== undefined) problems.push(`mode cannot be set on a symlink (Linux ignores it)`);
  return problems;
}

function probeFile(a: FileArgs, ctx?: { readonly check: boolean }) {
  const state = a.state ?? 'file';
  // file/directory/touch follow a symlink to what it points at (Ansible's follow=yes); link/absent look at the link
  const follow = state === 'file' || state === 'directory' || state === 'touch';
  const mode = normalizeMode(a.mode);
  return {
    file: read(fileState, { path: a.path, follow }),
    // check mode: the directory the path is in rides in the same exec (a link or touch into a missing one fails; a
    // path below a host symlink is the same file as the one below its target)
    ...(ctx?.check ? { parent: read(fileState, { path: parentOf(a.path), follow: true }) } : {}),
    // ln -sf refuses when src (followed, taken from ln's working directory) is the very file it would replace
    ...(state === 'link' && a.force && a.src?.startsWith('/')
      ? { source: read(fileStateOrAbsent, { path: a.src, follow: true }), followed: read(fileStateOrAbsent, { path: a.path, follow: true }) }
      : {}),
    ...(a.recurse && state === 'directory'
      ? { drift: read(treeDrift, { path: a.path, ...(mode ? { mode } : {}), ...(a.owner ? { owner: a.owner } : {}), ...(a.group ? { group: a.group } : {}) }) }
      : {}),
  };
}

const leadsTo = ({ source, followed }: FileModuleState): boolean =>
  source?.exists === true && followed?.exists === true && source.realPath !== undefined && source.realPath === followed.realPath;

const describeType = (s: FilePresent): string => (s.type === 'other' ? 'a special file' : s.type === 'link' ? `a link to ${s.linkTarget}` : `a ${s.type}`);
/** Why `mkdir -p` cannot create `path`: a directory above it is a symlink to nothing (mkdir: File exists). */
export function danglingParentMessage(path: string, up: { readonly path: string; readonly to: string }): string {
  return `cannot create ${path}: ${up.path} is a symlink to ${up.to}, which does not exist; remove the link or create its target`;
}

/** `mkdir -p` of a directory (and its missing parents). */
export function mkdirChange(path: string): ExecChange {
  return { kind: 'exec', command: sh`mkdir -p -- ${path}`.text, description: `create directory ${path}`, effects: [{ op: 'mkdir', path }] };
}

/** Plans of file modules register no output. */
export type FilePlan = Plan<undefined>;

/** A plan-time failure: nothing is applied. */
export const failed = (msg: string): FilePlan => ({ changes: [], failed: msg });

function planFile(a: FileArgs, s: FileModuleState): FilePlan {
  const { path } = a;
  const cur = s.file;
  switch (a.state ?? 'file') {
    case 'absent':
      return cur.exists ? { changes: [{ kind: 'exec', command: sh`rm -rf -- ${path}`.text, description: `remove ${path}`, effects: [{ op: 'remove', path }] }] } : { changes: [] };
    case 'file':
      if (!cur.exists) return failed(`${path} does not exist (use state: 'touch' to create an empty file, or copy/template for content)`);
      if (cur.type !== 'file') return failed(`${path} is ${describeType(cur)}, not a regular file`);
      return { changes: attrChanges(path, a, cur) };
    case 'touch':
      if (!cur.exists) {
        const touch: ExecChange = { kind: 'exec', command: sh`touch -- ${path}`.text, description: `create empty file ${path}`, effects: [{ op: 'touch', path }] };
        return { changes: [touch, ...attrChanges(path, a, undefined)] };
      }
      if (cur.type === 'directory') return failed(`${path} is a directory, state 'touch' wants a file`);
      return { changes: attrChanges(path, a, cur) };
    case 'directory': {
      // mkdir -p refuses a dangling symlink ("File exists"): say so before anything runs
      if (!cur.exists && cur.danglingTo !== undefined) return failed(`${path} is a symlink to ${cur.danglingTo}, which does not exist; remove the link or create its target`);
      if (!cur.exists && cur.danglingParent) return failed(danglingParentMessage(path, cur.danglingParent));
      if (!cur.exists) return { changes: [mkdirChange(path), ...attrChanges(path, a, undefined)] };
      if (cur.type !== 'directory') return failed(`${path} is ${describeType(cur)}, not a directory`);
      const changes = attrChanges(path, a, cur);
      if (s.drift) changes.push(...recursiveChanges(a));
      return { changes };
    }
    case 'link': {
      const src = a.src ?? '';
      const create: ExecChange = { kind: 'exec', command: sh`ln -sfn -- ${src} ${path}`.text, description: `link ${path} -> ${src}`, effects: [{ op: 'link', path, target: src }] };
      if (!cur.exists) return { changes: [create, ...attrChanges(path, a, undefined, { link: true })] };
      if (cur.type === 'link' && cur.linkTarget === src) return { changes: attrChanges(path, a, cur, { link: true }) };
      if (cur.type === 'directory') return failed(`${path} is a directory; remove it first (state: 'absent') to put a link there`);
      if (cur.type !== 'link' && !a.force) return failed(`${path} is ${describeType(cur)}; set force: true to replace it with a link`);
      // ln -sfn refuses to replace a file by a link to that same file ("are the same file")
      if (cur.type !== 'link' && src === path) return failed(`${path} cannot be replaced by a link to itself`);
      if (cur.type !== 'link' && leadsTo(s)) return failed(`${path} cannot be replaced by a link to ${src}: ${src} leads to ${path} itself`);
      return { changes: [{ ...create, description: `link ${path} -> ${src} (was ${describeType(cur)})` }, ...attrChanges(path, a, undefined, { link: true })] };
    }
  }
}

// Something below differs: re-apply to the whole tree (chown -h so links themselves change, never their targets).
function recursiveChanges(a: FileArgs): ExecChange[] {
  const out: ExecChange[] = [];
  const mode = normalizeMode(a.mode);
  if (mode) out.push({ kind: 'exec', command: sh`chmod -R ${`0${mode}`} -- ${a.path}`.text, description: `chmod -R ${mode} ${a.path}`, effects: [{ op: 'attrs', path: a.path, mode, recurse: true }] });
  if (a.owner !== undefined || a.group !== undefined) {
    const spec = `${a.owner ?? ''}${a.group !== undefined ? `:${a.group}` : ''}`;
    out.push({
      kind: 'exec',
      command: sh`chown -hR ${spec} -- ${a.path}`.text,
      description: `chown -R ${spec} ${a.path}`,
      effects: [{ op: 'attrs', path: a.path, ...(a.owner !== undefined ? { owner: a.owner } : {}), ...(a.group !== undefined ? { group: a.group } : {}), recurse: true }],
    });
  }
  return out;
}

/** `file`: state of one path (file attributes, directory, symlink, absent, touch), like Ansible's file module. */
export const fileModule = defineModule<FileArgs, FileModuleState, undefined>({
  name: 'file',
  args: fileArgs,
  validate: validateFile,
  probe: (a, ctx) => probeFile(a, ctx),
  plan: planFile,
});

const { state: _s, src: _src, force: _f, ...directoryShape } = fileShape;
/** Args schema of `directory`: path, recurse, mode, owner, group. */
export const directoryArgs = strict(directoryShape).describe('A directory exists (mkdir -p) with the given owner/group/mode.');
/** Arguments of `directory` (file with state 'directory'). */
export type DirectoryArgs = z.infer<typeof directoryArgs>;

/** `directory`: a directory exists (mkdir -p) with the given owner/group/mode, optionally recursively. */
export const directoryModule = defineModule<DirectoryArgs, FileModuleState, undefined>({
  name: 'directory',
  args: directoryArgs,
  validate: (a) => validateFile({ ...a, state: 'directory' }),
  probe: (a, ctx) => probeFile({ ...a, state: 'directory' }, ctx),
  plan: (a, s) => planFile({ ...a, state: 'directory' }, s),
});

const { state: _ls, mode: _lm, recurse: _lr, src: _lsrc, ...linkRest } = fileShape;
/** Args schema of `link`: path, src (the target), force, owner, group. */
export const linkArgs = strict({ ...linkRest, src: z.string().min(1).describe('Link target, stored verbatim (may be relative).') }).describe('path is a symlink to src.');
/** Arguments of `link` (file with state 'link'). */
export type LinkArgs = z.infer<typeof linkArgs>;

/** `link`: `path` is a symlink to `src`. */
export const linkModule = defineModule<LinkArgs, FileModuleState, undefined>({
  name: 'link',
  args: linkArgs,
  validate: (a) => validateFile({ ...a, state: 'link' }),
  probe: (a, ctx) => probeFile({ ...a, state: 'link' }, ctx),
  plan: (a, s) => planFile({ ...a, state: 'link' }, s),
});
