/** JSON text as Python's `json.dumps(value, sort_keys=True, indent=4, ensure_ascii=False)` writes it (ansible-inventory's output). */
import { PyFloat, UnsafeValue, VaultValue } from './tagged-values.ts';

/** Python's repr() of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16, always a `.0` or exponent. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const sign = mant.startsWith('-') ? '-' : '';
  const digits = mant.replace(/^-/, '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/**
 * The JSON text of a value, keys sorted, 4-space indent, floats and markers as ansible-inventory 2.19 prints them;
 * `unsafeMarked`: `!unsafe` strings as `{"__ansible_unsafe": …}` (--list does, --host prints the plain string).
 */
export function pythonJson(value: unknown, unsafeMarked = true, indent = ''): string {
  const inner = `${indent}    `;
  if (value instanceof VaultValue) return pythonJson({ __ansible_vault: value.text }, unsafeMarked, indent);
  if (value instanceof UnsafeValue) return unsafeMarked ? pythonJson({ __ansible_unsafe: value.value }, unsafeMarked, indent) : JSON.stringify(value.value);
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloatRepr(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + pythonJson(v, unsafeMarked, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${pythonJson((value as Record<string, unknown>)[k], unsafeMarked, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(String(value));
}
