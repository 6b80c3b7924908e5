/**
 * Jinja expressions in variable values (`ansible_host: "{{ ip }}"`), rendered as Ansible renders them: a template that is
 * one `{{ expr }}` keeps the expression's type (ansible-core 2.19), anything else is text; an undefined name is an error
 * when it is used (Ansible's StrictUndefined), never an empty string. The only importer of nunjucks.
 */
import nunjucks from 'nunjucks';
import { redact, secret } from '../core/secret.ts';
import { isUnsafeText } from '../core/unsafe.ts';
import { FILTERS, GLOBALS, TESTS } from './jinja-filters.ts';
import { JinjaError, Undefined, isUndefined, pyStr, truthy } from './jinja-values.ts';

export { JinjaError, Undefined, isUndefined, pyStr } from './jinja-values.ts';

/** Where a template's names come from: `lookup(name)` gives the value, or `MISSING` when the name is not defined. */
export interface JinjaScope {
  lookup(name: string): unknown;
}

/** What `JinjaScope.lookup` returns for a name that is not defined. */
export const MISSING: unique symbol = Symbol('missing');

/** Whether a value is a template: a string with `{{`, `{%` or `{#` (Ansible's is_possibly_template). */
export function isTemplate(value: unknown): value is string {
  return typeof value === 'string' && (value.includes('{{') || value.includes('{%') || value.includes('{#')) && !isUnsafeText(value);
}

const UNSAFE = Symbol.for('rig.unsafe');
/** Values marked `!unsafe` are never rendered: strings the YAML reader registered (core/unsafe.ts), and objects
 *  carrying `Symbol.for('rig.unsafe')`. */
export function isUnsafe(value: unknown): boolean {
  return value !== null && typeof value === 'object' && UNSAFE in value;
}

/** Whether a value (deeply) holds a template that rendering would change. */
export function hasTemplate(value: unknown): boolean {
  if (isTemplate(value)) return true;
  if (value === null || typeof value !== 'object' || isUnsafe(value)) return false;
  if (Array.isArray(value)) return value.some(hasTemplate);
  return Object.values(value).some(hasTemplate);
}

// one render in progress (renders nest: a variable's template reads a variable that is a template)
interface Frame {
  readonly scope: JinjaScope;
  tainted: boolean;
  error?: unknown;
  /** Expression outputs so far, and the last one's value and text (Jinja's native_concat decides the result type). */
  outputs: number;
  last?: unknown;
  lastText?: string;
}
const frames: Frame[] = [];
const top = (): Frame | undefined => frames[frames.length - 1];

type NunjucksRuntime = {
  contextOrFrameLookup: (context: unknown, frame: { lookup(n: string): unknown }, name: string) => unknown;
  memberLookup: (obj: unknown, key: unknown, ...rest: unknown[]) => unknown;
  suppressValue: (val: unknown, autoescape: boolean) => unknown;
};
type Compiler = {
  _emit(code: string): void;
  compile(node: unknown, frame: unknown): void;
  _compileExpression(node: unknown, frame: unknown): void;
  compileIf(node: { cond: unknown }, frame: unknown, async?: boolean): void;
  _pyCond?: unknown;
};
type BinNode = { left: unknown; right: unknown };
type Tokenizer = {
  current(): string;
  forward(): void;
  isFinished(): boolean;
  _parseString(delimiter: string): string;
  nextToken(): { type: string } | null;
  /** Inside `{{ }}` (set by the nextToken wrapper). */
  _inVariable?: boolean;
};
const nj = nunjucks as unknown as typeof nunjucks & {
  runtime: NunjucksRuntime;
  parser: { parse(src: string): unknown };
  lexer: { lex(src: string, opts: object): Tokenizer };
  compiler: { Compiler: { prototype: Compiler & Record<string, unknown> } };
  installJinjaCompat(): void;
};

// Python's string literal escapes; an unknown one keeps its backslash ('\d' in a regex stays \d, as in Jinja)
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };
function parsePythonString(this: Tokenizer, delimiter: string): string {
  this.forward();
  let str = '';
  while (!this.isFinished() && this.current() !== delimiter) {
    const cur = this.current();
    this.forward();
    if (cur !== '\\') {
      str += cur;
      continue;
    }
    const c = this.current();
    this.forward();
    str += this._inVariable ? `\\${c}` : Object.hasOwn(ESCAPES, c) ? ESCAPES[c] : `\\${c}`;
  }
  this.forward();
  return str;
}

// strings only (and lists of them): walking a dict could render lazy variables nobody reads (hostvars, a host's vars)
/** Whether a value holds a string that is not itself redacted (a piece of a secret would then be shown). */
function piecesOfSecret(v: unknown): boolean {
  if (typeof v === 'string') return v !== '' && redact(v) === v;
  if (Array.isArray(v)) return v.some(piecesOfSecret);
  if (v !== null && typeof v === 'object') return Object.values(v).some(piecesOfSecret);
  return false;
}

const containsSecret = (v: unknown): boolean => (typeof v === 'string' ? redact(v) !== v : Array.isArray(v) && v.some((x) => typeof x === 'string' && redact(x) !== x));

// Python's read-only dict and list methods (nunjucks' Jinja compatibility provides them); the mutating ones
// (pop, update, append…) would change the inventory's values for every later read, so they are not reachable
const DICT_METHODS: ReadonlySet<string> = new Set(['items', 'keys', 'values', 'get']);
const LIST_METHODS: ReadonlySet<string> = new Set(['count', 'index']);

/** Whether `obj[key]` is a value of the data (an own item of a dict, list or string, or a read-only Python method of a
 *  dict or list), not a JavaScript internal. */
function reachable(obj: unknown, key: unknown): boolean {
  if (typeof key !== 'string' && typeof key !== 'number') return false;
  if (typeof obj === 'function' || typeof obj === 'symbol' || typeof obj === 'bigint') return false;
  const k = String(key);
  if (Array.isArray(obj)) return /^-?\d+$/.test(k) || LIST_METHODS.has(k);
  if (typeof obj === 'string') return /^-?\d+$/.test(k);
  if (typeof obj !== 'object' || obj === null) return false;
  if (k === 'constructor' || k === '__proto__' || k === 'prototype') return false;
  if (DICT_METHODS.has(k) && !Object.hasOwn(obj, k)) return true;
  return Object.hasOwn(obj, k) || k in obj && Object.getPrototypeOf(obj) === null;
}

/** Remember an error of ours (nunjucks wraps what it catches) and throw it. */
function fail(e: unknown): never {
  const f = top();
  if (f && f.error === undefined) f.error = e;
  throw e;
}

// Python's str methods that inventories call (`ip.split('.')`, `name.startswith('db')`); JS's own stay reachable
const STRING_METHODS: Record<string, (s: string, ...a: unknown[]) => unknown> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, c) => FILTERS.trim!(s, c),
  startswith: (s, p) => s.startsWith(String(p)),
  endswith: (s, p) => s.endsWith(String(p)),
  split: (s, sep, max) => FILTERS.split!(s, sep, max),
  replace: (s, a, b) => s.split(String(a)).join(String(b)),
  format: (s, ...a) => { let i = 0; return s.replace(/\{\}/g, () => pyStr(a[i++])); },
};

let env: nunjucks.Environment | undefined;
function environment(): nunjucks.Environment {
  if (env) return env;
  nj.installJinjaCompat(); // True/False/None, slices, dict.items()/keys()/values()
  const tokenizer = Object.getPrototypeOf(nj.lexer.lex('', {})) as Tokenizer;
  tokenizer._parseString = parsePythonString;
  const nextToken = tokenizer.nextToken;
  tokenizer.nextToken = function (this: Tokenizer) {
    const tok = nextToken.call(this);
    if (tok?.type === 'variable-start') this._inVariable = true;
    else if (tok?.type === 'variable-end') this._inVariable = false;
    return tok;
  };
  pythonTruthiness();
  const rt = nj.runtime;
  const frameLookup = rt.contextOrFrameLookup;
  rt.contextOrFrameLookup = (context, frame, name) => {
    const local = frame.lookup(name);
    if (local !== undefined) return local;
    const f = top();
    if (!f) return frameLookup(context, frame, name);
    let v: unknown;
    try {
      v = f.scope.lookup(name);
      if (containsSecret(v)) f.tainted = true;
    } catch (e) {
      fail(e);
    }
    if (v === MISSING) {
      if (name in GLOBALS) return GLOBALS[name];
      const compat = frameLookup(context, frame, name);
      return compat !== undefined ? compat : new Undefined(`'${name}' is undefined`);
    }
    return v;
  };
  const member = rt.memberLookup;
  rt.memberLookup = (obj, key, ...rest) => {
    if (isUndefined(obj)) return fail(obj.error());
    if (obj === null || obj === undefined) return fail(new JinjaError(`'None' has no attribute '${String(key)}'`));
    if (rest.length >= 2) {
      // a slice: of a string it is a string, as in Python (nunjucks gives a list of characters)
      const sliced = member(obj, key, ...rest);
      return typeof obj === 'string' && Array.isArray(sliced) ? sliced.join('') : sliced;
    }
    if (typeof obj === 'string' && typeof key === 'string' && Object.hasOwn(STRING_METHODS, key)) return (...a: unknown[]) => STRING_METHODS[key]!(obj, ...a);
    // a template is data, not code: only a value's own items are reachable — never a function's or an object's
    // JavaScript internals (`range.constructor(...)` would run any code on the controller: nunjucks' sandbox escape)
    if (!reachable(obj, key)) {
      const what = typeof obj === 'function' ? 'function' : Array.isArray(obj) ? 'list object' : typeof obj === 'string' ? 'str object' : 'dict object';
      return new Undefined(`'${what}' has no attribute '${String(key)}'`);
    }
    let v: unknown;
    try {
      v = member(obj, key);
    } catch (e) {
      fail(e); // a variable of another host that failed to render (hostvars)
    }
    if (v === undefined) {
      const what = Array.isArray(obj) ? 'list object' : typeof obj === 'string' ? 'str object' : 'dict object';
      return new Undefined(Array.isArray(obj) && typeof key === 'number' ? `list object has no element ${key}` : `'${what}' has no attribute '${String(key)}'`);
    }
    const f = top();
    if (f && containsSecret(v)) f.tainted = true;
    return v;
  };
  rt.suppressValue = (val) => {
    const f = top();
    try {
      const text = val === null ? '' : pyStr(val); // ansible-core 2.19 prints None as nothing ("{{ x }}-" is "-")
      if (f) {
        f.outputs += 1;
        f.last = val;
        f.lastText = text;
      }
      return text;
    } catch (e) {
      return fail(e);
    }
  };
  env = new nunjucks.Environment(null, { autoescape: false });
  // only our filters and tests: a nunjucks builtin that differs from Jinja's must not run silently
  const e = env as unknown as { getFilter(n: string): unknown; getTest(n: string): unknown };
  e.getFilter = (name: string) => {
    const f = Object.hasOwn(FILTERS, name) ? FILTERS[name] : undefined;
    return f ? guard(name, f) : fail(new JinjaError(`no filter named '${name}'`, `rig supports: ${Object.keys(FILTERS).sort().join(', ')}`));
  };
  e.getTest = (name: string) => {
    if (!Object.hasOwn(TESTS, name)) fail(new JinjaError(`no test named '${name}'`, `rig supports: ${Object.keys(TESTS).sort().join(', ')}`));
    return TESTS[name];
  };
  return env;
}

/** `if`, `x if c else y`, `and`, `or`, `not` with Python's truthiness ([] and {} are false; an undefined name fails),
 *  and `a or b` giving the operand as Python does. nunjucks compiles them to JavaScript's `if (c)`, `||`, `&&`, `!`. */
function pythonTruthiness(): void {
  const rt = nj.runtime as NunjucksRuntime & { pyTruthy?: (v: unknown) => boolean };
  rt.pyTruthy = (v) => {
    try {
      return truthy(v);
    } catch (e) {
      return fail(e);
    }
  };
  const C = nj.compiler.Compiler.prototype;
  const compileIf = C.compileIf;
  C.compileIf = function (this: Compiler, node, frame, async) {
    this._pyCond = node.cond;
    compileIf.call(this, node, frame, async);
  };
  const expr = C._compileExpression;
  C._compileExpression = function (this: Compiler, node: unknown, frame: unknown) {
    if (node !== this._pyCond) return expr.call(this, node, frame);
    this._pyCond = undefined;
    this._emit('runtime.pyTruthy(');
    expr.call(this, node, frame);
    this._emit(')');
  };
  C.compileInlineIf = function (this: Compiler, node: { cond: unknown; body: unknown; else_: unknown }, frame: unknown) {
    this._emit('(runtime.pyTruthy(');
    this.compile(node.cond, frame);
    this._emit(')?');
    this.compile(node.body, frame);
    this._emit(':');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('""');
    this._emit(')');
  };
  const logical = (whenTrue: boolean) =>
    function (this: Compiler, node: BinNode, frame: unknown) {
      this._emit('(function(l){return runtime.pyTruthy(l)?');
      if (whenTrue) this._emit('l:(');
      else this._emit('(');
      this.compile(node.right, frame);
      this._emit(whenTrue ? ')' : '):l');
      this._emit('})(');
      this.compile(node.left, frame);
      this._emit(')');
    };
  C.compileOr = logical(true);
  C.compileAnd = logical(false);
  C.compileNot = function (this: Compiler, node: { target: unknown }, frame: unknown) {
    this._emit('!runtime.pyTruthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
}

const guarded = new Map<string, (...a: unknown[]) => unknown>();
/** A filter that fails on an undefined input (StrictUndefined), except the ones made for it, and reports its errors. */
function guard(name: string, fn: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
  let g = guarded.get(name);
  if (!g) {
    const lenient = name === 'default' || name === 'd' || name === 'mandatory';
    g = (...args: unknown[]) => {
      if (!lenient && isUndefined(args[0])) return fail(args[0].error());
      try {
        return fn(...args);
      } catch (e) {
        return fail(e instanceof JinjaError ? e : new JinjaError(`filter '${name}': ${e instanceof Error ? e.message : String(e)}`));
      }
    };
    guarded.set(name, g);
  }
  return g;
}

const compiled = new Map<string, nunjucks.Template>();
function compile(src: string): nunjucks.Template {
  let c = compiled.get(src);
  if (c) return c;
  const e = environment();
  try {
    nj.parser.parse(src); // a syntax error is reported here, as such
  } catch (err) {
    throw new JinjaError(`template syntax error: ${cleanMessage(err)}`, 'check the {{ }} / {% %} pairs and the expression');
  }
  c = new nunjucks.Template(src, e, undefined, true);
  if (compiled.size > 10_000) compiled.clear();
  compiled.set(src, c);
  return c;
}

/** The message of a nunjucks error without its "(unknown path) [Line 1, Column 3]" preamble. */
function cleanMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const last = m.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? m;
  return last.replace(/^\(unknown path\)\s*(\[[^\]]*\])?\s*/, '').replace(/^(Template render error: |Error: )/, '');
}

/**
 * Render one template string with `scope`'s names: a template whose only output is one expression gives its value (a
 * number, list, dict…), one with no output None, anything else a string (Jinja's native_concat, as ansible-core 2.19). A result built from a secret is registered as a secret.
 * @throws JinjaError for an undefined name, an unknown filter/test or a syntax error; an error thrown by
 *   `scope.lookup` (a variable that failed to render) is rethrown as it is.
 */
export function renderString(src: string, scope: JinjaScope): unknown {
  const c = compile(src);
  const frame: Frame = { scope, tainted: false, outputs: 0 };
  frames.push(frame);
  let out: unknown;
  try {
    const text = c.render({});
    // Jinja's native_concat, as ansible-core 2.19: one output alone keeps its type, none is None, more are text
    out = text === '' && frame.outputs === 0 ? null : frame.outputs === 1 && text === frame.lastText ? frame.last : text;
    // a secret broken into pieces (`| list`, `.split()`): rig can keep a whole string secret, not its parts
    if (frame.tainted && typeof out !== 'string' && piecesOfSecret(out)) {
      throw new JinjaError('this template breaks a secret into pieces (a list or dict of parts of it), which could not be kept out of the output', 'use the secret whole (a string), or keep the pieces out of templates');
    }
  } catch (e) {
    if (frame.error !== undefined) throw frame.error;
    throw new JinjaError(cleanMessage(e));
  } finally {
    frames.pop();
  }
  if (isUndefined(out)) throw out.error();
  if (frame.tainted && typeof out === 'string') secret(out);
  // the parent render read a secret through this one
  const parent = top();
  if (parent && frame.tainted) parent.tainted = true;
  return out;
}

/** Render a value: templates in strings, and inside lists and dicts (keys too), as Ansible templates nested data. */
export function renderValue(value: unknown, scope: JinjaScope): unknown {
  if (isTemplate(value)) return renderString(value, scope);
  if (value === null || typeof value !== 'object' || isUnsafe(value) || !hasTemplate(value)) return value;
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[isTemplate(k) ? pyStr(renderString(k, scope)) : k] = renderValue(v, scope);
  return out;
}
