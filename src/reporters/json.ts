/** `--json FILE`: every task result of the run in one JSON document, written atomically at the end. Version 2 adds
 *  timings (each result's `startMs`, each play's per-host `setup`) and the connections per host in the recap. */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Diff } from '../core/module.ts';
import type { HostRecap, HostSetup, PlayInfo, Reporter, RunSummary, TaskInfo, TaskResult, TaskStatus } from '../core/result.ts';
import { redactDeep } from '../core/secret.ts';

/** One host's result of one task in the JSON report. */
export interface JsonResult {
  readonly status: TaskStatus;
  readonly msg?: string;
  readonly diff?: readonly Diff[];
  /** When the task started on this host, in ms after the run's start (end − durationMs). Since version 2; absent in
   *  loop items. */
  readonly startMs?: number;
  readonly durationMs: number;
  readonly execs: number;
  readonly changes?: readonly string[];
  readonly predicted?: boolean;
  readonly commands?: readonly string[];
  readonly rc?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly ignored?: boolean;
  /** The host a delegated task ran on (`delegateTo`). */
  readonly delegatedTo?: string;
  /** A loop item's label as the terminal shows it, `(item=<label>)` (item results only). */
  readonly label?: string;
  readonly items?: readonly JsonResult[];
}

/** One task (or handler flush) of a play in the JSON report. */
export interface JsonTask {
  /** The task's path in the playbook, `play/role/name` (runner/task-ids.ts): the same in every run of the same playbook,
   *  unique within it; `--start-at-task` accepts it. */
  readonly id: string;
  readonly name: string;
  readonly module: string;
  readonly definedAt: string;
  readonly handler: boolean;
  readonly role?: string;
  readonly results: Record<string, JsonResult>;
}

/** A host's time in a play before its first task (see HostSetup), and why it left the play there, if it did. */
export interface JsonHostSetup {
  /** ms after the run's start when connecting (or, already connected, gathering facts) began. */
  readonly startMs: number;
  readonly connectMs: number;
  readonly factsMs: number;
  /** The host was unreachable, or its facts could not be gathered: the message. */
  error?: string;
  unreachable?: boolean;
}

/** One play in the JSON report. */
export interface JsonPlay {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly tasks: JsonTask[];
  /** Per host: connect and first exec before its tasks (only hosts where one took place). Since version 2. */
  readonly setup?: Record<string, JsonHostSetup>;
}

/**
 * The whole `--json` document. Version 2 (written now) adds `startMs` to results, `setup` to plays and `connections`
 * to recap rows; version 1 documents have none of them and are still read by `rig report`. Its shape is checked by
 * src/schema/json-report.ts (keep the two in step: src/cli/report-command.ts does not compile when the schema lets through what JsonReport does not allow).
 */
export interface JsonReport {
  readonly version: 1 | 2;
  readonly check: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly plays: readonly JsonPlay[];
  readonly recap: Readonly<Record<string, HostRecap>>;
  readonly exitCode: number;
}

/** Options of JsonReporter. */
export interface JsonReporterOptions {
  /** Path of the JSON file; replaced atomically (temp file in the same directory, fsync, rename). Without it, nothing is
   *  written (a reporter kept for its report(), as the HTML report does). */
  readonly file?: string;
  /** The clock, in ms since the epoch (tests make timings deterministic). @default Date.now */
  readonly now?: () => number;
}

/** Collects results during the run and writes the JSON report at onRunEnd; every string is redacted. */
export class JsonReporter implements Reporter {
  private readonly plays: JsonPlay[] = [];
  private startedAt: number | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: JsonReporterOptions) {
    this.now = opts.now ?? Date.now;
  }

  onRunStart(): void {
    this.startedAt = this.now();
  }

  onPlayStart(play: PlayInfo): void {
    this.plays.push({ name: play.name, hosts: [...play.hosts], tasks: [], setup: {} });
  }

  onHostReady(host: string, setup: HostSetup): void {
    const startMs = Math.max(0, this.elapsed() - setup.connectMs - setup.factsMs);
    this.setupOf(this.play())[host] = { startMs, connectMs: setup.connectMs, factsMs: setup.factsMs };
  }

  onHostUnreachable(host: string, error: string): void {
    const s = (this.setupOf(this.play())[host] ??= { startMs: this.elapsed(), connectMs: 0, factsMs: 0 });
    s.error = error;
    s.unreachable = true;
  }

  onHostFailed(host: string, error: string): void {
    (this.setupOf(this.play())[host] ??= { startMs: this.elapsed(), connectMs: 0, factsMs: 0 }).error = error;
  }

  onTaskStart(task: TaskInfo): void {
    // each start gets its own entry: a handler flushed twice, or a task run per serial batch, stays in order
    this.play().tasks.push(jsonTask(task));
  }

  onTaskEnd(task: TaskInfo, result: TaskResult): void {
    const tasks = this.play().tasks;
    let entry = [...tasks].reverse().find((t) => t.id === task.id);
    if (!entry) tasks.push((entry = jsonTask(task)));
    entry.results[result.host] = jsonResult(result, Math.max(0, this.elapsed() - result.durationMs));
  }

  /** The document as it would be written now (for tests and for callers that want it in memory). */
  report(summary: RunSummary): JsonReport {
    const started = this.startedAt ?? this.now() - summary.durationMs;
    const doc: JsonReport = {
      version: 2,
      check: summary.check,
      startedAt: new Date(started).toISOString(),
      durationMs: summary.durationMs,
      plays: this.plays,
      recap: summary.recap,
      exitCode: summary.exitCode,
    };
    return redactDeep(doc);
  }

  async onRunEnd(summary: RunSummary): Promise<void> {
    if (this.opts.file !== undefined) await writeAtomic(this.opts.file, JSON.stringify(this.report(summary), null, 2) + '\n');
  }

  private play(): JsonPlay {
    // results before any play (should not happen) still land somewhere visible
    if (this.plays.length === 0) this.plays.push({ name: '', hosts: [], tasks: [], setup: {} });
    return this.plays[this.plays.length - 1] as JsonPlay;
  }

  private setupOf(play: JsonPlay): Record<string, JsonHostSetup> {
    return play.setup as Record<string, JsonHostSetup>;
  }

  /** ms since onRunStart (0 before it). */
  private elapsed(): number {
    return this.startedAt === undefined ? 0 : this.now() - this.startedAt;
  }
}

function jsonTask(task: TaskInfo): JsonTask {
  const { id, name, module, definedAt, handler, role } = task;
  return { id, name, module, definedAt, handler, ...(role !== undefined ? { role } : {}), results: {} };
}

function jsonResult(r: TaskResult, startMs?: number): JsonResult {
  // one literal, startMs in it: V8 gives `{ ...literal, startMs }` a map of its own per result
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
    delegatedTo: r.delegatedTo,
    label: r.label,
    items: r.items?.map((i) => jsonResult(i)),
    ...(startMs !== undefined ? { startMs } : {}),
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
