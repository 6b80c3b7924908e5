/** Python expression syntax, as far as ast.literal_eval may accept it: a parse tree of literals, signs, sums and displays. */

/** A Python value literal_eval can produce. */
export type Py =
  | { readonly k: 'int' | 'float'; readonly v: number }
  | { readonly k: 'complex'; readonly re: number; readonly im: number }
  | { readonly k: 'str' | 'bytes'; readonly v: string }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'none' | 'ellipsis' }
  | { readonly k: 'tuple' | 'list' | 'set'; readonly items: readonly Py[] }
  | { readonly k: 'dict'; readonly entries: readonly (readonly [Py, Py])[] };

/** Not a literal: Python raised SyntaxError or ValueError, Ansible keeps the text. */
export class NotLiteral extends Error {}
export const fail = (): never => {
  throw new NotLiteral();
};

const NUMBER = /0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?/y;
const NAME = /[\p{L}\p{Nl}_][\p{L}\p{N}\p{Mn}\p{Mc}_]*/uy;
const STRING_PREFIXES = new Set(['', 'r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf']);
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

/** The expression nodes literal_eval looks at (Constant, UnaryOp, BinOp, Tuple/List/Set, Dict). */
export type Node =
  | { readonly t: 'const'; readonly py: Py }
  | { readonly t: 'unary'; readonly neg: boolean; readonly operand: Node }
  | { readonly t: 'binop'; readonly neg: boolean; readonly left: Node; readonly right: Node }
  | { readonly t: 'tuple' | 'list' | 'set'; readonly elts: readonly Node[] }
  | { readonly t: 'dict'; readonly keys: readonly Node[]; readonly values: readonly Node[] };

/** Recursive descent over the expression forms literal_eval may accept; any other syntax is NotLiteral. */
export class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  /** The whole text as one expression (a bare `1, 2` is a tuple); NotLiteral when it is not one. */
  parseAll(): Node {
    const first = this.expr();
    const node: Node = this.peek() === ',' ? { t: 'tuple', elts: this.restOfTuple(first, '') } : first;
    if (this.peek() !== '') fail();
    return node;
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
