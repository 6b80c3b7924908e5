/** lineinfile: Ansible's lineinfile semantics as a pure text edit, plus the plumbing text-editing modules share. */
import { eolOf, eolOfLine, stripEol } from './line-endings.ts';
import type { Change } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule } from '../core/module.ts';
import { fileState, type FileState } from '../facts/files.ts';
import { absPath, strict, z } from '../schema/index.ts';
import { asText, planWrite, writeOptionsShape, type WriteOptions } from './copy.ts';
import { danglingParentMessage, failed, mkdirChange, type FilePlan } from './files.ts';

/** A regular expression given as a RegExp or as Ansible (Python `re`) source text. */
export type Pattern = string | RegExp;

const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : v instanceof RegExp ? String(v) : (JSON.stringify(v) ?? String(v)));
const regExp = z.custom<RegExp>((v) => v instanceof RegExp).meta({ type: 'object', description: 'a RegExp' });

/**
 * Schema of a pattern arg: Python `re` source text or a RegExp, refused when JS cannot compile it (see pyRegex).
 * The `special` words ('EOF', 'BOF') are positions, not patterns.
 */
export function patternSchema(special: readonly string[] = []): z.ZodType<Pattern, Pattern> {
  return z
    .union([z.string(), regExp], { error: (iss) => `expected a regular expression (Python re syntax as a string, or a RegExp), got ${show(iss.input)}` })
    .superRefine((p, ctx) => {
      if (typeof p === 'string' && special.includes(p)) return;
      try {
        pyRegex(p);
      } catch (e) {
        ctx.addIssue({ code: 'custom', input: p, message: `not a valid regular expression: ${(e as Error).message}` });
      }
    });
}

/** Schema of a line or marker arg: a string of one line (`hint` says what to do instead of a newline). */
export const singleLine = (what: string, hint = 'no \\n'): z.ZodString =>
  z
    .string({ error: (iss) => `expected ${what} as a string, got ${show(iss.input)}` })
    .refine((s) => !s.includes('\n'), { error: `must be a single line (${hint})` });

/**
 * Compile Python `re` source for JS: leading inline flags `(?i)(?m)(?s)`, `(?P<name>…)`, `(?P=name)`, `\A`, `\Z`.
 * Throws on syntax JS cannot compile (refused by the args schema, see patternSchema).
 */
export function pyRegex(p: Pattern): RegExp {
  if (p instanceof RegExp) return new RegExp(p.source, p.flags.replace(/[gy]/g, ''));
  let src = p;
  let flags = '';
  const lead = /^\(\?([imsx]+)\)/.exec(src);
  if (lead) {
    if (lead[1]!.includes('x')) throw new Error(`verbose flag (?x) is not supported in ${JSON.stringify(p)}`);
    flags = [...new Set(lead[1]!)].join('');
    src = src.slice(lead[0].length);
  }
  src = src.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\Z/g, '$(?![\\s\\S])');
  return new RegExp(src, flags);
}

/** Python's `re.search` on one line as `readlines()` returns it: `$` also matches before the final newline. */
export function searchLine(re: RegExp, line: string): RegExpExecArray | null {
  return re.exec(stripEol(line));
}

/** Split like Python's readlines(): every line keeps its '\n'; the last may have none. */
export function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}


/** Python's `match.expand(template)`: \1…\99, \g<n>, \g<name>, and the escapes \n \t \r \\ . */
export function expandBackrefs(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|([ntr\\]))/g, (_all, g: string | undefined, d: string | undefined, esc: string | undefined) => {
    if (esc) return esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 'r' ? '\r' : '\\';
    const key = g ?? d!;
    const v = /^\d+$/.test(key) ? m[Number(key)] : m.groups?.[key];
    return v ?? '';
  });
}

/** Edit options of lineinfile (already compiled). */
export interface LineEdit {
  readonly state: 'present' | 'absent';
  readonly line?: string;
  readonly regexp?: RegExp;
  readonly searchString?: string;
  /** 'EOF', 'BOF' or a pattern. */
  readonly insertafter?: 'EOF' | 'BOF' | RegExp;
  readonly insertbefore?: 'BOF' | RegExp;
  readonly backrefs?: boolean;
  readonly firstmatch?: boolean;
}

/** Result of a pure text edit. */
export interface TextEdit {
  readonly text: string;
  readonly changed: boolean;
  readonly msg: string;
}

/** Ansible lineinfile on a text (pure): the last match is replaced, else the line is inserted (EOF by default). Lines
 *  match whatever ends them; a replaced line keeps its ending, new lines get the file's (eolOf: CRLF files stay CRLF). */
export function editLines(text: string, o: LineEdit): TextEdit {
  const lines = readLines(text);
  const eol = eolOf(text);
  if (o.state === 'absent') {
    const keep = lines.filter((l) =>
      o.regexp ? !searchLine(o.regexp, l) : o.searchString !== undefined ? !l.includes(o.searchString) : o.line !== stripEol(l),
    );
    const n = lines.length - keep.length;
    return { text: keep.join(''), changed: n > 0, msg: n > 0 ? `${n} line(s) removed` : '' };
  }
  const line = o.line ?? '';
  const after = o.insertafter ?? (o.insertbefore === undefined ? 'EOF' : undefined);
  const ins = after instanceof RegExp ? after : o.insertbefore instanceof RegExp ? o.insertbefore : undefined;
  let found = -1;
  let insertAt = -1;
  let match: RegExpExecArray | null = null;
  let matched = false;
  // a regexp/search_string match wins; insertafter/insertbefore only count when nothing matched
  for (let i = 0; i < lines.length; i++) {
    const m = o.regexp ? searchLine(o.regexp, lines[i]!) : null;
    if (m || (o.searchString !== undefined && lines[i]!.includes(o.searchString))) {
      found = i;
      match = m;
      matched = true;
      if (o.firstmatch) break;
    }
  }
  if (!matched) {
    for (let i = 0; i < lines.length; i++) {
      if (stripEol(lines[i]!) === line) found = i;
      else if (ins && searchLine(ins, lines[i]!)) {
        insertAt = after instanceof RegExp ? i + 1 : i;
        if (o.firstmatch) break;
      }
    }
  }
  const done = (msg: string): TextEdit => ({ text: lines.join(''), changed: true, msg });
  const ensureEol = (): void => {
    const last = lines.length - 1;
    if (last >= 0 && !/[\r\n]$/.test(lines[last]!)) lines[last] += eol;
  };
  if (found !== -1) {
    let next = o.backrefs && match ? expandBackrefs(line, match) : line;
    if (!next.endsWith('\n')) next += eolOfLine(lines[found]!) || eol;
    if (lines[found] === next) return { text, changed: false, msg: '' };
    lines[found] = next;
    return done('line replaced');
  }
  // backrefs without a match: generating the line would be unsafe, do nothing
  if (o.backrefs) return { text, changed: false, msg: '' };
  if (after === 'BOF' || o.insertbefore === 'BOF') {
    lines.unshift(line + eol);
    return done('line added');
  }
  if (after === 'EOF' || insertAt === -1) {
    ensureEol();
    lines.push(line + eol);
    return done('line added');
  }
  if (after instanceof RegExp) {
    // already the line right after the anchor?
    if (insertAt === lines.length ? stripEol(lines[insertAt - 1]!) === line : stripEol(lines[insertAt]!) === line) return { text, changed: false, msg: '' };
    ensureEol();
    lines.splice(insertAt, 0, line + eol);
    return done('line added');
  }
  lines.splice(insertAt, 0, line + eol);
  return done('line added');
}

/** Args schema of `lineinfile` (Ansible names and semantics; patterns are Python-style source text or RegExp). */
export const lineinfileArgs = strict({
  ...writeOptionsShape,
  path: absPath.describe('Absolute path of the file; a symlink is followed and its target edited.'),
  line: singleLine('the line', 'use blockinfile for several')
    .optional()
    .describe("The line to ensure (required with state 'present'); with backrefs it may use \\1 / \\g<name>."),
  regexp: patternSchema()
    .refine((p) => p !== '', { error: 'an empty regexp matches every line; write ^ if that is meant' })
    .optional()
    .describe("Lines matching this (Python re syntax or a RegExp) are replaced (the last match unless firstmatch) or, with state 'absent', removed."),
  searchString: z
    .string()
    .min(1, { error: 'an empty searchString matches every line; write regexp: ^ if that is meant' })
    .optional()
    .describe('Like regexp, but a plain substring.'),
  insertafter: patternSchema(['EOF', 'BOF'])
    .optional()
    .describe("Where to insert when nothing matched: 'EOF' (default), 'BOF', or after the last line matching this pattern."),
  insertbefore: patternSchema(['BOF']).optional().describe("Insert before the last line matching this pattern, or at 'BOF'."),
  state: z.enum(['present', 'absent']).optional().describe("'present' (default): the line is in the file; 'absent': matching lines are removed."),
  create: z.boolean().optional().describe('Create the file (and its parent directories) when missing. Default false.'),
  backrefs: z.boolean().optional().describe('Expand regexp groups into line; when regexp does not match, the file is left alone. Default false.'),
  firstmatch: z.boolean().optional().describe('Use the first match of regexp/insertafter/insertbefore instead of the last. Default false.'),
}).describe("One line present (replacing the last regexp match) or absent in a text file (Ansible's lineinfile).");
/** Arguments of the `lineinfile` module. */
export type LineinfileArgs = z.infer<typeof lineinfileArgs>;

/** Probed state of a text-editing module: the followed file with its content. */
export interface TextFileState {
  readonly file: FileState;
}

/**
 * Shared by lineinfile/blockinfile: read the probed text, apply `edit`, plan the write (to the link's real path),
 * creating parent directories for a new file.
 */
export function planTextEdit(
  path: string,
  o: WriteOptions & { readonly create?: boolean; readonly state?: string },
  file: FileState,
  edit: (text: string | null) => TextEdit,
): FilePlan {
  if (!file.exists) {
    if (o.state === 'absent') return { changes: [], msg: 'file not present' };
    if (!o.create) return failed(`${path} does not exist (set create: true to create it)`);
    if (file.danglingParent) return failed(danglingParentMessage(path, file.danglingParent));
  } else if (file.type === 'directory') return failed(`${path} is a directory`);
  else if (file.type !== 'file') return failed(`${path} is not a regular file`);
  let before: string | null = null;
  if (file.exists) {
    if (file.contentOmitted === 'too-large') return failed(`${path} is over 1 MiB; rig edits lines of smaller files only`);
    if (!file.content) return failed(`cannot read ${path} (permission denied): run the task with become: true`);
    before = asText(file.content) ?? null;
    if (before === null) return failed(`${path} is not UTF-8 text; refusing to edit it line by line`);
  }
  const r = edit(before);
  const dest = (file.exists && file.realPath) || path;
  const p = planWrite(dest, r.text, file.exists ? { ...file, path: dest } : file, o);
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  const mkdir: Change[] = file.exists ? [] : [mkdirChange(dir)];
  return { ...p, changes: [...mkdir, ...p.changes], ...(r.changed && r.msg ? { msg: r.msg } : {}) };
}

function toEdit(a: LineinfileArgs): LineEdit {
  const pat = (p: Pattern | undefined, special: readonly string[]) =>
    p === undefined ? undefined : typeof p === 'string' && special.includes(p) ? p : pyRegex(p);
  return {
    state: a.state ?? 'present',
    ...(a.line !== undefined ? { line: a.line } : {}),
    ...(a.regexp !== undefined ? { regexp: pyRegex(a.regexp) } : {}),
    ...(a.searchString !== undefined ? { searchString: a.searchString } : {}),
    ...(a.insertafter !== undefined ? { insertafter: pat(a.insertafter, ['EOF', 'BOF']) as LineEdit['insertafter'] } : {}),
    ...(a.insertbefore !== undefined ? { insertbefore: pat(a.insertbefore, ['BOF']) as LineEdit['insertbefore'] } : {}),
    backrefs: a.backrefs ?? false,
    firstmatch: a.firstmatch ?? false,
  };
}

/** `lineinfile`: one line present (replacing the last regexp match) or absent, like Ansible's lineinfile. */
export const lineinfileModule = defineModule<LineinfileArgs, TextFileState, undefined>({
  name: 'lineinfile',
  args: lineinfileArgs,
  validate: (a) => {
    const problems: string[] = [];
    const state = a.state ?? 'present';
    if (a.insertafter !== undefined && a.insertbefore !== undefined) problems.push('insertafter and insertbefore are mutually exclusive');
    if (a.regexp !== undefined && a.searchString !== undefined) problems.push('regexp and searchString are mutually exclusive');
    if (state === 'present' && a.line === undefined) problems.push(`line is required with state 'present'`);
    if (a.backrefs && a.regexp === undefined) problems.push('backrefs needs regexp');
    if (state === 'absent' && a.line === undefined && a.regexp === undefined && a.searchString === undefined)
      problems.push(`state 'absent' needs line, regexp or searchString`);
    return problems;
  },
  probe: (a) => ({ file: read(fileState, { path: a.path, content: true, follow: true }) }),
  plan: (a, s) => {
    const edit = toEdit(a);
    return planTextEdit(a.path, a, s.file, (text) => editLines(text ?? '', edit));
  },
});
