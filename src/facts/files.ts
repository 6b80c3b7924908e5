/** File facts: what one path is on the host (type, mode, owner, checksum, optionally content). */
import type { ExecOutput, Fact } from '../core/fact.ts';
import { sh } from '../core/quote.ts';

/** Largest file whose content `fileState` returns (1 MiB); bigger files report `contentOmitted: 'too-large'`. */
export const MAX_CONTENT_BYTES = 1024 * 1024;

/** Kind of filesystem object, from the st_mode type bits. */
export type FileType = 'file' | 'directory' | 'link' | 'other';

/** A path that does not exist (ENOENT; with `follow`, also a dangling symlink). */
export interface FileAbsent {
  readonly path: string;
  readonly exists: false;
  /** With `follow`, when the path is a dangling symlink: where it leads (`readlink -m`), so check mode can see a predicted target. */
  readonly danglingTo?: string;
  /** The nearest existing ancestor is a symlink to nothing (`mkdir -p` of the path fails there: "File exists"), and
   *  where it leads (`readlink -m`). Only for plain absolute paths (no `.`, `..` or `//`). */
  readonly danglingParent?: { readonly path: string; readonly to: string };
}

/** A path that exists. */
export interface FilePresent {
  readonly path: string;
  readonly exists: true;
  readonly type: FileType;
  /** Permission bits as 4 octal digits, e.g. '0644', '4755'. */
  readonly mode: string;
  /** Owner name ('UNKNOWN' when the uid has no passwd entry). */
  readonly owner: string;
  readonly group: string;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Hex sha256 of a regular file's bytes; unset when the file is not regular or not readable. */
  readonly sha256?: string;
  /** Regular file whose bytes could not be read by the login user (permission denied). */
  readonly unreadable?: boolean;
  /** Symlink target as stored in the link (only without `follow`). */
  readonly linkTarget?: string;
  /** Canonical path with every symlink resolved (only with `follow`); write here to edit through a link. */
  readonly realPath?: string;
  /** File bytes (only with `content: true`, regular, readable, size ≤ MAX_CONTENT_BYTES). */
  readonly content?: Uint8Array;
  /** Why `content` is missing although it was asked for. */
  readonly contentOmitted?: 'too-large' | 'unreadable' | 'not-a-file';
}

/** What `fileState` reports for one path. */
export type FileState = FileAbsent | FilePresent;

/** Argument of `fileState`. */
export interface FileStateArg {
  /** Absolute path on the host. */
  readonly path: string;
  /** Also return the bytes (≤ 1 MiB, regular files). @default false */
  readonly content?: boolean;
  /** Report the object a symlink points to (stat -L) and its real path, instead of the link. @default false */
  readonly follow?: boolean;
}

/** Thrown by `fileState.parse` when the path cannot be inspected (e.g. permission denied on a parent directory). */
export class FileStateError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(
      `cannot inspect ${path}: ${reason}` +
        (/permission denied/i.test(reason) ? ' (run the task with become: true, or fix the parent directory permissions)' : ''),
    );
    this.name = 'FileStateError';
  }
}

// GNU coreutils (stat -c, sha256sum, base64 -w0, readlink -f) under LC_ALL=C so error texts are stable. Always exits 0:
// absence and errors are reported as lines, parse decides. The runner runs every read in a subshell of its own, so the
// variables set here never reach other reads. Process count matters (a no-op run is one such script per declared path
// on every host): an existing path costs `stat` plus `sha256sum` for a regular file; the error text of `stat` is only
// fetched when the path is not there.
// How a script labels its lines: nothing (one path's own command), a fixed `X<i> ` (literal), or the shell variable
// `$t` (the many-path script's functions, called once per path).
type Tag = string | { readonly variable: true };
const VAR_TAG: Tag = { variable: true };
// `printf` of a tagged word (its format ends with the given rest, e.g. '%s ' for a value printed after it)
const tagPrintf = (tag: Tag, word: string, rest = ''): string =>
  typeof tag === 'string' ? `printf '${tag}${word} ${rest}'` : `printf '%s${word} ${rest}' "$t"`;
// `echo` of a tagged word (may contain unquoted expansions when literal, so it stays as it was for a literal tag)
const tagEcho = (tag: Tag, word: string): string => (typeof tag === 'string' ? `echo ${tag}${word}` : `echo "$t"${word}`);
const tagText = (tag: Tag): string => (typeof tag === 'string' ? tag : '${t}');

// walk up with builtins to the nearest ancestor that exists (as lstat sees it); only when that one is a symlink to
// nothing, two more processes say which and where it leads — mkdir -p stops there, which a plain ENOENT does not tell
const walkUp = ` a=$p; while a=\${a%/*}; [ -n "$a" ] && [ ! -e "$a" ] && [ ! -L "$a" ]; do :; done;`;
const danglingCheck = (tag: Tag) =>
  ` if [ -n "$a" ] && [ -L "$a" ] && [ ! -e "$a" ]; then ${tagPrintf(tag, 'dangling-parent', '%s ')} "$(printf %s "$a" | base64 -w0)"; readlink -m -n -- "$a" | base64 -w0; echo; fi;`;
const danglingParent = (tag: Tag) => walkUp + danglingCheck(tag);

// a plain absolute path (no `.`, `..` or `//`): only such a path can be compared with its directory's physical path
// (`cd -P` and `pwd -P` are builtins), and only below one does the dangling-parent walk mean what it says
const isPlain = (path: string): boolean => /^(\/[^/]+)+$/.test(path) && !/\/\.\.?(\/|$)/.test(path);

function tests(arg: FileStateArg, plain = isPlain(arg.path), inScript = false) {
  const follow = arg.follow === true;
  // is the directory above its own physical path? `$(cd -P … && pwd -P)` forks a subshell per path; in a script of its
  // own (the many-path read, `rig_d` its start directory) `cd -P` and `$PWD` do it in the shell itself, no process
  const movedDir = inScript
    ? `{ r=-; if cd -P -- "\${p%/*}/" 2>/dev/null; then r=\${PWD%/}; cd -- "$rig_d" 2>/dev/null; fi; [ "$r" != "\${p%/*}" ]; }`
    : `[ "$(cd -P -- "\${p%/*}/" 2>/dev/null && pwd -P)" != "\${p%/*}" ]`;
  return {
    stat: follow ? 'stat -L' : 'stat',
    exists: follow ? '[ -e "$p" ]' : '{ [ -e "$p" ] || [ -L "$p" ]; }',
    isFile: follow ? '[ -f "$p" ]' : '[ ! -L "$p" ] && [ -f "$p" ]',
    // prints the lines after `stat`: `real …`/`real-same` with follow, `target …` for a symlink without
    link: (tag: Tag) =>
      !follow
        ? `if [ -L "$p" ]; then ${tagPrintf(tag, 'target')}; readlink -n -- "$p" | base64 -w0; echo; fi`
        : plain
          ? `if [ -L "$p" ] || ${movedDir}; then ${tagPrintf(tag, 'real')}; readlink -f -n -- "$p" | base64 -w0; echo; else ${tagEcho(tag, 'real-same')}; fi`
          : `${tagPrintf(tag, 'real')}; readlink -f -n -- "$p" | base64 -w0; echo`,
    // absent (ENOENT, or a dangling link with follow, then also where it leads) or why the path cannot be inspected
    missing: (tag: Tag) => {
      const statError =
        `o=$(${follow ? 'stat -L' : 'stat'} -c . -- "$p" 2>&1); case $o in *': No such file or directory' | .) ${tagEcho(tag, 'absent')};${
          follow ? ` if [ -L "$p" ]; then ${tagPrintf(tag, 'dangling')}; readlink -m -n -- "$p" | base64 -w0; echo; fi;` : ''
        }`;
      const error = `; *) echo "${tagText(tag)}error \${o##*: }";; esac`;
      if (!plain) return statError + error;
      if (!inScript) return statError + danglingParent(tag) + error;
      // ENOENT without a process: the nearest existing ancestor is a directory this user can search (`/` when none is)
      // and the path is no link (a dangling one or a loop needs stat's answer) with no name longer than NAME_MAX; else
      // stat says why. A first run reads dozens of missing paths on every host: one stat process each, before
      return `${walkUp} if [ ! -L "$p" ] && [ \${#p} -le 255 ] && { [ -z "$a" ] || { [ -d "$a" ] && [ -x "$a" ]; }; }; then ${tagEcho(tag, 'absent')}; else ${statError}${danglingCheck(tag)}${error}; fi`;
    },
  };
}

function command(arg: FileStateArg): string {
  const t = tests(arg);
  const stat = t.stat;
  // content needs the size first, so that stat is captured; the other forms let stat print straight to the output
  const statLine = arg.content === true ? `  o=$(${stat} -c '%f %a %u %g %s %U %G' -- "$p") && echo "stat $o"` : `  ${stat} -c 'stat %f %a %u %g %s %U %G' -- "$p"`;
  const lines = [
    sh`p=${arg.path}; export LC_ALL=C`.text,
    `if ${t.exists}; then`,
    statLine,
    `  ${t.link('')}`,
    `  if ${t.isFile}; then`,
    `    printf 'sha256 '; sha256sum 2>/dev/null < "$p" || echo unreadable`,
    arg.content === true
      ? `    s=\${o#* * * * }; s=\${s%% *}; if [ "$s" -le ${MAX_CONTENT_BYTES} ]; then if c=$(base64 -w0 2>/dev/null < "$p"); then echo "content $c"; fi; else echo 'content-omitted too-large'; fi`
      : '    :',
    `  fi`,
    `else ${t.missing('')}; fi`,
  ];
  return lines.join('\n');
}

// Many paths, one script: one `stat` per follow mode and one `sha256sum` for all regular files, instead of a `stat` and a
// `sha256sum` per path (a no-op run reads dozens of paths on every host, and each process costs the host ~1 ms).
// Per-path lines are tagged `X<i> `; stat lines end with the name and checksum lines are sha256sum's own, both
// matched by path, so a path that vanished in between only loses its own lines. Content is capped with `head` (the
// size check moves to `split`, which has the stat line).
const STAT_FORMAT = '%f %a %u %g %s %U %G %n';

function manyCommand(args: readonly FileStateArg[]): string {
  const paths = (follow: boolean) => [...new Set(args.filter((a) => (a.follow === true) === follow).map((a) => a.path))];
  const lines = ['export LC_ALL=C; rig_d=$PWD'];
  for (const follow of [false, true]) {
    const ps = paths(follow);
    if (ps.length) lines.push(`${follow ? 'stat -L' : 'stat'} -c '${follow ? 'L' : 'S'} ${STAT_FORMAT}' -- ${sh`${ps}`.text} 2>/dev/null`);
  }
  // one shell function per kind of read (follow, plain path, content), defined once: a path costs one short call
  // line instead of its whole test (the script of 100 paths was ~70 KB, now ~10: 1000 hosts hold one each at once).
  // `rig_s… <i> <path>` prints the path's tagged lines and returns 0 for a regular file (whose checksum is wanted).
  const defined = new Set<string>();
  const calls: string[] = [];
  const summed = new Set<string>();
  args.forEach((a, i) => {
    const plain = isPlain(a.path);
    const name = `rig_s${a.follow === true ? 1 : 0}${plain ? 1 : 0}${a.content === true ? 1 : 0}`;
    if (!defined.has(name)) {
      defined.add(name);
      const t = tests(a, plain, true);
      const content =
        a.content === true ? ` if [ -r "$p" ]; then ${tagPrintf(VAR_TAG, 'content')}; head -c ${MAX_CONTENT_BYTES + 1} -- "$p" | base64 -w0; echo; fi;` : '';
      lines.push(
        `${name}() { t="X$1 "; p=$2; if ${t.exists}; then ${t.link(VAR_TAG)}; if ${t.isFile}; then echo "$t"file;${content} return 0; fi; else ${t.missing(VAR_TAG)}; fi; return 1; }`,
      );
    }
    const key = `${a.follow === true}:${a.path}`;
    const sum = summed.has(key) ? '' : ' && set -- "$@" "$p"';
    summed.add(key);
    calls.push(`${name} ${i} ${sh`${a.path}`.text}${sum}`);
  });
  lines.push('set --', ...calls, 'if [ $# -gt 0 ]; then sha256sum -- "$@" 2>/dev/null; fi', ':');
  return lines.join('\n');
}

// stat and sha256sum escape nothing in these names (see `manyAccepts`), so a line ends with the path as given
function splitMany(out: ExecOutput, args: readonly FileStateArg[]): ExecOutput[] {
  const stats = new Map<string, string>();
  const sums = new Map<string, string>();
  const tagged = args.map((): string[] => []);
  for (const line of out.stdout.split('\n')) {
    const st = /^([SL]) (\S+ \S+ \S+ \S+ \S+ \S+ \S+) (.*)$/.exec(line);
    const x = /^X(\d+) (.*)$/.exec(line);
    const sum = /^([0-9a-f]{64}) {2}(.*)$/.exec(line);
    if (st) stats.set(`${st[1]}${st[3]}`, `stat ${st[2]}`);
    else if (x) tagged[Number(x[1])]?.push(x[2] as string);
    else if (sum) sums.set(sum[2] as string, sum[1] as string);
  }
  return args.map((a, i) => {
    const mine = tagged[i] ?? [];
    const gone = mine.find((l) => l === 'absent' || l.startsWith('error '));
    if (gone) return { stdout: `${[gone, ...mine.filter((l) => l.startsWith('dangling'))].join('\n')}\n`, stderr: '', code: 0 };
    const stat = stats.get(`${a.follow === true ? 'L' : 'S'}${a.path}`);
    const lines = [...(stat ? [stat] : []), ...mine.filter((l) => l !== 'file' && !l.startsWith('content '))];
    if (mine.includes('file')) {
      const sha = sums.get(a.path);
      lines.push(sha ? `sha256 ${sha}  -` : 'sha256 unreadable');
      const size = Number(stat?.split(' ')[5]);
      const content = mine.find((l) => l.startsWith('content '));
      if (a.content === true && size > MAX_CONTENT_BYTES) lines.push('content-omitted too-large');
      else if (a.content === true && sha && content !== undefined) lines.push(content);
    }
    return { stdout: `${lines.join('\n')}\n`, stderr: '', code: 0 };
  });
}

// a newline would split a stat line; sha256sum escapes names with a backslash or newline
const manyAccepts = (arg: FileStateArg) => !/[\n\\]/.test(arg.path);

function decodeBase64(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function typeOf(rawMode: number): FileType {
  switch (rawMode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'link';
    default:
      return 'other';
  }
}

function parse(out: ExecOutput, arg: FileStateArg): FileState {
  const lines = out.stdout.split('\n').filter((l) => l !== '');
  const first = lines[0];
  if (first === 'absent') {
    const to = lines.find((l) => l.startsWith('dangling '));
    const up = lines.find((l) => l.startsWith('dangling-parent '))?.split(' ');
    const text = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString('utf8');
    return {
      path: arg.path,
      exists: false,
      ...(to ? { danglingTo: text(to.slice(9)) } : {}),
      ...(up ? { danglingParent: { path: text(up[1]), to: text(up[2]) } } : {}),
    };
  }
  if (first?.startsWith('error ')) throw new FileStateError(arg.path, first.slice(6));
  const m = first ? /^stat ([0-9a-f]+) ([0-7]+) (\d+) (\d+) (\d+) (\S+) (\S+)$/.exec(first) : null;
  if (!m) throw new Error(`files.state ${arg.path}: unexpected output ${JSON.stringify(out.stdout.slice(0, 200))} ${out.stderr.slice(0, 200)}`);
  const type = typeOf(parseInt(m[1]!, 16));
  // following lines are "key value" (value may be empty, e.g. the content of an empty file) or a bare flag
  const fields: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const sp = l.indexOf(' ');
    fields[sp < 0 ? l : l.slice(0, sp)] = sp < 0 ? '' : l.slice(sp + 1);
  }
  // "sha256 <hex>  -" from sha256sum on stdin; "sha256 unreadable" when the file could not be opened or read
  const sha256 = /^[0-9a-f]{64}(?=\s|$)/.exec(fields['sha256'] ?? '')?.[0];
  const unreadable = 'unreadable' in fields || (fields['sha256'] !== undefined && sha256 === undefined);
  let content: Uint8Array | undefined;
  let contentOmitted: FilePresent['contentOmitted'];
  if (arg.content === true) {
    if (type !== 'file') contentOmitted = 'not-a-file';
    else if (fields['content-omitted'] === 'too-large') contentOmitted = 'too-large';
    else if (fields['content'] !== undefined) content = decodeBase64(fields['content'] ?? '');
    else contentOmitted = 'unreadable';
  }
  return {
    path: arg.path,
    exists: true,
    type,
    mode: m[2]!.padStart(4, '0'),
    uid: Number(m[3]),
    gid: Number(m[4]),
    size: Number(m[5]),
    owner: m[6]!,
    group: m[7]!,
    ...(sha256 ? { sha256 } : {}),
    ...(unreadable ? { unreadable: true } : {}),
    ...(fields['target'] !== undefined ? { linkTarget: Buffer.from(fields['target'], 'base64').toString('utf8') } : {}),
    ...(fields['real'] !== undefined ? { realPath: Buffer.from(fields['real'], 'base64').toString('utf8') } : {}),
    ...('real-same' in fields ? { realPath: arg.path } : {}),
    ...(content ? { content } : {}),
    ...(contentOmitted ? { contentOmitted } : {}),
  };
}

/** One path's state: `stat` (lstat unless `follow`), sha256 of regular files, link target, optional content. */
export const fileState: Fact<FileState, FileStateArg> = {
  name: 'files.state',
  command,
  parse,
  many: { accepts: manyAccepts, command: manyCommand, split: splitMany },
};

/** `fileState`, but a path that cannot be inspected (a symlink loop, a file above it) reads as absent instead of throwing:
 *  for questions such as "does this lead to that file", where such a path simply does not. */
export const fileStateOrAbsent: Fact<FileState, FileStateArg> = {
  name: 'files.stateOrAbsent',
  command,
  parse: (out, arg) => {
    try {
      return parse(out, arg);
    } catch (e) {
      if (e instanceof FileStateError) return { path: arg.path, exists: false };
      throw e;
    }
  },
  many: { accepts: manyAccepts, command: manyCommand, split: splitMany },
};

/** Argument of `treeDrift`: the attributes every entry under `path` should have. */
export interface TreeDriftArg {
  readonly path: string;
  /** 4-digit octal mode; symlinks are not compared (their mode is meaningless on Linux). */
  readonly mode?: string;
  readonly owner?: string;
  readonly group?: string;
}

// GNU find: stop at the first entry that differs. A missing directory has no drift (it will be created empty).
function treeDriftCommand(arg: TreeDriftArg): string {
  const tests = [
    ...(arg.owner !== undefined ? [sh`! -user ${arg.owner}`.text] : []),
    ...(arg.group !== undefined ? [sh`! -group ${arg.group}`.text] : []),
    ...(arg.mode !== undefined ? [sh`\\( ! -type l ! -perm ${arg.mode} \\)`.text] : []),
  ];
  const expr = tests.length > 0 ? tests.join(' -o ') : '-false';
  return sh`(p=${arg.path}; if [ -d "$p" ]; then LC_ALL=C find "$p" \\( `.text + expr + ` \\) -printf 'drift\\n' -quit 2>&1; echo "rc $?"; else echo 'rc 0'; fi)`;
}

function parseTreeDrift(out: ExecOutput, arg: TreeDriftArg): boolean {
  const lines = out.stdout.split('\n').filter((l) => l !== '');
  const rc = lines.at(-1);
  if (rc !== 'rc 0') {
    const why = lines.filter((l) => !l.startsWith('rc ')).join('; ') || out.stderr.trim() || `unexpected output ${JSON.stringify(out.stdout)}`;
    throw new Error(`cannot check attributes under ${arg.path}: ${why}`);
  }
  return lines.includes('drift');
}

/** Whether anything under a directory (itself included) differs from the wanted owner/group/mode (for `recurse`). */
export const treeDrift: Fact<boolean, TreeDriftArg> = { name: 'files.treeDrift', command: treeDriftCommand, parse: parseTreeDrift };

/** Content of a small text file, or null when it does not exist. Throws when it exists but cannot be read. */
export const fileContent: Fact<string | null, string> = {
  name: 'files.content',
  command: (path) => sh`if [ -f ${path} ]; then echo present; cat ${path}; else echo absent; fi`.text,
  parse: (out, path) => {
    if (out.stdout === 'absent\n' || out.stdout === 'absent') return null;
    if (out.stdout.startsWith('present\n') && out.code === 0) return out.stdout.slice('present\n'.length);
    throw new Error(`cannot read ${path}: ${out.stderr.trim() || JSON.stringify(out.stdout.slice(0, 200))}`);
  },
};
