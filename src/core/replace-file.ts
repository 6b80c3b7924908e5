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
    // The temp file is made by the shell itself (noclobber: O_CREAT|O_EXCL) with its final mode through the umask: no
    // mktemp and, for most files, no chmod process. Its name has a part the controller drew at random plus the
    // shell's pid. A name shown by `ps` could be planted first in a directory others can write: where the sticky bit
    // says so (/tmp), mktemp makes it; elsewhere such a writer could already swap the file under mktemp's name, and a
    // planted link is refused before anything is written to it.
    // the temp file goes on every way out, signals included; after the rename `tmp` is emptied (an `rm` process for a
    // file that is gone would cost every write)
    `tmp=; trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT`,
    `trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM`,
    `t="$d/${TEMP_PREFIX}${randomBytes(6).toString('hex')}.$$"`,
    `if [ ! -k "$d" ] && (${createUmask(opts.mode)}set -C; : > "$t") 2>/dev/null && [ -f "$t" ] && [ ! -L "$t" ]; then tmp=$t; made=umask; else`,
    `  tmp=$(mktemp "$d/${TEMP_PREFIX}XXXXXX") || fail "cannot create a temp file in $d"; made=mktemp`,
    'fi',
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
  const chmod = sh`chmod ${opts.mode ?? ''} "$tmp" || fail ${`cannot set mode ${opts.mode ?? ''}`}`.text;
  if (opts.mode !== undefined) lines.push(exactByUmask(opts.mode) ? `[ "$made" = umask ] || ${chmod}` : chmod);
  // mktemp made it 0600: keep the old mode, or the umask default for a new file (which the shell's own create gave it)
  else lines.push(`if [ -e "$p" ]; then chmod --reference="$p" "$tmp"; elif [ "$made" = mktemp ]; then chmod "$(printf '%o' $((0666 & ~$(umask))))" "$tmp"; fi || fail "cannot set mode"`);
  lines.push(`sync -- "$tmp" 2>/dev/null || sync`);
  if (opts.backup) {
    lines.push(`if [ -e "$p" ]; then b="$p.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$p" "$b" || fail "cannot back up $p"; printf 'backup: %s\\n' "$b"; fi`);
  }
  lines.push(`mv -f -- "$tmp" "$p" || fail "cannot rename $tmp to $p"`, 'tmp=', `sync -- "$d" 2>/dev/null || sync`);
  return lines.join('\n');
}

/** Whether the shell's create (0666 less the umask) gives `mode` exactly and the owner can still fill and check it:
 *  read/write bits only (no x, setuid or sticky), the owner's both. */
function exactByUmask(mode: string): boolean {
  const m = Number.parseInt(mode, 8);
  return (m & 0o7111) === 0 && (m & 0o600) === 0o600;
}

/**
 * The umask the temp file is created under, as a shell prefix: the final mode when the create gives it exactly; else
 * 077 (owner only, like mktemp) until chmod sets it; with no mode, 077 when the file exists (chmod --reference copies
 * its mode after the fill: a 0600 secret never sits in a 0644 temp file) and the shell's own umask for a new file.
 */
function createUmask(mode: string | undefined): string {
  if (mode === undefined) return '[ ! -e "$p" ] || umask 077; ';
  return exactByUmask(mode) ? `umask ${(~Number.parseInt(mode, 8) & 0o777).toString(8).padStart(3, '0')}; ` : 'umask 077; ';
}
