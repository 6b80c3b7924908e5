/** Unified diffs of `result.diff` entries for --diff (the only reporter file importing `diff`). */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { Diff } from '../core/module.ts';
import { redact } from '../core/secret.ts';
import type { Palette } from './colors.ts';

/**
 * Lines of a unified diff with Ansible's `--- before: path` / `+++ after: path` headers. Content is redacted before
 * diffing, so a secret can never be split across hunk lines. Entries whose before and after are equal print nothing.
 */
export function diffLines(d: Diff, colors: Palette): string[] {
  const before = redact(d.before);
  const after = redact(d.after);
  if (before === after) return [];
  const path = redact(d.path);
  const patch = createTwoFilesPatch(`before: ${path}`, `after: ${path}`, before, after, undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
  });
  const lines = patch.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => paintLine(line, colors));
}

function paintLine(line: string, colors: Palette): string {
  if (line.startsWith('--- ') || line.startsWith('+++ ')) return colors.bold(line);
  if (line.startsWith('@@')) return colors.diffHunk(line);
  if (line.startsWith('+')) return colors.diffAdd(line);
  if (line.startsWith('-')) return colors.diffRemove(line);
  return line;
}
