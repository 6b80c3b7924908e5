/** The runtime schema of task options (the TaskOptions interface is generic over item and output types, so it stays the
 *  compile-time contract and this schema must name exactly its keys — checked below at compile time). */
import type { TaskOptions } from '../core/index.ts';
import { fn, nonEmpty, strict, z } from '../schema/index.ts';

const bool = z.boolean();
const boolOrFn = z.union([bool, fn()], { error: (iss) => `expected a boolean or a function of the host context returning one, got ${JSON.stringify(iss.input) ?? typeof iss.input}` });

/** Task options: name, when, notify, become, becomeUser, tags, changedWhen, failedWhen, retries, until, delay, runOnce,
 *  delegateTo, ignoreErrors, checkMode, serial, loop, label, noLog (see TaskOptions for each). */
export const taskOptionsSchema = strict({
  name: nonEmpty.optional(),
  when: boolOrFn.optional(),
  notify: z
    .array(z.custom<object>((h) => typeof h === 'object' && h !== null && (h as { handler?: unknown }).handler === true, { error: 'expected a handler object (defineHandler(...)), not a name' }))
    .optional(),
  become: bool.optional(),
  becomeUser: nonEmpty.optional(),
  tags: z.array(nonEmpty).optional(),
  changedWhen: boolOrFn.optional(),
  failedWhen: boolOrFn.optional(),
  retries: z.number().int().min(0).optional(),
  until: fn('a predicate (result, ctx) => boolean').optional(),
  delay: z.number().nonnegative().optional(),
  runOnce: bool.optional(),
  delegateTo: z.union([nonEmpty, fn()], { error: (iss) => `expected an inventory host name or a function returning one, got ${JSON.stringify(iss.input) ?? typeof iss.input}` }).optional(),
  ignoreErrors: bool.optional(),
  checkMode: z.enum(['skip', 'always']).optional(),
  serial: z.number().int().min(1).optional(),
  loop: z.union([z.array(z.unknown()), fn()], { error: (iss) => `expected an array or a function returning one, got ${JSON.stringify(iss.input) ?? typeof iss.input}` }).optional(),
  label: z.union([nonEmpty, fn()], { error: (iss) => `expected a string or a function of the host context returning one (shown as (item=…)), got ${JSON.stringify(iss.input) ?? typeof iss.input}` }).optional(),
  noLog: bool.optional(),
});

// the schema and the interface name the same keys: adding an option to one without the other does not compile
type SchemaKeys = keyof z.infer<typeof taskOptionsSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKeys: Same<SchemaKeys, keyof TaskOptions> = true;
void sameKeys;
