/** Live listr2 tree on a TTY (the only file importing listr2): one Listr per task, bridged from synchronous events. */
import { DefaultRenderer, Listr, ListrDefaultRendererLogLevels as Tree, ListrLogger, ListrLogLevels as Line, ProcessOutput } from 'listr2';
import type { PlayInfo, Reporter, RunSummary, TaskInfo, TaskResult, TaskStatus, WaitInfo } from '../core/result.ts';
import { redact } from '../core/secret.ts';
import { palette, type Palette } from './colors.ts';
import { banner, resultLines, statusLines, taskHeading, waitText } from './format.ts';
import type { TextReporterOptions } from './plain.ts';
import { printRecap } from './recap.ts';

/** listr2 renderers: 'default' is the live tree; the others print events line by line. */
export type ListrRendererName = 'default' | 'simple' | 'verbose' | 'test' | 'silent';

/** Options of ListrReporter. */
export interface ListrReporterOptions extends TextReporterOptions {
  /** @default 'default' when `out` is a TTY, else 'simple' */
  readonly renderer?: ListrRendererName;
  /** Above this many hosts a task shows live counts and the running hosts instead of one row per host. @default 12 */
  readonly maxHostRows?: number;
}

/** The live tree, allowed whenever our stream is a TTY (listr2 itself only looks at process.stdout). */
class StreamTreeRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve(v) {
      if (d.settled) return;
      d.settled = true;
      resolve(v);
    },
  };
  return d;
}

/**
 * listr2's icon colors from our palette: listr2 colors through colorette, which decides on its own at import (NO_COLOR
 * set even to '', FORCE_COLOR=0 counted as forcing); rig's one decision (useColor) must hold for the ticks too.
 */
function iconColors(c: Palette) {
  const f = (paint: (t: string) => string) => (text?: string) => paint(text ?? '');
  return {
    tree: {
      [Tree.SKIPPED_WITH_COLLAPSE]: f(c.changed),
      [Tree.SKIPPED_WITHOUT_COLLAPSE]: f(c.changed),
      [Tree.PENDING]: f(c.changed),
      [Tree.COMPLETED]: f(c.ok),
      [Tree.COMPLETED_WITH_FAILED_SUBTASKS]: f(c.changed),
      [Tree.COMPLETED_WITH_FAILED_SISTER_TASKS]: f(c.error),
      [Tree.RETRY]: f(c.changed),
      [Tree.ROLLING_BACK]: f(c.unreachable),
      [Tree.ROLLED_BACK]: f(c.unreachable),
      [Tree.FAILED]: f(c.error),
      [Tree.FAILED_WITH_FAILED_SUBTASKS]: f(c.error),
      [Tree.WAITING]: f(c.dim),
      [Tree.PAUSED]: f(c.changed),
    },
    line: {
      [Line.STARTED]: f(c.changed),
      [Line.FAILED]: f(c.error),
      [Line.SKIPPED]: f(c.changed),
      [Line.COMPLETED]: f(c.ok),
      [Line.RETRY]: f(c.changed),
      [Line.ROLLBACK]: f(c.unreachable),
      [Line.PAUSED]: f(c.changed),
    },
  };
}

/** State of the task currently shown. */
interface Current {
  readonly task: TaskInfo;
  readonly hosts: readonly string[];
  readonly slots: Map<string, Deferred<TaskResult | undefined>>;
  readonly results: TaskResult[];
  /** -v lines printed below the collapsed task line. */
  readonly notes: string[];
  /** onHostUnreachable messages of hosts that may never send a result for this task. */
  readonly unreachable: Map<string, string>;
  /** Refreshes the compact view (many hosts) after each result. */
  refresh?: () => void;
  /** Each host row's title setter (the live tree, one row per host). */
  readonly rows: Map<string, (title: string) => void>;
  /** Hosts waiting for something slow, shown with elapsed time and limit while it lasts. */
  readonly waits: Map<string, WaitInfo>;
  ticker?: NodeJS.Timeout;
}

type Count = TaskStatus | 'ignored';
const ORDER: readonly Count[] = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'ignored'];

/**
 * A listr2 tree per play: the current task with one row per host (spinner → ok/changed/failed/skipped), finished
 * tasks collapsed to one line with counts. Tasks of more than `maxHostRows` hosts show live counts and the hosts still
 * running instead. Diffs, failures and -v output are printed under the collapsed task line once the task finished.
 */
export class ListrReporter implements Reporter {
  private readonly colors: Palette;
  private readonly renderer: ListrRendererName;
  private readonly maxHostRows: number;
  private readonly logger: ListrLogger;
  private readonly icons: ReturnType<typeof iconColors>;
  /** Listr runs and plain writes are chained, so two trees never render at once. */
  private chain: Promise<void> = Promise.resolve();
  private current: Current | undefined;

  constructor(private readonly opts: ListrReporterOptions) {
    this.colors = palette(opts.color);
    const tty = (opts.out as { isTTY?: boolean }).isTTY === true;
    this.renderer = opts.renderer ?? (tty ? 'default' : 'simple');
    this.maxHostRows = opts.maxHostRows ?? 12;
    // listr2 types its streams as tty.WriteStream; only the 'default' renderer uses TTY methods, and it is only chosen for a TTY
    const stream = opts.out as NodeJS.WriteStream;
    this.icons = iconColors(this.colors);
    this.logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream), useIcons: this.renderer !== 'test', color: this.icons.line });
  }

  onPlayStart(play: PlayInfo): void {
    this.finish();
    this.print(['', banner(`PLAY [${play.name}]`), ...(play.hosts.length ? [] : [this.colors.skip('skipping: no hosts matched')])]);
  }

  onTaskStart(task: TaskInfo, hosts: readonly string[]): void {
    this.finish();
    const cur: Current = { task, hosts, slots: new Map(), results: [], notes: [], unreachable: new Map(), rows: new Map(), waits: new Map() };
    for (const h of hosts) cur.slots.set(h, deferred());
    this.current = cur;
    if (hosts.length === 0) return;
    const listr = this.build(cur);
    this.chain = this.chain
      .then(() => listr.run())
      // a renderer error must not swallow the rest of the run's output
      .catch((err: unknown) => this.write([`listr2 renderer failed: ${String(err)}`]))
      .then(() => this.printDetails(cur));
  }

  onTaskEnd(task: TaskInfo, result: TaskResult): void {
    const cur = this.current;
    if (!cur || cur.task.id !== task.id) {
      // a result without onTaskStart: show it as plain lines
      this.finish();
      this.print(['', banner(taskHeading(task)), ...resultLines(result, task, this.detail())]);
      return;
    }
    cur.results.push(result);
    cur.waits.delete(result.host);
    if (!cur.waits.size) this.stopTicker(cur);
    cur.slots.get(result.host)?.resolve(result);
    cur.refresh?.();
  }

  onHostUnreachable(host: string, error: string): void {
    if (this.current) {
      this.current.unreachable.set(host, error);
      return;
    }
    const r: TaskResult = { status: 'unreachable', host, task: '', definedAt: '', msg: error, durationMs: 0, execs: 0 };
    this.print(statusLines(r, false, this.detail()));
  }

  onHostFailed(host: string, error: string): void {
    const r: TaskResult = { status: 'failed', host, task: '', definedAt: '', msg: error, durationMs: 0, execs: 0 };
    this.print(statusLines(r, false, this.detail()));
  }

  onLog(host: string, line: string): void {
    if (this.opts.verbosity < 3) return;
    const text = this.colors.dim(`<${host}> ${line}`);
    if (this.current) this.current.notes.push(text);
    else this.print([text]);
  }

  /** The live tree shows a waiting host's wait in its row (or under a compact task), refreshed every waitRefreshMs. */
  onWait(host: string, wait: WaitInfo | undefined): void {
    const cur = this.current;
    // line renderers would print every refresh; plain output of waits is the PlainReporter's
    if (!cur || this.renderer !== 'default') return;
    if (wait) cur.waits.set(host, wait);
    else {
      cur.waits.delete(host);
      if (!cur.slots.get(host)?.settled) cur.rows.get(host)?.(redact(host));
    }
    this.showWaits(cur);
    if (cur.waits.size && !cur.ticker) {
      cur.ticker = setInterval(() => this.showWaits(cur), this.opts.waitRefreshMs ?? 1000);
      cur.ticker.unref();
    } else if (!cur.waits.size) this.stopTicker(cur);
  }

  private showWaits(cur: Current): void {
    const now = Date.now();
    for (const [host, wait] of this.shownWaits(cur, now)) cur.rows.get(host)?.(redact(`${host}  ${this.colors.dim(waitText(wait, now))}`));
    cur.refresh?.();
  }

  /** Waits of hosts still running that lasted a second or more (a read that polls may answer at once: no flash). */
  private shownWaits(cur: Current, now: number): [string, WaitInfo][] {
    return [...cur.waits].filter(([host, w]) => !cur.slots.get(host)?.settled && now - w.startedAt >= 1000);
  }

  private stopTicker(cur: Current): void {
    clearInterval(cur.ticker);
    cur.ticker = undefined;
  }

  async onRunEnd(summary: RunSummary): Promise<void> {
    this.finish();
    await this.chain;
    printRecap(summary, this.opts.out, this.opts.color);
  }

  /** Close the current task: hosts that never reported a result are shown as such. */
  private finish(): void {
    const cur = this.current;
    if (!cur) return;
    for (const slot of cur.slots.values()) slot.resolve(undefined);
    this.stopTicker(cur);
    this.current = undefined;
  }

  private build(cur: Current): { run(): Promise<unknown> } {
    const title = redact(taskHeading(cur.task));
    const all = Promise.all([...cur.slots.values()].map((s) => s.promise));
    const compact = cur.hosts.length > this.maxHostRows;
    return new Listr(
      [
        {
          title,
          rendererOptions: { outputBar: 1, persistentOutput: false },
          task: async (_ctx, t) => {
            void all.then(() => (t.title = redact(`${taskHeading(cur.task)}  ${this.counts(cur.results)}`)));
            if (compact) {
              // line renderers would print every refresh: only the live tree gets them
              if (this.renderer === 'default') cur.refresh = () => {
                t.title = redact(`${taskHeading(cur.task)}  (${cur.results.length}/${cur.hosts.length}) ${this.counts(cur.results)}`);
                const now = Date.now();
                const waiting = this.shownWaits(cur, now).map(([h, w]) => `${h}: ${waitText(w, now)}`);
                const running = [this.running(cur), ...waiting].filter(Boolean).join('\n');
                if (running) t.output = redact(running);
              };
              cur.refresh?.();
              await all;
              return;
            }
            return t.newListr(
              cur.hosts.map((host) => ({
                title: redact(host),
                task: async (_c: unknown, h: { title: string; skip(msg?: string): void }) => {
                  cur.rows.set(host, (title) => (h.title = title));
                  const r = await (cur.slots.get(host) as Deferred<TaskResult | undefined>).promise;
                  this.settleRow(cur.task, host, r, h);
                },
              })),
              { concurrent: true, exitOnError: false },
            );
          },
        },
      ],
      {
        renderer: this.renderer === 'default' ? StreamTreeRenderer : this.renderer,
        fallbackRenderer: this.renderer === 'default' ? 'simple' : this.renderer,
        rendererOptions: { logger: this.logger, color: this.icons.tree },
        fallbackRendererOptions: { logger: this.logger },
        registerSignalListeners: false,
        exitOnError: false,
      },
    );
  }

  /** Final look of one host row; failures throw so listr2 marks the row failed (red cross, message kept). */
  private settleRow(task: TaskInfo, host: string, r: TaskResult | undefined, h: { title: string; skip(msg?: string): void }): void {
    if (!r) {
      h.skip(redact(`${host}: no result`));
      return;
    }
    // a debug result's JSON is printed under the collapsed task (printDetails), not in the row
    const { show: _shown, ...row } = r;
    const line = redact(statusLines(row, task.handler, { ...this.detail(), verbosity: 0 })[0] ?? '');
    // the live tree shows the message instead of the title for skips and failures; line renderers show both
    if (r.status === 'skipped') {
      h.skip(line);
      return;
    }
    // an ignored failure is still a failure (red cross), as Ansible prints it red before `...ignoring`
    if (r.status === 'failed' && r.ignored) throw new Error(`${line} ${this.colors.skip('...ignoring')}`);
    if (r.status === 'failed' || r.status === 'unreachable') throw new Error(line);
    h.title = line;
  }

  /** `ok=3 changed=1 failed=1 ignored=1` for the statuses seen, colored like the recap (an ignored failure is `ignored`). */
  private counts(results: readonly TaskResult[]): string {
    const c = this.colors;
    const paint = { ok: c.ok, changed: c.changed, unreachable: c.unreachable, failed: c.error, skipped: c.skip, ignored: c.warn };
    const kind = (r: TaskResult): Count => (r.status === 'failed' && r.ignored ? 'ignored' : r.status);
    return ORDER.map((s) => [s, results.filter((r) => kind(r) === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => paint[s](`${s}=${n}`))
      .join(' ');
  }

  /** `running: web07, web08, … (+38)` for the compact view. */
  private running(cur: Current): string {
    const waiting = cur.hosts.filter((h) => !cur.slots.get(h)?.settled);
    if (waiting.length === 0) return '';
    const shown = waiting.slice(0, 6).join(', ');
    return `running: ${shown}${waiting.length > 6 ? `, … (+${waiting.length - 6})` : ''}`;
  }

  /** After the task's tree collapsed: diffs, failures and -v output, exactly as the plain reporter prints them. */
  private printDetails(cur: Current): void {
    const opts = this.detail();
    const lines: string[] = [];
    for (const r of cur.results) {
      const hasDiff = opts.diff && (r.diff?.length || r.items?.some((i) => i.diff?.length));
      if (opts.verbosity > 0 || hasDiff || r.status === 'failed' || r.status === 'unreachable' || r.items?.length || r.show) {
        lines.push(...resultLines(r, cur.task, opts));
      }
    }
    for (const [host, error] of cur.unreachable) {
      // the runner usually also sends an unreachable result: print the host once
      if (cur.results.some((r) => r.host === host && r.status === 'unreachable')) continue;
      const r: TaskResult = { status: 'unreachable', host, task: '', definedAt: '', msg: error, durationMs: 0, execs: 0 };
      lines.push(...statusLines(r, false, opts));
    }
    lines.push(...cur.notes);
    if (lines.length > 0) this.write(lines);
  }

  private detail() {
    return { verbosity: this.opts.verbosity, diff: this.opts.diff, colors: this.colors };
  }

  /** Queue plain lines behind any running tree. */
  private print(lines: readonly string[]): void {
    this.chain = this.chain.then(() => this.write(lines));
  }

  /** Every line leaving this reporter outside listr2 titles is redacted here. */
  private write(lines: readonly string[]): void {
    this.opts.out.write(redact(lines.join('\n')) + '\n');
  }
}
