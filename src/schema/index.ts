/**
 * Schemas for module args, task options and role variables, built with zod 4 (imported only here and in json-schema.ts).
 * Objects are strict: an unknown key is an error that suggests the closest known key.
 */
import { z } from 'zod';
import { unknownKeysMessage } from './suggest.ts';

export { z };
export { suggest, unknownKeysMessage } from './suggest.ts';

/** A strict object schema: unknown keys are refused with "did you mean". */
export function strict<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? unknownKeysMessage(iss.keys, known) : undefined),
  });
}

/** An absolute path on a host (starts with '/', no NUL byte). */
export const absPath = z
  .string({ error: 'expected an absolute path (a string starting with /)' })
  .refine((p) => p.startsWith('/') && !p.includes('\0'), { error: (iss) => `must be an absolute path, got ${JSON.stringify(iss.input)}` });

/** Octal permission bits as a string: '0644', '644', '2755'. A number is refused: YAML/JS 644 is decimal (mode 1204). */
export const fileMode = z.custom<string>(
  (v) => typeof v === 'string' && /^[0-7]{1,5}$/.test(v) && Number.parseInt(v, 8) <= 0o7777,
  {
    error: (iss) =>
      typeof iss.input === 'number'
        ? `mode must be an octal string, got the number ${iss.input}: write '${numberAsMode(iss.input)}' (quoted)`
        : `mode must be an octal string like '0644', got ${JSON.stringify(iss.input)}`,
  },
).meta({ type: 'string', pattern: '^[0-7]{1,5}$', description: "Octal permission bits as a string: '0644'." });

// 644 (what the user meant) and 0o644 (=420, what they wrote in JS) both give '0644'
function numberAsMode(n: number): string {
  if (/^[0-7]{1,4}$/.test(String(n))) return String(n).padStart(4, '0');
  return Number.isInteger(n) && n >= 0 && n <= 0o7777 ? n.toString(8).padStart(4, '0') : '0644';
}

/** A user or group: a name or a numeric id, as a non-empty string without ':'. */
export const principal = z
  .string({ error: 'expected a user/group name or numeric id as a string' })
  .regex(/^[^:\s]+$/, { error: 'must be a non-empty name or id without spaces or ":"' });

/** A TCP/UDP port, 1–65535. */
export const port = z
  .number({ error: (iss) => (iss.code === 'invalid_type' ? `expected a port number (1-65535), got ${JSON.stringify(iss.input)}` : undefined) })
  .int({ error: 'a port is a whole number' })
  .min(1, { error: (iss) => `a port is 1-65535, got ${String(iss.input)}` })
  .max(65535, { error: (iss) => `a port is 1-65535, got ${String(iss.input)}` });

/** A non-empty string. */
export const nonEmpty = z.string().min(1, { error: 'must not be empty' });

/** Seconds (≥ 0, fractions allowed). */
export const seconds = z
  .number({ error: (iss) => (iss.code === 'invalid_type' ? `expected a number of seconds, got ${typeof iss.input === 'number' ? String(iss.input) : (JSON.stringify(iss.input) ?? String(iss.input))}` : undefined) })
  .nonnegative({ error: (iss) => `a number of seconds cannot be negative, got ${String(iss.input)}` });

/** A readonly view of an inferred args type, deeply (roles pass `as const` tuples and readonly lists; zod infers mutable ones). */
export type ReadonlyDeep<T> = T extends (...args: never[]) => unknown ? T : T extends object ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> } : T;

/** A function value (when, changedWhen, until…); JSON Schema cannot describe it. */
export function fn<F extends (...args: never[]) => unknown>(what = 'a function'): z.ZodType<F> {
  return z.custom<F>((v) => typeof v === 'function', { error: `expected ${what}` });
}

/** The value, or a function computing it per host (only a function is checked here; its result at preflight). */
export function dynamic<T extends z.ZodType>(schema: T): z.ZodType<z.output<T> | ((...args: never[]) => unknown)> {
  return z.union([schema, fn()]);
}

/** JSON Schema (draft 2020-12) of a schema; functions are shown as `{}`. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
}

/** Is this a zod schema (every rig schema is)? */
export const isZodSchema = (s: unknown): s is z.ZodType => s instanceof z.ZodType;
export { inferVarSchema } from './vars.ts';
