/**
 * Python's `ast.literal_eval` (CPython 3.11) for INI inventory values, then the type coercion ansible-core 2.19's ini
 * plugin applies (`_parse_value`): tuples and sets become lists, complex numbers and `...` become strings, bytes are
 * decoded. Text that is not a Python literal is kept as the original string, as Ansible does on ValueError/SyntaxError.
 */
import { fail, NotLiteral, Parser, type Node, type Py } from './python-syntax.ts';

/** Python raised another error (an unhashable dict key or set member): Ansible fails the whole file. */
export class LiteralError extends Error {}

/**
 * Ansible's INI value: the Python literal's value (numbers, booleans, None → null, lists, dicts, strings) or, when `text`
 * is not a Python literal, `text` itself. Throws LiteralError where Python's literal_eval raises something Ansible does
 * not catch.
 */
export function iniValue(text: string): unknown {
  let py: Py;
  try {
    py = convert(new Parser(text.replace(/^[ \t]+/, '')).parseAll());
  } catch (e) {
    if (e instanceof NotLiteral) return text;
    throw e;
  }
  return coerce(py);
}

function coerce(py: Py): unknown {
  switch (py.k) {
    case 'int':
    case 'float':
    case 'str':
    case 'bytes':
    case 'bool':
      return py.v;
    case 'none':
      return null;
    case 'ellipsis':
      return '...';
    case 'complex':
      return complexRepr(py.re, py.im);
    case 'tuple':
    case 'list':
    case 'set':
      return py.items.map(coerce);
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of py.entries) out[jsonKey(key)] = coerce(value);
      return out;
    }
  }
}

/** A dict key as Python's json.dumps writes it; other key types make ansible-inventory fail. */
function jsonKey(key: Py): string {
  switch (key.k) {
    case 'str':
      return key.v;
    case 'int':
      return String(key.v);
    case 'float':
      return pyFloatRepr(key.v, true);
    case 'bool':
      return key.v ? 'true' : 'false';
    case 'none':
      return 'null';
    default:
      throw new LiteralError(`a dict key must be a string, number, boolean or None (Ansible cannot output a ${key.k} key)`);
  }
}

/** Python's repr of a float; `addDot` adds ".0" to integral values as float.__repr__ does (complex repr does not). */
export function pyFloatRepr(x: number, addDot: boolean): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return `${Object.is(x, -0) ? '-' : ''}0${addDot ? '.0' : ''}`;
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    out = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length > exp + 1) {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    out = digits + '0'.repeat(exp + 1 - digits.length) + (addDot ? '.0' : '');
  }
  return (neg ? '-' : '') + out;
}

function complexRepr(re: number, im: number): string {
  const imText = `${pyFloatRepr(im, false)}j`;
  if (re === 0 && !Object.is(re, -0)) return imText;
  return `(${pyFloatRepr(re, false)}${im < 0 || Object.is(im, -0) || Number.isNaN(im) ? (Number.isNaN(im) ? '+' : '') : '+'}${imText})`;
}

/** Canonical hash key: values Python considers equal (1 == 1.0 == True) share one. */
function hashKey(py: Py): string {
  switch (py.k) {
    case 'int':
    case 'float':
      return `n:${py.v}`;
    case 'bool':
      return `n:${py.v ? 1 : 0}`;
    case 'complex':
      return py.im === 0 ? `n:${py.re}` : `c:${py.re},${py.im}`;
    case 'str':
      return `s:${py.v}`;
    case 'bytes':
      return `b:${py.v}`;
    case 'none':
      return 'N';
    case 'ellipsis':
      return 'E';
    case 'tuple':
      return `t(${py.items.map(hashKey).join(',')})`;
    default:
      throw new LiteralError(`unhashable type: '${py.k}' (a list, dict or set cannot be a dict key or a set member)`);
  }
}

/** literal_eval's _convert: which parsed expressions are literals. */
function convert(node: Node): Py {
  switch (node.t) {
    case 'const':
      return node.py;
    case 'tuple':
    case 'list':
      return { k: node.t, items: node.elts.map(convert) };
    case 'set': {
      const seen = new Map<string, Py>();
      for (const e of node.elts) {
        const py = convert(e);
        const h = hashKey(py);
        if (!seen.has(h)) seen.set(h, py);
      }
      return { k: 'set', items: [...seen.values()] };
    }
    case 'dict': {
      const byKey = new Map<string, [Py, Py]>();
      node.keys.forEach((k, i) => {
        const key = convert(k);
        const value = convert(node.values[i]!);
        const h = hashKey(key);
        // Python keeps the first key object and the last value
        byKey.set(h, [byKey.get(h)?.[0] ?? key, value]);
      });
      return { k: 'dict', entries: [...byKey.values()] };
    }
    case 'binop': {
      const left = signedNum(node.left);
      const right = num(node.right);
      if ((left.k === 'int' || left.k === 'float') && right.k === 'complex') {
        const s = node.neg ? -1 : 1;
        return { k: 'complex', re: left.v + s * right.re, im: s * right.im };
      }
      return fail();
    }
    case 'unary':
      return signedNum(node);
  }
}

function signedNum(node: Node): Py & { k: 'int' | 'float' | 'complex' } {
  if (node.t !== 'unary') return num(node);
  const n = num(node.operand);
  if (!node.neg) return n;
  return n.k === 'complex' ? { k: 'complex', re: -n.re, im: -n.im } : { k: n.k, v: n.k === 'int' ? 0 - n.v : -n.v };
}

function num(node: Node): Py & { k: 'int' | 'float' | 'complex' } {
  if (node.t === 'const' && (node.py.k === 'int' || node.py.k === 'float' || node.py.k === 'complex')) return node.py as Py & { k: 'int' | 'float' | 'complex' };
  return fail();
}
