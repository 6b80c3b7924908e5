/** One sh script that writes a file atomically from its stdin: temp in the target dir, validate, owner/mode, fsync, rename. */
import type { WriteChange } from '../core/index.ts';
import { raw } from '../core/index.ts';
import { replaceFileScript, TEMP_PREFIX } from '../core/replace-file.ts';

export { TEMP_PREFIX };

/** Line the script prints on stdout when it made a backup: `backup: PATH`. */
export const BACKUP_LINE = /^backup: (.+)$/m;

/** Build the script and the bytes to feed it; run it as one exec (with become when the target needs root). */
export function writeFileScript(change: WriteChange): { script: string; stdin: Uint8Array } {
  const stdin = typeof change.content === 'string' ? new TextEncoder().encode(change.content) : change.content;
  const fill = [
    `n=${stdin.byteLength}`,
    `head -c "$n" > "$tmp" || fail "cannot write $tmp"`,
    `[ "$(wc -c < "$tmp")" -eq "$n" ] || fail "short write to $tmp (connection lost?)"`,
  ];
  return { script: raw(replaceFileScript(change.path, change, fill)).text, stdin };
}
