/**
 * `rig adhoc -a ARGS`: the argument string split as ansible-core 2.19's `ansible` does it (parsing/splitter.py:
 * split_args + parse_kv; cli/adhoc.py tries JSON first when the text is `{…}`).
 */

/** What `-a` said: key=value options, and the free-form words (Ansible's `_raw_params`) if any. */
export interface ParsedArgs {
  readonly options: Readonly<Record<string, unknown>>;
  /** Words that are not key=value (the command of command/shell), joined as Ansible's join_args does. */
  readonly raw?: string;
}

/** Keys command/shell take as options inside free-form text (Ansible's check_raw list); other k=v words are command text. */
export const RAW_OPTION_KEYS: readonly string[] = ['creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends'];

/** Thrown for text Ansible cannot split either (unbalanced quotes or `{{ }}`), or JSON that does not parse. */
export class ArgsSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgsSyntaxError';
  }
}

/**
 * Parse `-a` text. `{…}` is JSON (an object); otherwise Ansible's parse_kv: words split like split_args, `k=v` words are
 * options (the value unquoted once when it is quoted as a whole, escapes like `\n` decoded), other words free-form.
 * With `freeForm` (command, shell, raw: Ansible's check_raw) only RAW_OPTION_KEYS are options.
 * @throws ArgsSyntaxError for unbalanced quotes or `{{ }}` blocks, and for `{…}` text that is not valid JSON.
 */
export function parseAdhocArgs(text: string, freeForm: boolean): ParsedArgs {
  if (text.startsWith('{') && text.endsWith('}')) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new ArgsSyntaxError(`is JSON-like ({…}) but not valid JSON: ${(e as Error).message}`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ArgsSyntaxError('JSON args must be an object: {"key": value, …}');
    return { options: v as Record<string, unknown> };
  }
  return parseKv(text, freeForm);
}

/** Ansible's parse_kv. */
export function parseKv(text: string, checkRaw: boolean): ParsedArgs {
  const options: Record<string, unknown> = {};
  const raw: string[] = [];
  for (const orig of splitArgs(text)) {
    const x = decodeEscapes(orig);
    if (!x.includes('=')) {
      raw.push(orig);
      continue;
    }
    // the first '=' not escaped with a backslash (Ansible starts looking at index 1)
    let pos = 0;
    for (;;) {
      pos = x.indexOf('=', pos + 1);
      if (pos < 0 || x[pos - 1] !== '\\') break;
    }
    if (pos < 0) {
      raw.push(x.replace(/\\=/g, '='));
      continue;
    }
    const k = x.slice(0, pos);
    const v = x.slice(pos + 1);
    if (checkRaw && !RAW_OPTION_KEYS.includes(k)) raw.push(orig);
    else options[k.trim()] = unquote(v.trim());
  }
  return raw.length ? { options, raw: joinArgs(raw) } : { options };
}

/** Remove one pair of matching outer quotes (Ansible's unquote). */
export function unquote(s: string): string {
  return s.length > 1 && s[0] === s[s.length - 1] && (s[0] === '"' || s[0] === "'") && s[s.length - 2] !== '\\' ? s.slice(1, -1) : s;
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"', a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Python-style escapes Ansible decodes in each word: \n \t \\ \' \" \xHH \uHHHH \UHHHHHHHH (\N{…} is kept as written). */
export function decodeEscapes(s: string): string {
  return s.replace(/\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[\\'"abfnrtv]/g, (m) => {
    if (m.length === 2) return ESCAPES[m[1] as string] as string;
    const cp = Number.parseInt(m.slice(2), 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** Ansible's join_args: words joined by a space, except after a newline. */
function joinArgs(words: readonly string[]): string {
  let out = '';
  for (const w of words) out += out === '' || out.endsWith('\n') ? w : ` ${w}`;
  return out;
}

/** Whether `token` leaves a quote open, given the quote open before it (a quote after a backslash does not count). */
function quoteState(token: string, open: string | undefined): string | undefined {
  let q = open;
  for (let i = 0; i < token.length; i++) {
    const ch = token[i] as string;
    if ((ch === '"' || ch === "'") && (i === 0 || token[i - 1] !== '\\')) {
      if (q === undefined) q = ch;
      else if (ch === q) q = undefined;
    }
  }
  return q;
}

/** Depth after `token` given the opening/closing marks it holds (Ansible's _count_jinja2_blocks). */
function blockDepth(token: string, depth: number, open: string, close: string): number {
  const n = token.split(open).length - token.split(close).length;
  return n === 0 ? depth : Math.max(depth + n, 0);
}

/**
 * Ansible's split_args: split on spaces and newlines, then glue back words that were inside quotes or `{{ }}`, `{% %}`,
 * `{# #}` blocks; quotes are kept (parse_kv removes them from values). Runs of spaces inside quotes are kept.
 * @throws ArgsSyntaxError when a quote or block is left open.
 */
export function splitArgs(text: string): string[] {
  if (!text) return [];
  const params: string[] = [];
  const lines = text.split('\n');
  let quote: string | undefined;
  let inside = false;
  let print = 0;
  let block = 0;
  let comment = 0;
  const last = (add: string) => (params.length ? (params[params.length - 1] += add) : params.push(add));
  lines.forEach((line, lineIdx) => {
    const tokens = line.split(' ');
    let continuation = false;
    tokens.forEach((token, idx) => {
      if (token.length === 0 && idx !== 0) {
        last(' ');
        return;
      }
      if (token === '\\' && !inside) {
        continuation = true;
        return;
      }
      const wasInside = inside;
      quote = quoteState(token, quote);
      inside = quote !== undefined;
      let appended = false;
      const inBlock = print > 0 || block > 0 || comment > 0;
      if (inside && !wasInside && !inBlock) {
        params.push(token);
        appended = true;
      } else if (inBlock || inside || wasInside) {
        if (idx === 0 && wasInside) params[params.length - 1] += token;
        else last(`${idx > 0 ? ' ' : ''}${token}`);
        appended = true;
      }
      for (const [get, set, open, close] of [
        [() => print, (d: number) => (print = d), '{{', '}}'],
        [() => block, (d: number) => (block = d), '{%', '%}'],
        [() => comment, (d: number) => (comment = d), '{#', '#}'],
      ] as const) {
        const before = get();
        set(blockDepth(token, before, open, close));
        if (get() !== before && !appended) {
          params.push(token);
          appended = true;
        }
      }
      if (print === 0 && block === 0 && comment === 0 && !inside && !appended && token !== '') params.push(token);
    });
    if (lines.length > 1 && lineIdx !== lines.length - 1 && !continuation) last('\n');
  });
  if (print || block || comment || inside) throw new ArgsSyntaxError('failed at splitting arguments, either an unbalanced jinja2 block or quotes (Ansible\'s words): close the quote');
  return params;
}
