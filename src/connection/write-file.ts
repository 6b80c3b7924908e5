/** One sh script that writes a file atomically: temp in the target dir, filled, validate, owner/mode, fsync, rename. */
import type { WriteChange } from '../core/index.ts';
import { quote, raw } from '../core/index.ts';
import { replaceFileScript, TEMP_PREFIX } from '../core/replace-file.ts';

export { TEMP_PREFIX };

/** Line the script prints on stdout when it made a backup: `backup: PATH`. */
export const BACKUP_LINE = /^backup: (.+)$/m;

/** Largest text written by the script itself (printf, a shell builtin) instead of from stdin (head + a size check). */
export const INLINE_CONTENT_BYTES = 16 * 1024;

const INLINE_WRITE = "printf '%s'";
const INLINE = /printf '%s' ('(?:[^']|'\\'')*'|[A-Za-z0-9_@%+=:,./-]+) > "\$tmp"/g;

/** `script` as -vvv shows it: the content of inline writes replaced by its size (a file may hold secrets). */
export function hideContent(script: string): string {
  return script.replace(INLINE, (_, q: string) => `printf '%s' <${q.length} characters hidden> > "$tmp"`);
}

/**
 * Build the script and the bytes to feed it (empty when the content is in the script); run it as one exec, or as one
 * of a segment's, whose stdin carries every write's bytes in turn. Small text (no NUL, at most INLINE_CONTENT_BYTES)
 * is written by `printf`, a builtin: two processes fewer per file on the host than `head -c` and its size check.
 */
export function writeFileScript(change: WriteChange): { script: string; stdin: Uint8Array } {
  const bytes = typeof change.content === 'string' ? new TextEncoder().encode(change.content) : change.content;
  if (typeof change.content === 'string' && bytes.byteLength <= INLINE_CONTENT_BYTES && !change.content.includes('\0')) {
    const fill = [`${INLINE_WRITE} ${quote(change.content)} > "$tmp" || fail "cannot write $tmp"`];
    return { script: raw(replaceFileScript(change.path, change, fill)).text, stdin: new Uint8Array(0) };
  }
  const fill = [
    `n=${bytes.byteLength}`,
    `head -c "$n" > "$tmp" || fail "cannot write $tmp"`,
    `[ "$(wc -c < "$tmp")" -eq "$n" ] || fail "short write to $tmp (connection lost?)"`,
  ];
  return { script: raw(replaceFileScript(change.path, change, fill)).text, stdin: bytes };
}
