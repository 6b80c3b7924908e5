/**
 * Output of `rig adhoc` / `rig shell`, as Ansible's `minimal` callback (the default of the `ansible` command) prints it:
 * `host | CHANGED | rc=0 >>` + output for commands, `host | SUCCESS => {json}` for other modules, `host | FAILED! =>`,
 * `host | UNREACHABLE! =>`, `host | SKIPPED`; no banners, no recap.
 */
import type { Reporter, TaskInfo, TaskResult } from '../core/result.ts';
import { redact } from '../core/secret.ts';
import { palette, type Palette } from './colors.ts';
import { diffLines } from './diff-text.ts';
import { isNoLog, showLines } from './format.ts';

/** Options of AdhocReporter. */
export interface AdhocReporterOptions {
  readonly out: NodeJS.WritableStream;
  readonly color: boolean;
  /** -D: unified diffs before the host's line. */
  readonly diff: boolean;
  /** Ansible's -v count: 2 shows the commands run, 3 the runner's exec trace. @default 0 */
  readonly verbosity: number;
  /** The module is a command (command, shell, raw): print `| rc=N >>` and its output instead of JSON. */
  readonly commandOutput: boolean;
  /** The JSON of a successful result (module return values); undefined → rig's own fields. */
  readonly shape?: (r: TaskResult) => Record<string, unknown> | undefined;
}

/** `host | STATE` lines, one block per host, in the order results arrive. */
export class AdhocReporter implements Reporter {
  private readonly c: Palette;
  private readonly shown = new Set<string>();

  constructor(private readonly opts: AdhocReporterOptions) {
    this.c = palette(opts.color);
  }

  onTaskEnd(_task: TaskInfo, r: TaskResult): void {
    if (this.shown.has(r.host)) return;
    this.shown.add(r.host);
    this.write(adhocLines(r, this.opts, this.c));
  }

  onHostUnreachable(host: string, error: string): void {
    if (this.shown.has(host)) return;
    this.shown.add(host);
    this.write(adhocLines({ status: 'unreachable', host, task: '', definedAt: '', msg: error, durationMs: 0, execs: 0 }, this.opts, this.c));
  }

  onHostFailed(host: string, error: string): void {
    if (this.shown.has(host)) return;
    this.shown.add(host);
    this.write(adhocLines({ status: 'failed', host, task: '', definedAt: '', msg: error, durationMs: 0, execs: 0 }, { ...this.opts, commandOutput: false }, this.c));
  }

  onLog(host: string, line: string): void {
    if (this.opts.verbosity >= 3) this.write([this.c.dim(`<${host}> ${line}`)]);
  }

  /** Every line leaving this reporter is redacted here. */
  private write(lines: readonly string[]): void {
    if (lines.length) this.opts.out.write(redact(lines.join('\n')) + '\n');
  }
}

type LineOptions = Pick<AdhocReporterOptions, 'diff' | 'verbosity' | 'commandOutput' | 'shape'>;

/** rig's fields of a result, as the JSON after `=>` (Ansible prints the module's return values). */
function resultJson(r: TaskResult, opts: LineOptions): Record<string, unknown> {
  if (r.status === 'unreachable') return { changed: false, msg: r.msg ?? 'host unreachable', unreachable: true };
  if (r.status === 'ok' || r.status === 'changed') {
    const shaped = opts.shape?.(r);
    if (shaped) return shaped;
    if (r.show) return { ...r.show };
  }
  const out: Record<string, unknown> = { changed: r.status === 'changed' };
  if (r.predicted) out.predicted = true;
  if (r.changes?.length) out.changes = r.changes;
  if (r.msg !== undefined && (r.status !== 'ok' || r.show === undefined)) out.msg = r.msg;
  if (r.rc !== undefined) out.rc = r.rc;
  if (r.stdout) out.stdout = r.stdout;
  if (r.stderr) out.stderr = r.stderr;
  return out;
}

/** The lines one host's result prints (not yet redacted). */
export function adhocLines(r: TaskResult, opts: LineOptions, c: Palette = palette(false)): string[] {
  const lines: string[] = [];
  if (opts.diff && !isNoLog(r)) for (const d of r.diff ?? []) lines.push(...diffLines(d, c));
  if (opts.verbosity >= 2) for (const cmd of r.commands ?? []) lines.push(c.dim(`<${r.host}> $ ${cmd}`));
  const paint = r.status === 'failed' ? c.error : r.status === 'changed' ? c.changed : r.status === 'unreachable' ? c.unreachable : r.status === 'skipped' ? c.skip : c.ok;
  if (r.status === 'skipped') return [...lines, paint(`${r.host} | SKIPPED`)];
  // a command that ran (or was skipped by creates/removes): its rc and output, as Ansible's _command_generic_msg
  if (opts.commandOutput && r.status !== 'unreachable' && (r.rc !== undefined || (r.status === 'ok' && !r.predicted))) {
    const state = r.status === 'failed' ? 'FAILED' : r.status === 'changed' ? 'CHANGED' : 'SUCCESS';
    const body = [r.stdout, r.stderr].filter((t): t is string => Boolean(t)).map((t) => t.replace(/\n$/, ''));
    // rig's message of a failed command repeats its stderr; Ansible prints stdout, stderr and msg
    if (r.msg && (r.status !== 'changed' || r.rc === undefined) && !body.some((b) => b.includes(r.msg!.trim()))) body.push(r.msg);
    return [...lines, paint(`${r.host} | ${state} | rc=${r.rc ?? 0} >>`), ...body.join('\n').split('\n').map((l) => (r.status === 'failed' ? paint(l) : l))];
  }
  const state = r.status === 'failed' ? 'FAILED!' : r.status === 'unreachable' ? 'UNREACHABLE!' : r.status === 'changed' ? 'CHANGED' : 'SUCCESS';
  const json = showLines(resultJson(r, opts));
  return [...lines, paint(`${r.host} | ${state} => ${json[0]}`), ...json.slice(1).map(paint)];
}
