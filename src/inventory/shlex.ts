/**
 * Python's `shlex.split(line, comments=True)` (POSIX mode), which Ansible's INI inventory uses to split a host line:
 * whitespace separates words, '…' and "…" quote (a backslash escapes only `"` and `\` inside double quotes), a
 * backslash escapes any character outside quotes, and `#` starts a comment even in the middle of a word.
 */

const WHITESPACE = ' \t\r\n';

/** Split `line` into words; throws Error("No closing quotation" / "No escaped character") as shlex raises ValueError. */
export function shlexSplit(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  for (;;) {
    let token = '';
    let quoted = false;
    let state: ' ' | 'a' | '"' | "'" | '\\' = ' ';
    let escapedFrom: 'a' | '"' = 'a';
    let done = false;
    while (!done) {
      const c = line[i++] ?? '';
      switch (state) {
        case ' ':
          if (c === '') return words;
          if (WHITESPACE.includes(c)) continue;
          if (c === '#') {
            i = line.length;
            continue;
          }
          if (c === '\\') {
            escapedFrom = 'a';
            state = '\\';
          } else if (c === '"' || c === "'") state = c;
          else {
            token = c;
            state = 'a';
          }
          break;
        case '"':
        case "'":
          quoted = true;
          if (c === '') throw new Error('No closing quotation');
          if (c === state) state = 'a';
          else if (c === '\\' && state === '"') {
            escapedFrom = '"';
            state = '\\';
          } else token += c;
          break;
        case '\\':
          if (c === '') throw new Error('No escaped character');
          // inside double quotes a backslash escapes only the quote and itself
          if (escapedFrom === '"' && c !== '\\' && c !== '"') token += '\\';
          token += c;
          state = escapedFrom;
          break;
        case 'a':
          if (c === '' || WHITESPACE.includes(c)) {
            done = true;
          } else if (c === '#') {
            i = line.length;
            done = true;
          } else if (c === '"' || c === "'") state = c;
          else if (c === '\\') {
            escapedFrom = 'a';
            state = '\\';
          } else token += c;
          break;
      }
    }
    words.push(token);
    if (!quoted && token === '') return words;
  }
}
