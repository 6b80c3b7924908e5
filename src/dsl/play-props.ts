/** Runtime schemas of defineRole / definePlay props: a play whose `become` is the string 'no' must not run as root. */
import { fn, nonEmpty, strict, z } from '../schema/index.ts';

const kindOf = (kind: string, what: string) =>
  z.custom<object>((v) => typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === kind, { error: `expected ${what}` });
// a task factory carries its module (dsl/task.ts); flushHandlers is a plain function
const uncalled = (f: { name: string; module?: { name?: unknown } }): string => {
  const name = typeof f.module?.name === 'string' ? f.module.name : f.name;
  return name === 'flushHandlers' ? 'flushHandlers()' : `${name || 'the module'}({...})`;
};

/** One entry of a tasks list: a task, block(...) or flushHandlers(); a function left uncalled is named as such. */
export const taskItem = z.custom<object>((v) => typeof v === 'object' && v !== null && ['task', 'flush', 'block'].includes(String((v as { kind?: unknown }).kind)), {
  error: (iss) =>
    typeof iss.input === 'function'
      ? `got a function, not a task: call it — ${uncalled(iss.input as { name: string; module?: { name?: unknown } })}`
      : 'expected a task (a module call such as copy({...})), block(...) or flushHandlers()',
});
const handler = z.custom<object>((v) => typeof v === 'object' && v !== null && (v as { handler?: unknown }).handler === true, {
  error: 'expected a handler (defineHandler(...))',
});
const plainObject = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null),
  { error: 'expected a mapping of variable names to values' },
);
const percent = z.string().regex(/^(100|[1-9]\d?)%$/, { error: "a percentage is '1%' to '100%'" });
const batch = z.union([z.number().int().min(1), percent], { error: "serial is a number of hosts (≥ 1) or a percentage like '30%'" });

/** defineRole props. */
export const rolePropsSchema = strict({
  name: nonEmpty,
  defaults: plainObject.optional(),
  vars: z
    .record(z.string(), z.custom<object>((s) => typeof s === 'object' && s !== null && '~standard' in s, { error: 'expected a schema (e.g. port, z.string())' }))
    .optional(),
  tasks: fn('a function ({ vars }) => [tasks]'),
  handlers: z.array(handler).optional(),
  when: fn('a function (ctx) => boolean').optional(),
});

/** definePlay props (plain play objects given to definePlaybook too). */
export const playPropsSchema = strict({
  name: nonEmpty.optional(),
  hosts: z.string({ error: "hosts is a pattern string like 'web:&prod' (several patterns: 'a,b')" }).refine((h) => h.trim() !== '', { error: 'hosts must not be empty' }),
  vars: plainObject.optional(),
  become: z.boolean().optional(),
  serial: z.union([batch, z.array(batch).min(1)], { error: "serial is a number of hosts, a percentage like '30%', or a non-empty list of them" }).optional(),
  maxFailPercentage: z.number().min(0).max(100).optional(),
  anyErrorsFatal: z.boolean().optional(),
  gatherFacts: z.boolean().optional(),
  roles: z.array(kindOf('role', 'a role (defineRole(...))')).optional(),
  tasks: z.array(taskItem).optional(),
  handlers: z.array(handler).optional(),
});
