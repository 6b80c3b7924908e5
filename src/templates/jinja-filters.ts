/**
 * The Jinja2 and Ansible filters, tests and functions that inventories use, with Jinja2 3.1 / ansible-core 2.19 semantics
 * (checked against the real ansible-core in test/integration/inventory-jinja.test.ts). Anything else is an error naming it.
 */
import { JinjaError, isUndefined, pyStr, truthy, Undefined } from './jinja-values.ts';

type Fn = (...args: unknown[]) => unknown;

/** Positional and keyword arguments by name (nunjucks passes keywords as a last object marked `__keywords`). */
function params(args: readonly unknown[], names: readonly string[]): Record<string, unknown> {
  const last = args[args.length - 1];
  const kw = last !== null && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords ? (last as Record<string, unknown>) : undefined;
  const pos = kw ? args.slice(0, -1) : args;
  const out: Record<string, unknown> = {};
  names.forEach((n, i) => {
    if (i < pos.length) out[n] = pos[i];
  });
  if (kw) {
    for (const [k, v] of Object.entries(kw)) {
      if (k === '__keywords') continue;
      if (!names.includes(k)) throw new JinjaError(`unexpected keyword argument '${k}'`);
      out[k] = v;
    }
  }
  return out;
}

const seq = (v: unknown, what: string): unknown[] => {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v !== null && typeof v === 'object') return Object.keys(v);
  throw new JinjaError(`${what} needs a list, got ${pyStr(v)}`);
};

/** Python int() of a string: optional sign, digits (underscores between them), surrounding whitespace. */
function pyInt(s: string, base: number): number | undefined {
  const t = s.trim().replace(/(?<=[0-9a-f])_(?=[0-9a-f])/gi, '');
  const prefixed = /^([-+]?)0([xob])([0-9a-f]+)$/i.exec(t);
  if (prefixed && (base === 0 || base === { x: 16, o: 8, b: 2 }[prefixed[2]!.toLowerCase() as 'x' | 'o' | 'b'])) {
    const n = parseInt(prefixed[3]!, { x: 16, o: 8, b: 2 }[prefixed[2]!.toLowerCase() as 'x' | 'o' | 'b']);
    return prefixed[1] === '-' ? -n : n;
  }
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base || 10);
  if (!new RegExp(`^[-+]?[${digits}]+$`, 'i').test(t)) return undefined;
  return parseInt(t, base || 10);
}

/** Python float() of a string. */
function pyFloat(s: string): number | undefined {
  const t = s.trim().replace(/(?<=\d)_(?=\d)/g, '').toLowerCase();
  if (/^[-+]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(t)) return NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t) ? Number(t) : undefined;
}

/** A Python regex as a JS one: `(?P<n>…)`, `(?P=n)`, leading inline flags `(?im)`. */
export function pyRegex(pattern: string, flags: { ignorecase?: unknown; multiline?: unknown }, global = false): RegExp {
  let src = pattern.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  let f = global ? 'g' : '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    if (inline[1]!.includes('i')) f += 'i';
    if (inline[1]!.includes('m')) f += 'm';
    if (inline[1]!.includes('s')) f += 's';
  }
  if (truthy(flags.ignorecase ?? false) && !f.includes('i')) f += 'i';
  if (truthy(flags.multiline ?? false) && !f.includes('m')) f += 'm';
  try {
    return new RegExp(src, f);
  } catch (e) {
    throw new JinjaError(`bad regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

/** A Python re.sub replacement (`\1`, `\g<1>`, `\g<name>`) as a function of a JS match. */
function pyReplacement(repl: string): (m: string, ...rest: unknown[]) => string {
  return (m, ...rest) => {
    const groupsObj = rest[rest.length - 1];
    const named = groupsObj !== null && typeof groupsObj === 'object' ? (groupsObj as Record<string, string | undefined>) : {};
    const groups = rest.filter((_, i) => i < rest.length - (typeof groupsObj === 'object' ? 3 : 2)) as (string | undefined)[];
    const group = (g: string): string => (/^\d+$/.test(g) ? (g === '0' ? m : (groups[Number(g) - 1] ?? '')) : (named[g] ?? ''));
    return repl.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/g, (_all, g: string | undefined, d: string | undefined, c: string | undefined) => {
      if (g !== undefined) return group(g);
      if (d !== undefined) return group(d);
      return ({ n: '\n', t: '\t', '\\': '\\' } as Record<string, string>)[c!] ?? `\\${c}`;
    });
  };
}

/** Python's json.dumps with its default separators and ensure_ascii, as Ansible's to_json. */
export function pyJson(v: unknown, indent?: number, sortKeys = false, level = 0): string {
  if (isUndefined(v)) throw v.error();
  const nl = indent !== undefined ? `\n${' '.repeat(indent * (level + 1))}` : '';
  const end = indent !== undefined ? `\n${' '.repeat(indent * level)}` : '';
  const sep = indent !== undefined ? ',' : ', ';
  if (Array.isArray(v)) return v.length ? `[${nl}${v.map((x) => pyJson(x, indent, sortKeys, level + 1)).join(sep + nl)}${end}]` : '[]';
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (sortKeys) keys.sort();
    return keys.length ? `{${nl}${keys.map((k) => `${pyJson(k)}: ${pyJson((v as Record<string, unknown>)[k], indent, sortKeys, level + 1)}`).join(sep + nl)}${end}}` : '{}';
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  const s = JSON.stringify(v) ?? 'null';
  return typeof v === 'string' ? s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
}

const key = (v: unknown): string => (typeof v === 'string' ? `s${v}` : `j${JSON.stringify(v)}`);

/** Attribute `a.b.0` of a value, Jinja's make_attrgetter (undefined when missing). */
function attr(v: unknown, path: string): unknown {
  let cur = v;
  for (const part of String(path).split('.')) {
    if (cur === null || typeof cur !== 'object') return new Undefined(`object has no attribute '${part}'`);
    const k = Array.isArray(cur) && /^\d+$/.test(part) ? Number(part) : part;
    const next = (cur as Record<string | number, unknown>)[k];
    if (next === undefined) return new Undefined(`'dict object' has no attribute '${part}'`);
    cur = next;
  }
  return cur;
}

function runTest(name: unknown, value: unknown, args: unknown[]): boolean {
  if (name === undefined) return truthy(value);
  const t = TESTS[String(name)];
  if (!t) throw new JinjaError(`no test named '${String(name)}'`, `rig supports: ${Object.keys(TESTS).sort().join(', ')}`);
  return t(value, ...args);
}

/** Filters by name. */
export const FILTERS: Record<string, Fn> = {
  default: (v, ...a) => {
    const p = params(a, ['default_value', 'boolean']);
    const dv = p.default_value ?? '';
    if (isUndefined(v)) return dv;
    return truthy(p.boolean ?? false) && !truthy(v) ? dv : v;
  },
  mandatory: (v, ...a) => {
    if (isUndefined(v)) throw new JinjaError(typeof a[0] === 'string' ? a[0] : `Mandatory variable has not been overridden (${v.message})`);
    return v;
  },
  lower: (v) => pyStr(v).toLowerCase(),
  upper: (v) => pyStr(v).toUpperCase(),
  capitalize: (v) => { const s = pyStr(v); return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(); },
  string: (v) => pyStr(v),
  trim: (v, chars) => {
    const s = pyStr(v);
    if (typeof chars !== 'string') return s.trim();
    let a = 0;
    let b = s.length;
    while (a < b && chars.includes(s[a]!)) a++;
    while (b > a && chars.includes(s[b - 1]!)) b--;
    return s.slice(a, b);
  },
  join: (v, ...a) => {
    const p = params(a, ['d', 'attribute']);
    const items = seq(v, 'join');
    return (p.attribute !== undefined ? items.map((x) => attr(x, String(p.attribute))) : items).map(pyStr).join(p.d === undefined ? '' : pyStr(p.d));
  },
  int: (v, ...a) => {
    const p = params(a, ['default', 'base']);
    const dflt = p.default ?? 0;
    const base = Number(p.base ?? 10);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : dflt;
    if (typeof v === 'string') {
      const n = pyInt(v, base);
      if (n !== undefined) return n;
      // Jinja falls back to int(float(value)) for base 10
      const f = base === 10 ? pyFloat(v) : undefined;
      return f !== undefined && Number.isFinite(f) ? Math.trunc(f) : dflt;
    }
    return dflt;
  },
  float: (v, ...a) => {
    const p = params(a, ['default']);
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') return pyFloat(v) ?? p.default ?? 0;
    return p.default ?? 0;
  },
  // ansible.builtin.bool: booleans as they are, yes/on/1/true (any case) and the number 1 are true, anything else false
  bool: (v) => {
    if (typeof v === 'boolean') return v;
    if (v === null) return false;
    if (typeof v === 'number') return v === 1;
    if (typeof v === 'string') return ['yes', 'on', '1', 'true'].includes(v.trim().toLowerCase());
    return false;
  },
  replace: (v, ...a) => {
    const p = params(a, ['old', 'new', 'count']);
    const s = pyStr(v);
    const old = pyStr(p.old);
    const rep = pyStr(p.new);
    let count = p.count === undefined || p.count === null ? -1 : Number(p.count);
    if (old === '') return s; // Python inserts between characters; nobody wants that in an inventory
    let out = '';
    let i = 0;
    for (;;) {
      const j = s.indexOf(old, i);
      if (j < 0 || count === 0) break;
      out += s.slice(i, j) + rep;
      i = j + old.length;
      count--;
    }
    return out + s.slice(i);
  },
  ternary: (v, ...a) => {
    const p = params(a, ['true_val', 'false_val', 'none_val']);
    if (v === null && p.none_val !== undefined && p.none_val !== null) return p.none_val;
    return truthy(v) ? p.true_val : p.false_val;
  },
  first: (v) => {
    const s = seq(v, 'first');
    return s.length ? s[0] : new Undefined('No first item, sequence was empty.');
  },
  last: (v) => {
    const s = seq(v, 'last');
    return s.length ? s[s.length - 1] : new Undefined('No last item, sequence was empty.');
  },
  length: (v) => (typeof v === 'string' ? [...v].length : seq(v, 'length').length),
  regex_replace: (v, ...a) => {
    const p = params(a, ['pattern', 'replacement', 'ignorecase', 'multiline', 'count', 'mandatory_count']);
    const re = pyRegex(pyStr(p.pattern), p, true);
    let left = Number(p.count ?? 0) || Infinity;
    const repl = pyReplacement(pyStr(p.replacement ?? ''));
    return pyStr(v).replace(re, (...m: unknown[]) => (left-- > 0 ? repl(...(m as [string, ...unknown[]])) : (m[0] as string)));
  },
  regex_search: (v, pattern, ...a) => {
    const kw = a.length && (a[a.length - 1] as { __keywords?: boolean })?.__keywords ? (a.pop() as Record<string, unknown>) : {};
    const re = pyRegex(pyStr(pattern), kw);
    const m = re.exec(pyStr(v));
    if (!m) return null;
    if (!a.length) return m[0];
    return a.map((g) => {
      const s = pyStr(g);
      const num = /^\\(\d+)$/.exec(s);
      const name = /^\\g<(\w+)>$/.exec(s);
      if (num) return m[Number(num[1])] ?? null;
      if (name) return m.groups?.[name[1]!] ?? null;
      throw new JinjaError(`regex_search: unknown argument '${s}'`, "give group references as '\\\\1' or '\\\\g<name>'");
    });
  },
  split: (v, sep, maxsplit) => {
    const s = pyStr(v);
    let max = maxsplit === undefined || maxsplit === null ? -1 : Number(maxsplit);
    if (sep === undefined || sep === null) {
      const out: string[] = [];
      let rest = s.replace(/^\s+/, '');
      while (rest.length) {
        const m = max === 0 ? null : /\s+/.exec(rest);
        if (!m) { out.push(rest.replace(/\s+$/, max === 0 ? '' : '')); break; }
        out.push(rest.slice(0, m.index));
        rest = rest.slice(m.index + m[0].length);
        max--;
      }
      return max === 0 ? out : out.filter((x) => x !== '');
    }
    const d = pyStr(sep);
    if (d === '') throw new JinjaError('split: empty separator');
    const parts = s.split(d);
    return max < 0 || parts.length <= max + 1 ? parts : [...parts.slice(0, max), parts.slice(max).join(d)];
  },
  to_json: (v, ...a) => {
    const p = params(a, ['indent', 'sort_keys']);
    return pyJson(v, p.indent === undefined || p.indent === null ? undefined : Number(p.indent), truthy(p.sort_keys ?? false));
  },
  to_nice_json: (v, ...a) => pyJson(v, Number(params(a, ['indent']).indent ?? 4), true),
  from_json: (v) => {
    try {
      return JSON.parse(pyStr(v));
    } catch (e) {
      throw new JinjaError(`from_json: ${(e as Error).message}`);
    }
  },
  unique: (v) => {
    const seen = new Set<string>();
    return seq(v, 'unique').filter((x) => !seen.has(key(x)) && Boolean(seen.add(key(x))));
  },
  list: (v) => seq(v, 'list'),
  reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...seq(v, 'reverse')].reverse()),
  sort: (v, ...a) => {
    const p = params(a, ['reverse', 'case_sensitive', 'attribute']);
    const k = (x: unknown): unknown => {
      const y = p.attribute !== undefined ? attr(x, String(p.attribute)) : x;
      return typeof y === 'string' && !truthy(p.case_sensitive ?? false) ? y.toLowerCase() : y;
    };
    const out = [...seq(v, 'sort')].sort((x, y) => { const a1 = k(x) as number; const b1 = k(y) as number; return a1 < b1 ? -1 : a1 > b1 ? 1 : 0; });
    return truthy(p.reverse ?? false) ? out.reverse() : out;
  },
  abs: (v) => Math.abs(Number(v)),
  map: (v, ...a) => {
    const items = seq(v, 'map');
    const last = a[a.length - 1] as Record<string, unknown> | undefined;
    if (last && last.__keywords && 'attribute' in last) {
      return items.map((x) => {
        const r = attr(x, String(last.attribute));
        return isUndefined(r) && 'default' in last ? last.default : r;
      });
    }
    const [name, ...rest] = a;
    const f = FILTERS[String(name)];
    if (!f) throw new JinjaError(`no filter named '${String(name)}'`, `rig supports: ${Object.keys(FILTERS).sort().join(', ')}`);
    return items.map((x) => f(x, ...rest));
  },
  select: (v, name, ...a) => seq(v, 'select').filter((x) => runTest(name, x, a)),
  reject: (v, name, ...a) => seq(v, 'reject').filter((x) => !runTest(name, x, a)),
  selectattr: (v, at, name, ...a) => seq(v, 'selectattr').filter((x) => { const y = attr(x, String(at)); return name === undefined ? !isUndefined(y) && truthy(y) : runTest(name, y, a); }),
  rejectattr: (v, at, name, ...a) => seq(v, 'rejectattr').filter((x) => { const y = attr(x, String(at)); return !(name === undefined ? !isUndefined(y) && truthy(y) : runTest(name, y, a)); }),
};
FILTERS.d = FILTERS.default!;
FILTERS.count = FILTERS.length!;

const num = (v: unknown): boolean => typeof v === 'number';
/** Tests by name (`x is defined`, and the names select/selectattr take). */
export const TESTS: Record<string, (v: unknown, ...a: unknown[]) => boolean> = {
  defined: (v) => !isUndefined(v),
  undefined: (v) => isUndefined(v),
  none: (v) => v === null,
  boolean: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string',
  number: num,
  integer: (v) => num(v) && Number.isInteger(v),
  float: (v) => num(v) && !Number.isInteger(v),
  mapping: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || (v !== null && typeof v === 'object'),
  iterable: (v) => typeof v === 'string' || (v !== null && typeof v === 'object'),
  truthy: (v) => truthy(v),
  falsy: (v) => !truthy(v),
  eq: (v, o) => key(v) === key(o),
  ne: (v, o) => key(v) !== key(o),
  lt: (v, o) => (v as number) < (o as number),
  le: (v, o) => (v as number) <= (o as number),
  gt: (v, o) => (v as number) > (o as number),
  ge: (v, o) => (v as number) >= (o as number),
  in: (v, o) => (typeof o === 'string' ? o.includes(pyStr(v)) : seq(o, 'in').some((x) => key(x) === key(v))),
  even: (v) => Number(v) % 2 === 0,
  odd: (v) => Math.abs(Number(v) % 2) === 1,
  divisibleby: (v, n) => Number(v) % Number(n) === 0,
  match: (v, p, ...a) => pyRegex(`^(?:${pyStr(p)})`, (a[0] as Record<string, unknown>) ?? {}).test(pyStr(v)),
  search: (v, p, ...a) => pyRegex(pyStr(p), (a[0] as Record<string, unknown>) ?? {}).test(pyStr(v)),
};
TESTS.equalto = TESTS.eq!;
TESTS['=='] = TESTS.eq!;
TESTS['!='] = TESTS.ne!;
TESTS.regex = TESTS.search!;
TESTS.null = TESTS.none!; // nunjucks reads `none` as the literal null

/** Functions a template may call: `lookup('env', 'NAME')` (Ansible's env lookup: '' when unset). */
/** Jinja's sandbox limit on range() (MAX_RANGE): a template must not allocate without bound. */
const MAX_RANGE = 100_000;

export const GLOBALS: Record<string, Fn> = {
  range: (...args) => {
    const n = args.map((a) => Number(a));
    if (n.length === 0 || n.length > 3 || n.some((x) => !Number.isInteger(x))) throw new JinjaError('range() takes 1 to 3 integers');
    const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
    if (step === 0) throw new JinjaError('range() arg 3 must not be zero');
    const count = Math.max(0, Math.ceil((stop - start) / step));
    if (count > MAX_RANGE) throw new JinjaError(`range() of ${count} items is too big (at most ${MAX_RANGE}, as Jinja's sandbox)`);
    return Array.from({ length: count }, (_, i) => start + i * step);
  },
  lookup: (plugin, ...terms) => {
    if (plugin !== 'env' && plugin !== 'ansible.builtin.env') throw new JinjaError(`lookup('${String(plugin)}') is not supported`, "rig's templates only have lookup('env', 'NAME')");
    const names = terms.filter((t) => !(t !== null && typeof t === 'object'));
    return names.map((n) => process.env[pyStr(n)] ?? '').join(',');
  },
};
