/** The one atomic file replace on a host: temp file next to the target, filled, owner/mode set, fsync, rename. */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { quote, sh } from './quote.ts';

/** Prefix of the temp files the script creates next to the target (`.rig-XXXXXX`). */
export const TEMP_PREFIX = '.rig-';

/** How the replaced file ends up. */
export interface ReplaceOptions {
  /** Octal mode like '0644'; default: the old file's mode, or the umask default for a new file. */
  readonly mode?: string;
  /** Owner; default: the old file's (when root can keep it). */
  readonly owner?: string;
  /** Group; default: the old file's. */
  readonly group?: string;
  /** Command run against the temp file before the rename (`%s` is its path); failing leaves the target as it was. */
  readonly validate?: string;
  /** Copy the old file to `PATH.PID.DATE~` first and print `backup: PATH`. */
  readonly backup?: boolean;
}

/**
 * A sh script that replaces `path` atomically: `fill` (shell lines) writes "$tmp" and may call `fail`; the temp file is
 * removed on every way out, so a failure leaves the target as it was.
 */
export function replaceFileScript(path: string, opts: ReplaceOptions, fill: readonly string[]): string {
  if (!path.startsWith('/') || path.endsWith('/')) throw new TypeError(`replaceFileScript: path must be an absolute file path, got ${quote(path)}`);
  if (opts.mode !== undefined && !/^[0-7]{3,4}$/.test(opts.mode)) throw new TypeError(`replaceFileScript: mode must be octal like '0644', got ${quote(opts.mode)}`);
  const spec = opts.owner || opts.group ? `${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}` : undefined;
  const lines: string[] = [
    sh`p=${path}; d=${posix.dirname(path)}`.text,
    `fail() { printf 'rig: %s\\n' "$*" >&2; exit 1; }`,
    `[ -d "$d" ] || fail "cannot write $p: directory $d does not exist"`,
    `[ -d "$p" ] && fail "cannot write $p: it is a directory"`,
    // the temp file goes on every way out, signals included; after the rename `tmp` is emptied (an `rm` process for a
    // file that is gone would cost every write)
    `tmp=; trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT`,
    `trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM`,
    // The shell makes the temp file itself (noclobber: O_CREAT|O_EXCL, umask 077): no mktemp process. Its name has a
    // part the controller drew at random plus the shell's pid. A name known in advance could be planted first in a
    // directory others can write: where the sticky bit says so (/tmp), and when the name is taken, mktemp makes it;
    // elsewhere such a writer could already swap the file under mktemp's name, and a planted link is refused before
    // anything is written to it.
    `t="$d/${TEMP_PREFIX}${randomBytes(6).toString('hex')}.$$"`,
    `if [ ! -k "$d" ] && (umask 077; set -C; : > "$t") 2>/dev/null && [ -f "$t" ] && [ ! -L "$t" ]; then tmp=$t; made=shell; else`,
    `  tmp=$(mktemp "$d/${TEMP_PREFIX}XXXXXX") || fail "cannot create a temp file in $d"; made=mktemp`,
    'fi',
    // A directory's default ACL overrides the umask (the shell's create asks for 0666, mktemp's for 0600): the mode is
    // set before anything is written, so the content is never more open than the file will be
    preFill(opts.mode),
    ...fill,
  ];
  if (opts.validate !== undefined) {
    const cmd = opts.validate.split('%s').join('"$tmp"');
    // stdin closed: in a segment the exec's stdin carries the next writes' contents
    lines.push(`if ! { ${cmd}\n} </dev/null >&2; then fail ${quote(`validation failed (${opts.validate}); ${path} left unchanged`)}; fi`);
  }
  // owner before mode: chown clears setuid bits
  if (spec !== undefined) lines.push(sh`chown ${spec} "$tmp" || fail ${`cannot set owner ${spec}`}`.text);
  // keep the existing owner; only root can, and a non-root writer already owns what it can replace
  else lines.push(`[ -e "$p" ] && { chown --reference="$p" "$tmp" 2>/dev/null || true; }`);
  if (opts.mode !== undefined && !fillable(opts.mode)) lines.push(sh`chmod ${opts.mode} "$tmp" || fail ${`cannot set mode ${opts.mode}`}`.text);
  // no mode: keep the old file's, or the umask default for a new file (what Ansible's atomic_move gives it)
  else if (opts.mode === undefined) lines.push(`if [ -e "$p" ]; then chmod --reference="$p" "$tmp"; else chmod "$(printf '%o' $((0666 & ~$(umask))))" "$tmp"; fi || fail "cannot set mode"`);
  lines.push(`sync -- "$tmp" 2>/dev/null || sync`);
  if (opts.backup) {
    lines.push(`if [ -e "$p" ]; then b="$p.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$p" "$b" || fail "cannot back up $p"; printf 'backup: %s\\n' "$b"; fi`);
  }
  lines.push(`mv -f -- "$tmp" "$p" || fail "cannot rename $tmp to $p"`, 'tmp=', `sync -- "$d" 2>/dev/null || sync`);
  return lines.join('\n');
}

/** Whether the temp file can have `mode` while it is filled: no setuid/setgid/sticky bit (chown, after the fill,
 *  would clear them) and the owner can write and read it (fill, size check, validate). */
function fillable(mode: string): boolean {
  const m = Number.parseInt(mode, 8);
  return (m & 0o7000) === 0 && (m & 0o600) === 0o600;
}

/** The mode the temp file gets before the fill: its final one when it can be filled with it, else owner-only (mktemp
 *  made it 0600 already, default ACL or not). */
function preFill(mode: string | undefined): string {
  if (mode !== undefined && fillable(mode)) return sh`chmod ${mode} "$tmp" || fail ${`cannot set mode ${mode}`}`.text;
  return '[ "$made" = mktemp ] || chmod 0600 "$tmp" || fail "cannot set mode 0600"';
}
