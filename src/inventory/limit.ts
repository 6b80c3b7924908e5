/** `--limit @file`: Ansible's retry files, one host pattern per line. */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { splitHostPattern } from './patterns.ts';

/**
 * Expand every `@FILE` term of a --limit into the patterns the file lists (one per line, blank lines skipped), joined with
 * `,` so the result is one pattern; other terms stay as written. Relative paths are from `cwd`.
 * Source: ansible/inventory/manager.py, InventoryManager.subset.
 * @throws ValidationError when a file is missing, is a directory, or lists nothing.
 */
export async function expandLimit(limit: string, cwd: string): Promise<string> {
  const terms = splitHostPattern(limit);
  if (!terms.some((t) => t.startsWith('@'))) return limit;
  const out: string[] = [];
  for (const t of terms) {
    if (!t.startsWith('@')) {
      out.push(t);
      continue;
    }
    const file = resolve(cwd, t.slice(1));
    const where = `--limit ${JSON.stringify(limit)}`;
    const kind = await stat(file).then((s) => (s.isFile() ? 'file' : 'other'), () => 'missing');
    if (kind !== 'file') {
      throw new ValidationError({
        where,
        message: kind === 'missing' ? `limit file ${file} not found` : `a limit starting with "@" must be a file, not a directory: ${file}`,
        hint: 'write --limit @FILE with a file of host names or patterns, one a line (a .retry file works)',
      });
    }
    const lines = (await readFile(file, 'utf8')).split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
    if (lines.length === 0) throw new ValidationError({ where, message: `limit file ${file} lists no host`, hint: 'an empty limit would target nothing: list host names, one a line' });
    out.push(...lines);
  }
  return out.join(',');
}
