/** The one atomic file replace on a host: temp file next to the target, filled, owner/mode set, fsync, rename. */
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
    `tmp=$(mktemp "$d/${TEMP_PREFIX}XXXXXX") || fail "cannot create a temp file in $d"`,
    // the temp file goes on every way out, signals included; after the rename `tmp` is emptied (an `rm` process for a
    // file that is gone would cost every write)
    `trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT`,
    `trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM`,
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
  if (opts.mode !== undefined) lines.push(sh`chmod ${opts.mode} "$tmp" || fail ${`cannot set mode ${opts.mode}`}`.text);
  // mktemp made it 0600: keep the old mode, or the umask default for a new file
  else lines.push(`if [ -e "$p" ]; then chmod --reference="$p" "$tmp"; else chmod "$(printf '%o' $((0666 & ~$(umask))))" "$tmp"; fi || fail "cannot set mode"`);
  lines.push(`sync -- "$tmp" 2>/dev/null || sync`);
  if (opts.backup) {
    lines.push(`if [ -e "$p" ]; then b="$p.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$p" "$b" || fail "cannot back up $p"; printf 'backup: %s\\n' "$b"; fi`);
  }
  lines.push(`mv -f -- "$tmp" "$p" || fail "cannot rename $tmp to $p"`, 'tmp=', `sync -- "$d" 2>/dev/null || sync`);
  return lines.join('\n');
}
