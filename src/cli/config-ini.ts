/**
 * An INI file read with the semantics of Python's `configparser.ConfigParser(inline_comment_prefixes=(';',))`, the
 * parser ansible-core reads ansible.cfg with (config/manager.py), keeping each key's line for messages. The `ini` npm
 * package differs where it matters (it has no line numbers, strips no ` ;` inline comments, knows no continuation lines,
 * no `:` delimiter, and lets a repeated key win silently), hence this reader.
 *
 * - `#` or `;` first on a line (after spaces): a comment line; ` ;` after a value (whitespace before the `;`): the rest
 *   is a comment. `#` after a value is part of the value, as in Python.
 * - `[section]`, then `key = value` or `key: value` (the first `=` or `:`); keys are lower-cased and stripped.
 * - A line indented deeper than its key continues the value (joined with a newline); blank lines inside are kept when
 *   more continuation follows.
 * - Errors, as configparser's (Ansible stops on them): a key before any section, a line that is neither, a section or a
 *   key given twice (strict mode). `[DEFAULT]` values apply to every section that lacks the key.
 */
import type { Problem } from '../core/errors.ts';

/** One key's value and where it was written (file:line of the key). */
export interface IniEntry {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  readonly where: string;
}

/** Parsed file: entries in file order and the problems of bad lines. */
export interface IniFile {
  readonly entries: readonly IniEntry[];
  readonly problems: readonly Problem[];
  /** The value of `section.key` (falling back to `[DEFAULT]`), if set. */
  get(section: string, key: string): IniEntry | undefined;
}

const SECTION = /^\[(.+)\]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

/** Strip a ` ;` inline comment (a `;` preceded by whitespace), as configparser's inline_comment_prefixes=(';',). */
function stripInline(line: string): string {
  for (let i = 1; i < line.length; i++) if (line[i] === ';' && /\s/.test(line[i - 1] as string)) return line.slice(0, i);
  return line;
}

/** Parse `text` (the content of `file`); never throws. */
export function parseIni(text: string, file: string): IniFile {
  const entries: { section: string; key: string; lines: string[]; where: string; indent: number }[] = [];
  const problems: Problem[] = [];
  const sections = new Map<string, Map<string, (typeof entries)[number]>>();
  let section: string | undefined;
  let current: (typeof entries)[number] | undefined;
  let blanks = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const where = `${file}:${i + 1}`;
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const value = stripInline(raw).trim();
    const indent = raw.length - raw.trimStart().length;
    if (value === '') {
      if (current) blanks += 1;
      continue;
    }
    // a continuation: indented deeper than the key it continues
    if (current && indent > current.indent) {
      for (; blanks > 0; blanks--) current.lines.push('');
      current.lines.push(value);
      continue;
    }
    blanks = 0;
    current = undefined;
    const sect = SECTION.exec(value);
    if (sect) {
      section = sect[1] as string;
      if (sections.has(section)) problems.push({ where, message: `section [${section}] is given twice`, hint: 'merge the two sections (Python\'s configparser, which Ansible uses, refuses this file)' });
      else sections.set(section, new Map());
      continue;
    }
    const opt = OPTION.exec(value);
    if (section === undefined) {
      problems.push({ where, message: `'${value}' comes before any [section]`, hint: 'put it under a section such as [defaults] (Ansible refuses this file: "File contains no section headers")' });
      continue;
    }
    if (!opt || (opt[1] as string).trim() === '') {
      problems.push({ where, message: `'${value}' is not a key = value line`, hint: 'write key = value (or key: value); an indented line continues the previous value' });
      continue;
    }
    const key = (opt[1] as string).trim().toLowerCase();
    const own = sections.get(section) as Map<string, (typeof entries)[number]>;
    const before = own.get(key);
    if (before) {
      problems.push({ where, message: `[${section}] ${key} is already set at ${before.where}`, hint: 'keep one of them (Python\'s configparser, which Ansible uses, refuses a repeated key)' });
      continue;
    }
    current = { section, key, lines: [opt[3] as string], where, indent };
    own.set(key, current);
    entries.push(current);
  }
  const out: IniEntry[] = entries.map((e) => ({ section: e.section, key: e.key, value: e.lines.join('\n').trim(), where: e.where }));
  const index = new Map(out.map((e) => [`${e.section}\0${e.key}`, e]));
  return {
    entries: out,
    problems,
    get: (s, k) => index.get(`${s}\0${k}`) ?? index.get(`DEFAULT\0${k}`),
  };
}
