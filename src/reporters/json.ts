/** `--json FILE`: every task result of the run in one JSON document, written atomically at the end. */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Diff } from '../core/module.ts';
import type { HostRecap, PlayInfo, Reporter, RunSummary, TaskInfo, TaskResult, TaskStatus } from '../core/result.ts';
import { redactDeep } from '../core/secret.ts';

/** One host's result of one task in the JSON report. */
export interface JsonResult {
  readonly status: TaskStatus;
  readonly msg?: string;
  readonly diff?: readonly Diff[];
  readonly durationMs: number;
  readonly execs: number;
  readonly changes?: readonly string[];
  readonly predicted?: boolean;
  readonly commands?: readonly string[];
  readonly rc?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly ignored?: boolean;
  readonly items?: readonly JsonResult[];
}

/** One task (or handler flush) of a play in the JSON report. */
export interface JsonTask {
  readonly id: string;
  readonly name: string;
  readonly module: string;
  readonly definedAt: string;
  readonly handler: boolean;
  readonly role?: string;
  readonly results: Record<string, JsonResult>;
}

/** One play in the JSON report. */
export interface JsonPlay {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly tasks: JsonTask[];
}

/** The whole `--json` document (version 1). */
export interface JsonReport {
  readonly version: 1;
  readonly check: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly plays: readonly JsonPlay[];
  readonly recap: Readonly<Record<string, HostRecap>>;
  readonly exitCode: number;
}

/** Options of JsonReporter. */
export interface JsonReporterOptions {
  /** Path of the JSON file; replaced atomically (temp file in the same directory, fsync, rename). */
  readonly file: string;
}

/** Collects results during the run and writes the JSON report at onRunEnd; every string is redacted. */
export class JsonReporter implements Reporter {
  private readonly plays: JsonPlay[] = [];
  private startedAt: Date | undefined;

  constructor(private readonly opts: JsonReporterOptions) {}

  onRunStart(): void {
    this.startedAt = new Date();
  }

  onPlayStart(play: PlayInfo): void {
    this.plays.push({ name: play.name, hosts: [...play.hosts], tasks: [] });
  }

  onTaskStart(task: TaskInfo): void {
    // each start gets its own entry: a handler flushed twice, or a task run per serial batch, stays in order
    this.play().tasks.push(jsonTask(task));
  }

  onTaskEnd(task: TaskInfo, result: TaskResult): void {
    const tasks = this.play().tasks;
    let entry = [...tasks].reverse().find((t) => t.id === task.id);
    if (!entry) tasks.push((entry = jsonTask(task)));
    entry.results[result.host] = jsonResult(result);
  }

  /** The document as it would be written now (for tests and for callers that want it in memory). */
  report(summary: RunSummary): JsonReport {
    const started = this.startedAt ?? new Date(Date.now() - summary.durationMs);
    const doc: JsonReport = {
      version: 1,
      check: summary.check,
      startedAt: started.toISOString(),
      durationMs: summary.durationMs,
      plays: this.plays,
      recap: summary.recap,
      exitCode: summary.exitCode,
    };
    return redactDeep(doc);
  }

  async onRunEnd(summary: RunSummary): Promise<void> {
    await writeAtomic(this.opts.file, JSON.stringify(this.report(summary), null, 2) + '\n');
  }

  private play(): JsonPlay {
    // results before any play (should not happen) still land somewhere visible
    if (this.plays.length === 0) this.plays.push({ name: '', hosts: [], tasks: [] });
    return this.plays[this.plays.length - 1] as JsonPlay;
  }
}

function jsonTask(task: TaskInfo): JsonTask {
  const { id, name, module, definedAt, handler, role } = task;
  return { id, name, module, definedAt, handler, ...(role !== undefined ? { role } : {}), results: {} };
}

function jsonResult(r: TaskResult): JsonResult {
  return {
    status: r.status,
    msg: r.msg,
    diff: r.diff,
    durationMs: r.durationMs,
    execs: r.execs,
    changes: r.changes,
    predicted: r.predicted,
    commands: r.commands,
    rc: r.rc,
    stdout: r.stdout,
    stderr: r.stderr,
    ignored: r.ignored,
    items: r.items?.map(jsonResult),
  };
}

/** Write a file atomically: temp file in the target directory, fsync, rename; the temp file is removed on failure. */
export async function writeAtomic(file: string, content: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(content, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
