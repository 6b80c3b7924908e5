/** Schemas of role variables inferred from their defaults: the default's type is the variable's type. */
import { z } from 'zod';

/** The schema a default value implies: boolean, number, string, list (of the first element's type), else anything. */
export function inferVarSchema(value: unknown): z.ZodType {
  if (typeof value === 'boolean') return z.boolean({ error: (iss) => `expected true or false (also yes/no, on/off, 1/0), got ${describe(iss.input)}` });
  if (typeof value === 'number') return z.number().refine(Number.isFinite, { error: 'expected a finite number' });
  if (typeof value === 'string') return z.string({ error: (iss) => `expected a string, got ${describe(iss.input)}${typeof iss.input === 'number' ? ' (quote it)' : ''}` });
  if (Array.isArray(value)) return z.array(value.length ? inferVarSchema(value[0]) : z.unknown(), { error: (iss) => `expected a list, got ${describe(iss.input)}` });
  return z.unknown();
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}
