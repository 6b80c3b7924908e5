/** Helpers config-file templates need; registered on rig's private Handlebars environment. */

/** Thrown by a helper given an unusable argument; the renderer adds template and line. */
export class HelperError extends Error {
  constructor(
    readonly helper: string,
    message: string,
    /** Where the helper call starts (Handlebars gives helpers `options.loc`). */
    readonly loc?: { readonly line: number; readonly column: number },
  ) {
    super(`${helper}: ${message}`);
    this.name = 'HelperError';
  }
}

interface Loc {
  readonly start: { readonly line: number; readonly column: number };
}

// Handlebars passes its options object as the last argument of every helper call.
function userArgs(args: readonly unknown[]): unknown[] {
  return args.slice(0, -1);
}

/** Location of the helper call, from the options object Handlebars appends to a helper's arguments. */
export function callLoc(args: readonly unknown[]): { line: number; column: number } | undefined {
  const loc = (args[args.length - 1] as { loc?: Loc } | undefined)?.loc;
  return loc ? { line: loc.start.line, column: loc.start.column } : undefined;
}

/** `{{json value [indent]}}`: JSON.stringify; an undefined value is an error, not the text "undefined". */
export function json(...args: unknown[]): string {
  const [value, indent] = userArgs(args);
  if (value === undefined) throw new HelperError('json', 'value is undefined', callLoc(args));
  return JSON.stringify(value, null, typeof indent === 'number' ? indent : undefined);
}

/** `{{join list [sep]}}`: join an array's items with `sep` (default ', '). */
export function join(...args: unknown[]): string {
  const [list, sep] = userArgs(args);
  if (!Array.isArray(list)) throw new HelperError('join', `expected an array, got ${list === null ? 'null' : typeof list}`, callLoc(args));
  return list.map(String).join(typeof sep === 'string' ? sep : ', ');
}

/** `{{#if (eq a b)}}`: strict equality. */
export function eq(...args: unknown[]): boolean {
  const [a, b] = userArgs(args);
  return a === b;
}

/** `{{default value fallback}}`: `fallback` when value is undefined or null (the one sanctioned way to use an optional var). */
export function defaultHelper(...args: unknown[]): unknown {
  const [value, fallback] = userArgs(args);
  return value ?? fallback;
}

/** `{{indent text [width] [first]}}`: Jinja's indent: prefix every line but the first (unless `first`) with `width` spaces (default 4); blank lines stay empty. */
export function indent(...args: unknown[]): string {
  const [text, width, first] = userArgs(args);
  if (text === undefined || text === null) throw new HelperError('indent', 'text is undefined', callLoc(args));
  const pad = ' '.repeat(typeof width === 'number' ? width : 4);
  return String(text)
    .split('\n')
    .map((line, i) => (line === '' || (i === 0 && first !== true) ? line : pad + line))
    .join('\n');
}

/** Every helper by the name templates use. */
export const helpers: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
  json,
  join,
  eq,
  default: defaultHelper,
  indent,
};
