/** The shape of a module or fact test case (test/cases/modules/<module>/<case>.json, test/cases/facts/<fact>/<case>.json). */
import { schemaProblems, strict, z } from '../../src/index.ts';

/** Text given inline: a string as is, or a list of lines (each ended by "\n", as pyinfra's `output` lists). */
const text = z.union([z.string(), z.array(z.string())]);

/**
 * What a command printed: inline (`stdout`, `stderr`) or from a capture kept under test/fixtures/facts/ (paths relative
 * to that directory, with their provenance in the domain's README.md): `stdoutFile` / `stderrFile` hold the text, a
 * `captureFile` the JSON a capture script wrote (`{ arg, command, stdout, stderr, code }`; its command must be the one
 * the case runs). Defaults: '' and code 0.
 */
export const outputSchema = strict({
  stdout: text.optional(),
  stdoutFile: z.string().min(1).optional(),
  stderr: text.optional(),
  stderrFile: z.string().min(1).optional(),
  code: z.number().int().optional(),
  captureFile: z.string().endsWith('.json').optional(),
})
  .refine((o) => !(o.stdout !== undefined && o.stdoutFile !== undefined) && !(o.stderr !== undefined && o.stderrFile !== undefined), {
    error: 'give stdout or stdoutFile (and stderr or stderrFile), not both',
  })
  .refine((o) => o.captureFile === undefined || Object.keys(o).length === 1, { error: 'a captureFile holds stdout, stderr and code: give nothing else' });

/** A JSON capture under test/fixtures/facts/ (written by a capture script run on a real host). */
export const captureSchema = z.object({ arg: z.unknown(), command: z.string(), stdout: z.string(), stderr: z.string(), code: z.number().int() });

/** A string the value must equal, or `{ match: regex }` it must match. */
const textMatch = z.union([z.string(), strict({ match: z.string().min(1) })]);

const diffEntry = strict({ path: z.string(), before: z.string(), after: z.string() });

/** What the plan must hold: each given key is compared exactly; a plan that fails must say so (`failed`). */
const planExpect = strict({
  /** Every change, as the module returns them (byte content as `{ "utf8": text }`, or `{ "base64": … }`). */
  changes: z.array(z.record(z.string(), z.unknown())).optional(),
  /** Or only what each change runs: an exec's command, `write <path>`, `reboot`. */
  commands: z.array(z.string()).optional(),
  /** Every before/after pair ('[]': none). */
  diff: z.array(diffEntry).optional(),
  msg: textMatch.optional(),
  failed: textMatch.optional(),
  output: z.unknown().optional(),
  setVars: z.record(z.string(), z.unknown()).optional(),
  skipped: textMatch.optional(),
  /** Core facts are gathered again after apply (reboot). */
  refreshFacts: z.boolean().optional(),
  /** The commands of the reads the module declared, in order (planTask's `reads`). */
  reads: z.array(z.string()).optional(),
}).refine((e) => (e.changes === undefined) !== (e.commands === undefined), { error: 'give exactly one of changes or commands' });

/** One module case: a task's args planned against host facts and the output of each read, and what the plan must be. */
export const moduleCaseSchema = strict({
  /** What the case shows (the test's title). */
  description: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
  /** Host facts over debianFacts() (top-level fields replaced). */
  facts: z.record(z.string(), z.unknown()).optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  /** Plan as under --diff (modules then read file content for before/after). @default true */
  diffMode: z.boolean().optional(),
  /** What each read prints: by fact (`<src/facts file>.<export>`), then by argument (a string as is, any other value as
   *  JSON, '' for a fact without argument). Every read the module declares needs one, and every one given must be read. */
  reads: z.record(z.string(), z.record(z.string(), outputSchema)).optional(),
  expect: planExpect.optional(),
  /** Or: the args are refused before anything is read; the ValidationError's message contains this. */
  refused: z.string().min(1).optional(),
}).refine((c) => (c.expect === undefined) !== (c.refused === undefined), { error: 'give exactly one of expect or refused' });

/** One fact case: the command the fact runs for `arg`, what that command printed, and what parse makes of it. */
export const factCaseSchema = strict({
  description: z.string().min(1),
  /** The fact's argument (left out for a fact without one). */
  arg: z.unknown().optional(),
  /** The exact shell command the fact runs for `arg`. */
  command: z.string().min(1),
  output: outputSchema,
  /** The parsed value (bytes as `{ "utf8": text }`, or `{ "base64": … }` when they are not UTF-8; undefined as null). */
  fact: z.unknown().optional(),
  /** Or: parse refuses the output with an error matching this regex. */
  throws: z.string().min(1).optional(),
}).refine((c) => (c.fact === undefined) !== (c.throws === undefined), { error: 'give exactly one of fact or throws' });

/** A command's output as given in a case. */
export type CaseOutput = z.output<typeof outputSchema>;
/** A module case file's content. */
export type ModuleCase = z.output<typeof moduleCaseSchema>;
/** A fact case file's content. */
export type FactCase = z.output<typeof factCaseSchema>;

/** Parse `value` (the JSON of `file`) with `schema`; throws one error listing every problem as `file: path: message`. */
export function parseCase<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const problems = schemaProblems(schema, value);
  if (problems.length) throw new Error(`${file}: malformed case:\n${problems.map((p) => `  ${file}: ${p}`).join('\n')}`);
  return schema.parse(value);
}
