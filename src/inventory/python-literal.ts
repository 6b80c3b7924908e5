/**
 * Python's `ast.literal_eval` (CPython 3.11) for INI inventory values, then the type coercion ansible-core 2.19's ini
 * plugin applies (`_parse_value`): tuples and sets become lists, complex numbers and `...` become strings, bytes are
 * decoded. Text that is not a Python literal is kept as the original string, as Ansible does on ValueError/SyntaxError.
 */

type Py =
  | { readonly k: 'int' | 'float'; readonly v: number }
  | { readonly k: 'complex'; readonly re: number; readonly im: number }
  | { readonly k: 'str' | 'bytes'; readonly v: string }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'none' | 'ellipsis' }
  | { readonly k: 'tuple' | 'list' | 'set'; readonly items: readonly Py[] }
  | { readonly k: 'dict'; readonly entries: readonly (readonly [Py, Py])[] };

/** Not a literal: Python raised SyntaxError or ValueError, Ansible keeps the text. */
class NotLiteral extends Error {}
/** Python raised another error (an unhashable dict key or set member): Ansible fails the whole file. */
export class LiteralError extends Error {}

const fail = (): never => {
  throw new NotLiteral();
};

/**
 * Ansible's INI value: the Python literal's value (numbers, booleans, None → null, lists, dicts, strings) or, when `text`
 * is not a Python literal, `text` itself. Throws LiteralError where Python's literal_eval raises something Ansible does
 * not catch.
 */
export function iniValue(text: string): unknown {
  let py: Py;
  try {
    py = new Parser(text.replace(/^[ \t]+/, '')).parseAll();
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

const NUMBER = /0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?/y;
const NAME = /[\p{L}\p{Nl}_][\p{L}\p{N}\p{Mn}\p{Mc}_]*/uy;
const STRING_PREFIXES = new Set(['', 'r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf']);
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

type Node =
  | { readonly t: 'const'; readonly py: Py }
  | { readonly t: 'unary'; readonly neg: boolean; readonly operand: Node }
  | { readonly t: 'binop'; readonly neg: boolean; readonly left: Node; readonly right: Node }
  | { readonly t: 'tuple' | 'list' | 'set'; readonly elts: readonly Node[] }
  | { readonly t: 'dict'; readonly keys: readonly Node[]; readonly values: readonly Node[] };

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

/** Recursive descent over the expression forms literal_eval may accept; any other syntax is NotLiteral. */
class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parseAll(): Py {
    const first = this.expr();
    const node: Node = this.peek() === ',' ? { t: 'tuple', elts: this.restOfTuple(first, '') } : first;
    if (this.peek() !== '') fail();
    return convert(node);
  }

  /** Next significant character ('' at the end; a `#` comment runs to the end). */
  private peek(): string {
    while (this.pos < this.src.length && ' \t\f'.includes(this.src[this.pos]!)) this.pos++;
    const c = this.src[this.pos] ?? '';
    return c === '#' || c === '\n' || c === '\r' ? '' : c;
  }

  private eat(c: string): boolean {
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }

  /** Items after `first` up to `close` ('' at top level): `1, 2,` */
  private restOfTuple(first: Node, close: string): Node[] {
    const items = [first];
    while (this.eat(',')) {
      if (this.peek() === close) break;
      items.push(this.expr());
    }
    return items;
  }

  /** `a + b - c`, left-associative, over signed atoms. */
  private expr(): Node {
    let left = this.unary();
    for (;;) {
      const c = this.peek();
      if (c !== '+' && c !== '-') return left;
      this.pos++;
      left = { t: 'binop', neg: c === '-', left, right: this.unary() };
    }
  }

  private unary(): Node {
    const c = this.peek();
    if (c === '+' || c === '-') {
      this.pos++;
      return { t: 'unary', neg: c === '-', operand: this.unary() };
    }
    return this.atom();
  }

  private atom(): Node {
    const c = this.peek();
    if (c === '(') {
      this.pos++;
      if (this.eat(')')) return { t: 'tuple', elts: [] };
      const first = this.expr();
      if (this.eat(')')) return first;
      if (this.peek() !== ',') fail();
      const elts = this.restOfTuple(first, ')');
      if (!this.eat(')')) fail();
      return { t: 'tuple', elts };
    }
    if (c === '[') {
      this.pos++;
      if (this.eat(']')) return { t: 'list', elts: [] };
      const elts = this.restOfTuple(this.expr(), ']');
      if (!this.eat(']')) fail();
      return { t: 'list', elts };
    }
    if (c === '{') return this.braces();
    if (this.src.startsWith('...', this.pos)) {
      this.pos += 3;
      return { t: 'const', py: { k: 'ellipsis' } };
    }
    if (/[\d.]/.test(c)) return { t: 'const', py: this.number() };
    if (c === '"' || c === "'") return { t: 'const', py: this.strings() };
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) return fail();
    const name = m[0];
    const q = this.src[this.pos + name.length];
    if ((q === '"' || q === "'") && STRING_PREFIXES.has(name.toLowerCase())) return { t: 'const', py: this.strings() };
    this.pos += name.length;
    if (name === 'True' || name === 'False') return { t: 'const', py: { k: 'bool', v: name === 'True' } };
    if (name === 'None') return { t: 'const', py: { k: 'none' } };
    if (name === 'set' && this.eat('(') && this.eat(')')) return { t: 'set', elts: [] };
    return fail();
  }

  private braces(): Node {
    this.pos++;
    if (this.eat('}')) return { t: 'dict', keys: [], values: [] };
    const first = this.expr();
    if (this.eat(':')) {
      const keys = [first];
      const values = [this.expr()];
      while (this.eat(',') && this.peek() !== '}') {
        keys.push(this.expr());
        if (!this.eat(':')) fail();
        values.push(this.expr());
      }
      if (!this.eat('}')) fail();
      return { t: 'dict', keys, values };
    }
    const elts = this.restOfTuple(first, '}');
    if (!this.eat('}')) fail();
    return { t: 'set', elts };
  }

  private number(): Py {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.src);
    if (!m) fail();
    const text = m![0];
    this.pos += text.length;
    // `1abc`, `0x1j`, `1_` are syntax errors
    if (/^[\p{L}\p{N}_]/u.test(this.src.slice(this.pos))) fail();
    const digits = text.replace(/_/g, '');
    if (/^0[xob]/i.test(digits)) {
      const n = Number(digits.toLowerCase());
      return { k: 'int', v: n };
    }
    if (/[jJ]$/.test(digits)) return { k: 'complex', re: 0, im: Number(digits.slice(0, -1)) };
    if (/[.eE]/.test(digits)) return { k: 'float', v: Number(digits) };
    // leading zeros are only allowed for zero itself (`0755` is a syntax error in Python 3)
    if (/^0+[1-9]/.test(digits)) fail();
    return { k: 'int', v: Number(digits) };
  }

  /** One or more adjacent string literals, concatenated; mixing bytes and str, or any f-string, is not a literal. */
  private strings(): Py {
    let kind: 'str' | 'bytes' | undefined;
    let value = '';
    for (;;) {
      const start = this.pos;
      NAME.lastIndex = this.pos;
      const m = NAME.exec(this.src);
      const prefix = m && (this.src[this.pos + m[0].length] === '"' || this.src[this.pos + m[0].length] === "'") ? m[0].toLowerCase() : '';
      if (!STRING_PREFIXES.has(prefix)) fail();
      this.pos += prefix.length;
      const q = this.src[this.pos];
      if (q !== '"' && q !== "'") {
        this.pos = start;
        break;
      }
      const part = this.stringBody(prefix);
      const partKind = prefix.includes('b') ? 'bytes' : 'str';
      if (prefix.includes('f') || (kind && kind !== partKind)) fail();
      kind = partKind;
      value += part;
      const next = this.peek();
      if (next !== '"' && next !== "'" && !/[rRuUbBfF]/.test(next)) break;
    }
    if (!kind) fail();
    return { k: kind!, v: kind === 'bytes' ? decodeBytes(value) : value };
  }

  private stringBody(prefix: string): string {
    const raw = prefix.includes('r');
    const bytes = prefix.includes('b');
    const q = this.src[this.pos]!;
    const triple = this.src.startsWith(q.repeat(3), this.pos);
    const close = triple ? q.repeat(3) : q;
    this.pos += close.length;
    let out = '';
    for (;;) {
      if (this.pos >= this.src.length) fail();
      if (this.src.startsWith(close, this.pos)) {
        this.pos += close.length;
        return out;
      }
      const ch = this.src[this.pos]!;
      if (!triple && (ch === '\n' || ch === '\r')) fail();
      if (bytes && ch.charCodeAt(0) > 0x7f) fail();
      if (ch !== '\\') {
        out += ch;
        this.pos++;
        continue;
      }
      const nx = this.src[this.pos + 1];
      if (nx === undefined) fail();
      if (raw) {
        out += ch + nx;
        this.pos += 2;
        continue;
      }
      out += this.escape(bytes);
    }
  }

  /** A backslash escape at pos (non-raw strings); unknown escapes keep the backslash, as Python does. */
  private escape(bytes: boolean): string {
    const s = this.src;
    const nx = s[this.pos + 1]!;
    this.pos += 2;
    if (nx in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[nx]!;
    if (/[0-7]/.test(nx)) {
      let oct = nx;
      while (oct.length < 3 && /[0-7]/.test(s[this.pos] ?? '')) oct += s[this.pos++];
      return String.fromCodePoint(Number.parseInt(oct, 8) & (bytes ? 0xff : 0x1ff));
    }
    const hexLen = nx === 'x' ? 2 : !bytes && nx === 'u' ? 4 : !bytes && nx === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = s.slice(this.pos, this.pos + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) fail();
      this.pos += hexLen;
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) fail();
      return String.fromCodePoint(cp);
    }
    // \N{NAME} needs Unicode's name table: rig keeps the text as a string (see README)
    if (!bytes && nx === 'N') fail();
    return `\\${nx}`;
  }
}

/** bytes → str as Ansible's to_text does (UTF-8); each char of `latin` is one byte. */
function decodeBytes(latin: string): string {
  return new TextDecoder('utf-8').decode(Uint8Array.from(latin, (c) => c.charCodeAt(0)));
}
