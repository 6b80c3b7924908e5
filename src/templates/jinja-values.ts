/** Jinja's values as Python shows them: str() of a value, Python truthiness, and the strict undefined. */

/** A template that cannot be rendered: an undefined name, an unknown filter or test, a syntax error. */
export class JinjaError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'JinjaError';
  }
}

/** An undefined name or attribute (Ansible's StrictUndefined): `is defined`/`default` see it, any other use fails. */
export class Undefined {
  constructor(readonly message: string) {}
  /** The error a use of this value raises. */
  error(): JinjaError {
    return new JinjaError(this.message);
  }
  toString(): string {
    throw this.error();
  }
}

/** Whether `v` is the strict undefined. */
export function isUndefined(v: unknown): v is Undefined {
  return v instanceof Undefined;
}

/** Python's truthiness: '', 0, None, False, [] and {} are false. */
export function truthy(v: unknown): boolean {
  if (isUndefined(v)) throw v.error();
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Python's repr() of a JSON-like value (a str inside a list or dict is quoted). */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    return q + v.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`).replace(/\n/g, '\\n').replace(/\t/g, '\\t') + q;
  }
  return pyStr(v);
}

/** Python's str() of a JSON-like value, as Jinja prints it: True/False/None, `['a', 1]`, `{'k': 'v'}`. */
export function pyStr(v: unknown): string {
  if (isUndefined(v)) throw v.error();
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    // a secret wrapper, a Date…: its own text
    if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return String(v);
    return `{${Object.entries(v).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return String(v);
}
