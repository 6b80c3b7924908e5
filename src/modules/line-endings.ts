/** Line endings of text files edited line-wise: a CRLF file stays CRLF, lines match whatever ends them. */

/** A line's text without its ending (`\r\n`, `\n` or `\r`). */
export const stripEol = (line: string): string => line.replace(/(?:\r\n|\n|\r)$/, '');

/** The ending of a line (`''` for a last line without one). */
export const eolOfLine = (line: string): string => /(?:\r\n|\n|\r)$/.exec(line)?.[0] ?? '';

/**
 * The line ending new lines get in `text`: that of its first line (`\r\n` for a Windows-edited file), `\n` when the
 * text has no line ending yet. Ansible writes os.linesep whatever the file has; rig keeps the file's own.
 */
export function eolOf(text: string | null): '\n' | '\r\n' {
  const m = /\r?\n/.exec(text ?? '');
  return m?.[0] === '\r\n' ? '\r\n' : '\n';
}

/** `text`'s line endings all made `eol` (for generated blocks written into a file). */
export const withEol = (text: string, eol: string): string => text.replace(/\r\n|\n|\r/g, eol);
