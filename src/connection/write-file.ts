/** One sh script that writes a file atomically from its stdin: temp in the target dir, validate, owner/mode, fsync, rename. */
import { posix } from 'node:path';
import type { WriteChange } from '../core/index.ts';
import { quote, raw, sh } from '../core/index.ts';

/** Prefix of the temp files the script creates next to the target (`.rig-XXXXXX`). */
export const TEMP_PREFIX = '.rig-';

/** Line the script prints on stdout when it made a backup: `backup: PATH`. */
export const BACKUP_LINE = /^backup: (.+)$/m;

/** Build the script and the bytes to feed it; run it as one exec (with become when the target needs root). */
export function writeFileScript(change: WriteChange): { script: string; stdin: Uint8Array } {
  const stdin = typeof change.content === 'string' ? new TextEncoder().encode(change.content) : change.content;
  const path = change.path;
  if (!path.startsWith('/') || path.endsWith('/')) throw new TypeError(`writeFileScript: path must be an absolute file path, got ${quote(path)}`);
  if (change.mode !== undefined && !/^[0-7]{3,4}$/.test(change.mode)) throw new TypeError(`writeFileScript: mode must be octal like '0644', got ${quote(change.mode)}`);
  const dir = posix.dirname(path);
  const owner = change.owner ?? '';
  const group = change.group ?? '';
  const lines: string[] = [
    sh`p=${path}; d=${dir}; n=${stdin.byteLength}`.text,
    `fail() { printf 'rig: %s\\n' "$*" >&2; exit 1; }`,
    `[ -d "$d" ] || fail "cannot write $p: directory $d does not exist"`,
    `[ -d "$p" ] && fail "cannot write $p: it is a directory"`,
    `tmp=$(mktemp "$d/${TEMP_PREFIX}XXXXXX") || fail "cannot create a temp file in $d"`,
    // the temp file goes on every way out, signals included
    // (after the rename `tmp` is emptied: an `rm` process for a file that is gone would cost every write)
    `trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT`,
    `trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM`,
    `head -c "$n" > "$tmp" || fail "cannot write $tmp"`,
    `[ "$(wc -c < "$tmp")" -eq "$n" ] || fail "short write to $tmp (connection lost?)"`,
  ];
  if (change.validate !== undefined) {
    const cmd = change.validate.split('%s').join('"$tmp"');
    lines.push(`if ! { ${cmd}\n} >&2; then fail ${quote(`validation failed (${change.validate}); ${path} left unchanged`)}; fi`);
  }
  // owner before mode: chown clears setuid bits
  if (owner || group) {
    lines.push(sh`chown ${`${owner}${group ? `:${group}` : ''}`} "$tmp" || fail ${`cannot set owner ${owner}${group ? `:${group}` : ''}`}`.text);
  } else {
    // keep the existing owner; only root can, and a non-root writer already owns what it can replace
    lines.push(`[ -e "$p" ] && { chown --reference="$p" "$tmp" 2>/dev/null || true; }`);
  }
  if (change.mode !== undefined) {
    lines.push(sh`chmod ${change.mode} "$tmp" || fail ${`cannot set mode ${change.mode}`}`.text);
  } else {
    // mktemp made it 0600: keep the old mode, or the umask default for a new file
    lines.push(`if [ -e "$p" ]; then chmod --reference="$p" "$tmp"; else chmod "$(printf '%o' $((0666 & ~$(umask))))" "$tmp"; fi || fail "cannot set mode"`);
  }
  lines.push(`sync -- "$tmp" 2>/dev/null || sync`);
  if (change.backup) {
    lines.push(`if [ -e "$p" ]; then b="$p.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$p" "$b" || fail "cannot back up $p"; printf 'backup: %s\\n' "$b"; fi`);
  }
  lines.push(`mv -f -- "$tmp" "$p" || fail "cannot rename $tmp to $p"`, 'tmp=');
  lines.push(`sync -- "$d" 2>/dev/null || sync`);
  return { script: raw(lines.join('\n')).text, stdin };
}
