/**
 * The shape of a `--json` run report (versions 1 and 2), checked whole before `rig report` renders one: a hand-edited,
 * truncated or foreign file is refused naming the JSON path of each problem (`plays[0].tasks[2].results.h: expected an
 * object, got null`), never rendered half or crashed on. The types it checks are `JsonReport` & co. in
 * src/reporters/json.ts (the reporters cannot import this layer; src/cli/report-command.ts ties the two together).
 */
import type { TaskStatus } from '../core/result.ts';
import { z } from './index.ts';

/** Every task status a report may hold (core/result.ts TaskStatus). */
export const TASK_STATUSES = ['ok', 'changed', 'failed', 'skipped', 'unreachable'] as const satisfies readonly TaskStatus[];
// a status added to TaskStatus and not here fails to compile
const allStatuses: Record<TaskStatus, true> = { ok: true, changed: true, failed: true, skipped: true, unreachable: true };
void allStatuses;

const ms = z.number().finite().nonnegative();
const count = z.number().int().nonnegative();
const diff = z.object({ path: z.string(), before: z.string(), after: z.string() });

/** One host's result of one task (or one loop item). */
interface ResultShape {
  status: TaskStatus;
  msg?: string | undefined;
  diff?: { path: string; before: string; after: string }[] | undefined;
  startMs?: number | undefined;
  durationMs: number;
  execs: number;
  changes?: string[] | undefined;
  predicted?: boolean | undefined;
  commands?: string[] | undefined;
  rc?: number | undefined;
  stdout?: string | undefined;
  stderr?: string | undefined;
  ignored?: boolean | undefined;
  delegatedTo?: string | undefined;
  label?: string | undefined;
  items?: ResultShape[] | undefined;
}

const result: z.ZodType<ResultShape> = z.lazy(() =>
  z.object({
    status: z.enum(TASK_STATUSES),
    msg: z.string().optional(),
    diff: z.array(diff).optional(),
    startMs: ms.optional(),
    durationMs: ms,
    execs: count,
    changes: z.array(z.string()).optional(),
    predicted: z.boolean().optional(),
    commands: z.array(z.string()).optional(),
    rc: z.number().int().optional(),
    stdout: z.string().optional(),
    stderr: z.string().optional(),
    ignored: z.boolean().optional(),
    delegatedTo: z.string().optional(),
    label: z.string().optional(),
    items: z.array(result).optional(),
  }),
);

const task = z.object({
  // the task's path in the playbook (runner/task-ids.ts); reports written before it held a per-process `t<n>`
  id: z.string(),
  name: z.string(),
  module: z.string(),
  definedAt: z.string(),
  handler: z.boolean(),
  role: z.string().optional(),
  results: z.record(z.string(), result),
});

const setup = z.object({ startMs: ms, connectMs: ms, factsMs: ms, error: z.string().optional(), unreachable: z.boolean().optional() });

const play = z.object({
  name: z.string(),
  hosts: z.array(z.string()),
  tasks: z.array(task),
  setup: z.record(z.string(), setup).optional(),
});

const recap = z.object({
  ok: count,
  changed: count,
  failed: count,
  skipped: count,
  unreachable: count,
  ignored: count,
  rescued: count,
  execs: count,
  connections: count.optional(),
});

/** A whole `--json` document (version checked first, by jsonReportProblems). */
export const jsonReportSchema = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  check: z.boolean(),
  startedAt: z.iso.datetime(),
  durationMs: ms,
  plays: z.array(play),
  recap: z.record(z.string(), recap),
  exitCode: count,
});

/** What jsonReportSchema accepts. */
export type JsonReportShape = z.output<typeof jsonReportSchema>;

/** At most this many problems are listed; the rest are counted. */
const SHOWN = 5;

/**
 * What is wrong with `doc` as a `--json` report: one line per problem, `<JSON path>: <what was expected, what is
 * there>`; [] when it can be rendered. A document of another version is refused as such, without looking further.
 */
export function jsonReportProblems(doc: unknown): string[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return [`it is not a JSON object, but ${described(doc)}`];
  const version = (doc as { version?: unknown }).version;
  if (version !== 1 && version !== 2) return [`its version is ${JSON.stringify(version) ?? 'missing'}, this rig reads versions 1 and 2`];
  const parsed = jsonReportSchema.safeParse(doc, { reportInput: true });
  if (parsed.success) return [];
  const lines = parsed.error.issues.map((i) => `${jsonPath(i.path)}: ${issueText(i)}`);
  return lines.length > SHOWN ? [...lines.slice(0, SHOWN), `… and ${lines.length - SHOWN} more`] : lines;
}

/** `plays[0].tasks[2].results.h`, or `recap["web-1.example.com"]` for a key that is not a plain name. */
export function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the document)';
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(String(k)) ? `${i === 0 ? '' : '.'}${String(k)}` : `[${JSON.stringify(String(k))}]`))
    .join('');
}

const KINDS: Readonly<Record<string, string>> = { object: 'an object', record: 'an object', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false', int: 'a whole number' };

/** A JSON value as the message names it: `null`, `a list`, `the string "x"`, `the number 3`. */
function described(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v === 'boolean' ? 'the value' : `the ${typeof v}`} ${String(v)}`;
}

function issueText(i: z.core.$ZodIssue): string {
  const got = `got ${described(i.input)}`;
  switch (i.code) {
    case 'invalid_type':
      return `expected ${KINDS[i.expected] ?? i.expected}, ${got}`;
    case 'invalid_value':
      return `expected ${i.values.length === 1 ? JSON.stringify(i.values[0]) : `one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`}, ${got}`;
    case 'too_small':
      return `expected a number ≥ ${String(i.minimum)}, ${got}`;
    case 'invalid_format':
      return `expected ${i.format === 'datetime' ? 'an ISO date and time (2026-01-31T12:00:00.000Z)' : i.format}, ${got}`;
    case 'invalid_union':
      return `expected ${i.path.at(-1) === 'version' ? '1 or 2' : 'another value'}, ${got}`;
    default:
      return `${i.message}, ${got}`;
  }
}
