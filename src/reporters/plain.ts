/** Line-oriented, Ansible-like output for non-TTY streams (CI logs, pipes). */
import type { PlayInfo, Reporter, RunSummary, TaskInfo, TaskResult, WaitInfo } from '../core/result.ts';
import { redact } from '../core/secret.ts';
import { palette, type Palette } from './colors.ts';
import { banner, resultLines, statusLines, taskHeading, waitText } from './format.ts';
import { printRecap } from './recap.ts';

/** Options of PlainReporter and ListrReporter. */
export interface TextReporterOptions {
  readonly out: NodeJS.WritableStream;
  /** Ansible's -v count: 1 task results with changes and rc/stdout/stderr, 2 also the commands each task ran, 3 also the
   *  runner's trace (onLog: each exec's script and timing). @default 0 */
  readonly verbosity: number;
  /** --diff: unified diffs of `result.diff`. */
  readonly diff: boolean;
  readonly color: boolean;
  /** Plain output: a `waiting: [host] for …` line this often while a host waits (a reboot, a port). @default 30000 ms */
  readonly waitNoticeMs?: number;
  /** The live tree: how often a waiting host's row shows its elapsed time. @default 1000 ms */
  readonly waitRefreshMs?: number;
}

/** Ansible-like plain lines: PLAY/TASK banners, one status line per host, recap at the end. */
export class PlainReporter implements Reporter {
  private readonly colors: Palette;
  private current: TaskInfo | undefined;
  /** Hosts already reported unreachable since the last banner (onHostUnreachable and a result may both arrive). */
  private unreachableShown = new Set<string>();
  /** Hosts waiting, with the timer of their notices. */
  private readonly waits = new Map<string, NodeJS.Timeout>();

  constructor(private readonly opts: TextReporterOptions) {
    this.colors = palette(opts.color);
  }

  onPlayStart(play: PlayInfo): void {
    this.current = undefined;
    this.unreachableShown.clear();
    this.write(['', banner(`PLAY [${play.name}]`), ...(play.hosts.length ? [] : [this.colors.skip('skipping: no hosts matched')])]);
  }

  onTaskStart(task: TaskInfo): void {
    this.heading(task);
  }

  onTaskEnd(task: TaskInfo, result: TaskResult): void {
    // a result without its onTaskStart (or after another task's) still gets a heading
    if (this.current?.id !== task.id) this.heading(task);
    if (result.status === 'unreachable' && this.unreachableShown.has(result.host)) return;
    if (result.status === 'unreachable') this.unreachableShown.add(result.host);
    this.write(resultLines(result, task, { verbosity: this.opts.verbosity, diff: this.opts.diff, colors: this.colors }));
  }

  onHostUnreachable(host: string, error: string): void {
    if (this.unreachableShown.has(host)) return;
    this.unreachableShown.add(host);
    const r: TaskResult = { status: 'unreachable', host, task: '', definedAt: '', msg: error, durationMs: 0, execs: 0 };
    this.write(statusLines(r, false, { verbosity: 0, diff: false, colors: this.colors }));
  }

  onHostFailed(host: string, error: string): void {
    const r: TaskResult = { status: 'failed', host, task: '', definedAt: '', msg: error, durationMs: 0, execs: 0 };
    this.write(statusLines(r, false, { verbosity: 0, diff: false, colors: this.colors }));
  }

  onLog(host: string, line: string): void {
    if (this.opts.verbosity >= 3) this.write([this.colors.dim(`<${host}> ${line}`)]);
  }

  /** A line every waitNoticeMs while the host waits (none for a wait shorter than that). */
  onWait(host: string, wait: WaitInfo | undefined): void {
    clearInterval(this.waits.get(host));
    this.waits.delete(host);
    if (!wait) return;
    const timer = setInterval(() => this.write([this.colors.dim(`waiting: [${host}] ${waitText(wait, Date.now()).slice('waiting '.length)}`)]), this.opts.waitNoticeMs ?? 30_000);
    timer.unref();
    this.waits.set(host, timer);
  }

  onRunEnd(summary: RunSummary): void {
    for (const timer of this.waits.values()) clearInterval(timer);
    this.waits.clear();
    printRecap(summary, this.opts.out, this.opts.color);
  }

  private heading(task: TaskInfo): void {
    this.current = task;
    this.unreachableShown.clear();
    this.write(['', banner(taskHeading(task))]);
  }

  /** Every line leaving this reporter is redacted here. */
  private write(lines: readonly string[]): void {
    if (lines.length > 0) this.opts.out.write(redact(lines.join('\n')) + '\n');
  }
}
