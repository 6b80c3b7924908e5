/** blockinfile: Ansible's blockinfile semantics (a marked block inserted, updated or removed) as a pure text edit. */
import { read } from '../core/fact.ts';
import { eolOf, eolOfLine, stripEol, withEol } from './line-endings.ts';
import { defineModule } from '../core/module.ts';
import { fileState } from '../facts/files.ts';
import { absPath, strict, z } from '../schema/index.ts';
import { writeOptionsShape } from './copy.ts';
import { patternSchema, planTextEdit, pyRegex, singleLine, type TextEdit, type TextFileState } from './lineinfile.ts';

/** Default marker line; `{mark}` becomes markerBegin / markerEnd. */
export const DEFAULT_MARKER = '# {mark} RIG MANAGED BLOCK';

/** Edit options of blockinfile (already compiled). */
export interface BlockEdit {
  readonly state: 'present' | 'absent';
  readonly block: string;
  readonly marker: string;
  readonly markerBegin: string;
  readonly markerEnd: string;
  readonly insertafter?: 'EOF' | RegExp;
  readonly insertbefore?: 'BOF' | RegExp;
  readonly appendNewline?: boolean;
  readonly prependNewline?: boolean;
}

// Python's bytes.splitlines(keepends=True): \n, \r\n and \r end a line.
const splitLines = (text: string): string[] => text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];

/** Ansible blockinfile on a text (pure); `original` null means the file does not exist yet. Markers match whatever
 *  ends their line, and the block is written with the file's line ending (eolOf: a CRLF file stays CRLF). */
export function editBlock(original: string | null, o: BlockEdit): TextEdit {
  const lines = original === null ? [] : splitLines(original);
  const eol = eolOf(original);
  const present = o.state === 'present';
  const after = o.insertafter ?? (o.insertbefore === undefined ? 'EOF' : undefined);
  const insertRe = after instanceof RegExp ? after : o.insertbefore instanceof RegExp ? o.insertbefore : undefined;
  const marker0 = o.marker.split('{mark}').join(o.markerBegin);
  const marker1 = o.marker.split('{mark}').join(o.markerEnd);
  let block = o.block;
  let blockLines: string[] = [];
  if (present && block) {
    if (!block.endsWith('\n')) block += '\n';
    blockLines = [marker0 + eol, ...splitLines(withEol(block, eol)), marker1 + eol];
  }
  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((l, i) => {
    if (stripEol(l) === marker0) n0 = i;
    if (stripEol(l) === marker1) n1 = i;
  });
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insertRe) {
      if (insertRe.multiline) {
        // (?m): the pattern runs over the whole file; position = newlines before the match
        const m = insertRe.exec(original ?? '');
        if (m) n0 = (original ?? '').slice(0, after instanceof RegExp ? m.index + m[0].length : m.index).split('\n').length - 1;
      } else {
        lines.forEach((l, i) => {
          if (insertRe.exec(stripEol(l))) n0 = i;
        });
      }
      if (n0 === undefined) n0 = lines.length;
      else if (after instanceof RegExp) n0 += 1;
    } else n0 = o.insertbefore === 'BOF' ? 0 : lines.length;
  } else if (n0 < n1) lines.splice(n0, n1 - n0 + 1);
  else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  // a line separator before the block
  if (n0 > 0 && eolOfLine(lines[n0 - 1]!) === '') lines[n0 - 1] += eol;
  if (o.prependNewline && present && n0 !== 0 && stripEol(lines[n0 - 1]!) !== '') lines.splice(n0++, 0, eol);
  lines.splice(n0, 0, ...blockLines);
  if (o.appendNewline && present) {
    const next = n0 + blockLines.length;
    if (next < lines.length && stripEol(lines[next]!) !== '') lines.splice(next, 0, eol);
  }
  const text = lines.join('');
  if (original === text) return { text, changed: false, msg: '' };
  return { text, changed: true, msg: original === null ? 'file created' : blockLines.length === 0 ? 'block removed' : 'block inserted' };
}

/** Args schema of `blockinfile` (Ansible names and semantics). */
export const blockinfileArgs = strict({
  ...writeOptionsShape,
  path: absPath.describe('Absolute path of the file; a symlink is followed and its target edited.'),
  block: z.string().optional().describe("The lines between the markers; empty removes the block. Default ''."),
  marker: singleLine('the marker line')
    .refine((m) => m.includes('{mark}'), { error: (iss) => `must contain {mark}, or the block is inserted again on every run: got ${JSON.stringify(iss.input)}` })
    .optional()
    .describe("Marker line template; {mark} becomes markerBegin / markerEnd. Must differ per block in one file. Default '# {mark} RIG MANAGED BLOCK'."),
  markerBegin: singleLine('the begin marker').optional().describe("What {mark} is in the first marker line. Default 'BEGIN'."),
  markerEnd: singleLine('the end marker').optional().describe("What {mark} is in the last marker line. Default 'END'."),
  insertafter: patternSchema(['EOF'])
    .optional()
    .describe("Without markers in the file: insert after the last line matching this pattern, or at 'EOF' (default; also when nothing matches)."),
  insertbefore: patternSchema(['BOF']).optional().describe("Without markers in the file: insert before the last line matching this pattern, or at 'BOF'."),
  state: z.enum(['present', 'absent']).optional().describe("'present' (default): the block is in the file; 'absent': block and markers are removed."),
  create: z.boolean().optional().describe('Create the file (and its parent directories) when missing. Default false.'),
  appendNewline: z.boolean().optional().describe('Blank line after the block unless one is there or the block ends the file. Default false.'),
  prependNewline: z.boolean().optional().describe('Blank line before the block unless one is there or the block starts the file. Default false.'),
}).describe("A block of lines between marker lines present, updated or removed in a text file (Ansible's blockinfile).");
/** Arguments of the `blockinfile` module. */
export type BlockinfileArgs = z.infer<typeof blockinfileArgs>;

function toEdit(a: BlockinfileArgs): BlockEdit {
  return {
    state: a.state ?? 'present',
    block: a.block ?? '',
    marker: a.marker ?? DEFAULT_MARKER,
    markerBegin: a.markerBegin ?? 'BEGIN',
    markerEnd: a.markerEnd ?? 'END',
    ...(a.insertafter !== undefined ? { insertafter: a.insertafter === 'EOF' ? 'EOF' : pyRegex(a.insertafter) } : {}),
    ...(a.insertbefore !== undefined ? { insertbefore: a.insertbefore === 'BOF' ? 'BOF' : pyRegex(a.insertbefore) } : {}),
    appendNewline: a.appendNewline ?? false,
    prependNewline: a.prependNewline ?? false,
  };
}

/** `blockinfile`: a block of lines between marker lines present, updated or removed, like Ansible's blockinfile. */
export const blockinfileModule = defineModule<BlockinfileArgs, TextFileState, undefined>({
  name: 'blockinfile',
  args: blockinfileArgs,
  validate: (a) => {
    const problems: string[] = [];
    if (a.insertafter !== undefined && a.insertbefore !== undefined) problems.push('insertafter and insertbefore are mutually exclusive');
    // with equal begin/end markers the block cannot be found again: every run would insert it anew
    if ((a.markerBegin ?? 'BEGIN') === (a.markerEnd ?? 'END')) problems.push('markerBegin and markerEnd must differ, or the block is inserted again on every run');
    return problems;
  },
  probe: (a) => ({ file: read(fileState, { path: a.path, content: true, follow: true }) }),
  plan: (a, s) => {
    const edit = toEdit(a);
    return planTextEdit(a.path, a, s.file, (text) => editBlock(text, edit));
  },
});
