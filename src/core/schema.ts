/**
 * The schema contract: module args, task options and role variables are checked by runtime schemas. Core depends on
 * the Standard Schema interface (https://standardschema.dev), not on a library; src/schema builds them with zod.
 */
import type { Problem } from './errors.ts';

/** A Standard Schema v1 (zod, valibot and ArkType implement it). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** The outcome of a Standard Schema validation. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] };

/** One problem a schema found: a message and the path of the offending value. */
export interface StandardIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/** The output type of a schema. */
export type SchemaOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : never;

/** Dotted path of an issue: `options.logOpts.max-size`, `rules[2].ports` ('' at the root). */
export function issuePath(issue: StandardIssue): string {
  let out = '';
  for (const seg of issue.path ?? []) {
    const key = typeof seg === 'object' ? seg.key : seg;
    out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  }
  return out;
}

/**
 * Values no schema of rig takes, wherever they are: BigInt, Symbol, NUL bytes in strings (no path, name or command
 * can hold one; only file content may), cycles. Found before the schema runs, so messages never stringify them.
 */
export function unsupportedValues(value: unknown, path = '', seen = new Set<object>()): string[] {
  const at = (m: string) => (path ? `${path}: ${m}` : m);
  if (typeof value === 'bigint') return [at(`${value}n is a BigInt: write a number or a string`)];
  if (typeof value === 'symbol') return [at('a Symbol is not a value rig can use: write a string')];
  if (typeof value === 'string') return value.includes('\0') && !/(^|\.)content$/.test(path) ? [at('contains a NUL byte, which no path, name or command can hold')] : [];
  if (value === null || typeof value !== 'object') return [];
  // plain data only: class instances (a schema, a Date) are the schema's to judge
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return [];
  if (seen.has(value)) return [at('refers to itself (a cycle)')];
  seen.add(value);
  const out: string[] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [`${path ? '.' : ''}${k}`, v] as const);
  for (const [k, v] of entries) out.push(...unsupportedValues(v, `${path}${k}`, seen));
  seen.delete(value);
  return out;
}

/** A value as it appears in a message: JSON where it has a JSON form (NaN, Infinity, BigInt and undefined as themselves). */
export function showValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint' || v === undefined) return String(v) + (typeof v === 'bigint' ? 'n' : '');
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/**
 * Problems of `value` against `schema`, each `key: message` (synchronous schemas only: rig validates before any I/O).
 * Values no schema takes (BigInt, Symbol, NUL bytes, cycles) and getters that throw are problems too, never crashes.
 * `shallow`: skip that walk (play and role props hold tasks, whose args are checked on their own, naming their line).
 */
export function schemaProblems(schema: StandardSchemaV1, value: unknown, o: { readonly shallow?: boolean } = {}): string[] {
  let r: ReturnType<StandardSchemaV1['~standard']['validate']>;
  try {
    const odd = o.shallow ? [] : unsupportedValues(value);
    if (odd.length) return odd;
    r = schema['~standard'].validate(value);
  } catch (e) {
    return [`cannot be checked: ${e instanceof Error ? e.message : String(e)}`];
  }
  if (r instanceof Promise) {
    r.catch(() => undefined); // an error message callback that threw makes zod go async: report it, never leave it unhandled
    return ['cannot be checked synchronously (a value in it could not be read or shown)'];
  }
  const issues = r.issues ?? [];
  // 'dset' (did you mean 'dest'?) already says what is wrong with the missing dest: do not also say dest is invalid
  const meant = new Set(
    issues.flatMap((i) => [...i.message.matchAll(/did you mean '([^']+)'/g)].map((m) => `${issuePath(i) ? `${issuePath(i)}.` : ''}${m[1]}`)),
  );
  return issues
    .filter((i) => !(meant.has(issuePath(i)) && valueAt(value, i.path) === undefined))
    .map((i) => {
      const p = issuePath(i);
      return p ? `${p}: ${i.message}` : i.message;
    });
}

/** The value at an issue's path inside `value` (undefined when a key on the way is missing). */
function valueAt(value: unknown, path: StandardIssue['path']): unknown {
  let v = value;
  for (const seg of path ?? []) {
    const key = typeof seg === 'object' ? seg.key : seg;
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Problems as Problem values at `where`, prefixed with `what` (a module name, "task options", a variable). */
export function toProblems(messages: readonly string[], where: string, what: string, hint?: string): Problem[] {
  return messages.map((m) => ({ where, message: `${what}: ${m}`, ...(hint ? { hint } : {}) }));
}

const TRUE = new Set(['true', 'yes', 'on', 'y', 't', '1']);
const FALSE = new Set(['false', 'no', 'off', 'n', 'f', '0']);

/** What a string given on the command line (`-e k=v`) or as an INI/inventory scalar means when the variable wants a
 *  boolean or a number: Ansible's boolean words (yes/no/on/off/true/false/1/0) and decimal numbers; else undefined. */
export function scalarFromString(s: string, want: 'boolean' | 'number'): unknown {
  const t = s.trim().toLowerCase();
  if (want === 'boolean') return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined;
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(t)) return undefined;
  // a number that is not exactly the digits given (over 2^53) stays a string: the schema then says what is wrong
  const n = Number(t);
  return /^-?\d+$/.test(t) && !Number.isSafeInteger(n) ? undefined : n;
}

/**
 * Check one variable against its schema. A string the schema refuses is retried as a boolean and as a number
 * (`-e enabled=false` → false, `-e port=9090` → 9090), so typed role variables are typed at run time too.
 * Returns the (possibly coerced) value or the schema's message.
 */
export function checkVar(schema: StandardSchemaV1, value: unknown): { readonly value: unknown } | { readonly problem: string } {
  const first = schemaProblems(schema, value);
  if (!first.length) return { value };
  let closest = first;
  if (typeof value === 'string') {
    for (const want of ['boolean', 'number'] as const) {
      const v = scalarFromString(value, want);
      if (v === undefined) continue;
      const p = schemaProblems(schema, v);
      if (!p.length) return { value: v };
      // "70000" read as a number says what is wrong with the number, not that it was a string
      if (want === 'number') closest = p;
    }
  }
  return { problem: closest.join('; ') };
}
