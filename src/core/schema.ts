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
 * Problems of `value` against `schema`, each `key: message` (synchronous schemas only: rig validates before any I/O).
 * @throws TypeError when the schema is asynchronous (a programmer error).
 */
export function schemaProblems(schema: StandardSchemaV1, value: unknown): string[] {
  const r = schema['~standard'].validate(value);
  if (r instanceof Promise) throw new TypeError('rig schemas must be synchronous');
  return (r.issues ?? []).map((i) => {
    const p = issuePath(i);
    return p ? `${p}: ${i.message}` : i.message;
  });
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
  return /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t) ? Number(t) : undefined;
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
