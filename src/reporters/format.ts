/** Ansible-like text for banners and task results, shared by the plain and listr reporters. */
import type { TaskInfo, TaskResult, WaitInfo } from '../core/result.ts';
import type { Palette } from './colors.ts';
import { diffLines } from './diff-text.ts';

/** What the runner puts in `msg` of a task with `noLog`; reporters then show no output, commands or diff. */
export const NO_LOG_MSG = '(output hidden: noLog)';

/** Whether a result belongs to a noLog task (the runner replaced its msg). */
export function isNoLog(r: TaskResult): boolean {
  return r.msg === NO_LOG_MSG;
}

/** Ansible's banner: the message padded with stars to 80 columns (at least 3 stars). */
export function banner(msg: string): string {
  return `${msg} ${'*'.repeat(Math.max(79 - msg.length, 3))}`;
}

/** `role : name` like Ansible's task header. */
export function taskLabel(task: TaskInfo): string {
  return task.role ? `${task.role} : ${task.name}` : task.name;
}

/** `TASK [role : name]` or `RUNNING HANDLER [role : name]`. */
export function taskHeading(task: TaskInfo): string {
  return `${task.handler ? 'RUNNING HANDLER' : 'TASK'} [${taskLabel(task)}]`;
}

/** What to show per result. */
export interface DetailOptions {
  /** Ansible's -v count (see TextReporterOptions.verbosity). */
  readonly verbosity: number;
  readonly diff: boolean;
  readonly colors: Palette;
}

/** Marker after a predicted change: handlers "would run", other tasks are "predicted". */
function predictedMark(r: TaskResult, handler: boolean): string {
  if (!r.predicted) return '';
  return handler ? ' (would run)' : ' (predicted)';
}

/** `[web1]`, or `[web1 -> db1]` for a delegated task, as Ansible's default callback (the terminal and the run report). */
export function hostTag(r: { readonly host: string; readonly delegatedTo?: string | undefined }): string {
  return r.delegatedTo !== undefined && r.delegatedTo !== r.host ? `[${r.host} -> ${r.delegatedTo}]` : `[${r.host}]`;
}

/**
 * The status line(s) of one result, Ansible style: `ok: [h]`, `changed: [h -> d] => (item=overlay)`,
 * `fatal: [h]: FAILED! => msg`, `failed: [h] (item=x) => msg`, then `...ignoring` for an ignored failure. `item` is
 * the loop item's label (item results only).
 */
export function statusLines(r: TaskResult, handler: boolean, opts: DetailOptions, item?: string): string[] {
  const c = opts.colors;
  const at = hostTag(r);
  const each = item !== undefined ? ` => (item=${item})` : '';
  const tail = opts.verbosity > 0 && r.msg ? ` => ${r.msg}` : '';
  // debug's output is shown at any verbosity, as Ansible's pretty JSON (`ok: [h] => {` … `}`)
  const shown = r.show ? showLines(r.show) : undefined;
  switch (r.status) {
    case 'ok':
      if (shown) return [c.ok(`ok: ${at}${each} => ${shown[0]}`), ...shown.slice(1).map(c.ok)];
      return [c.ok(`ok: ${at}${each}${tail}`)];
    case 'changed':
      return [c.changed(`changed: ${at}${each}${predictedMark(r, handler)}${tail}`)];
    case 'skipped':
      return [c.skip(`skipping: ${at}${each}${tail}`)];
    case 'unreachable':
      return [c.unreachable(`fatal: ${at}: UNREACHABLE! => ${r.msg ?? 'host unreachable'}`)];
    case 'failed': {
      const head = item !== undefined ? `failed: ${at} (item=${item}) => ` : `fatal: ${at}: FAILED! => `;
      const lines = [c.error(`${head}${r.msg ?? 'task failed'}`)];
      if (r.ignored) lines.push(c.skip('...ignoring'));
      return lines;
    }
  }
}

/** A result's `show` object as Ansible's callbacks print it: JSON indented by 4, one array entry per line. */
export function showLines(show: Readonly<Record<string, unknown>>): string[] {
  return (JSON.stringify(show, jsonSafe, 4) ?? '{}').split('\n');
}

/** JSON.stringify replacer for values JSON has no form for (bigint, functions, undefined in arrays stay null). */
function jsonSafe(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'function') return '<function>';
  return v;
}

/** Indent each line of a block of command output. */
function block(title: string, text: string, indent: string): string[] {
  const body = text.replace(/\n$/, '').split('\n');
  return [`${indent}${title}:`, ...body.map((l) => `${indent}  ${l}`)];
}

/** Details: -v changes, rc, stdout, stderr; -vv also the commands run; failures always show rc/stdout/stderr. */
export function detailLines(r: TaskResult, opts: DetailOptions): string[] {
  if (isNoLog(r)) return [];
  const out: string[] = [];
  const ind = '    ';
  if (opts.verbosity > 0) for (const ch of r.changes ?? []) out.push(opts.colors.dim(`${ind}~ ${ch}`));
  if (opts.verbosity > 1) for (const cmd of r.commands ?? []) out.push(opts.colors.dim(`${ind}$ ${cmd}`));
  if (opts.verbosity > 0 || r.status === 'failed') {
    if (r.rc !== undefined) out.push(`${ind}rc: ${r.rc}`);
    if (r.stdout) out.push(...block('stdout', r.stdout, ind));
    if (r.stderr) out.push(...block('stderr', r.stderr, ind));
  }
  return out;
}

/**
 * Every line one result prints: per-item lines of loops, the diff (before the status line, as Ansible does), the
 * status line, then details. Strings are not yet redacted: callers redact at write time.
 */
export function resultLines(r: TaskResult, task: TaskInfo, opts: DetailOptions): string[] {
  const lines: string[] = [];
  const hidden = isNoLog(r);
  const items = r.items ?? [];
  if (!hidden) {
    items.forEach((item, i) => {
      if (opts.diff) for (const d of item.diff ?? []) lines.push(...diffLines(d, opts.colors));
      // an ignored item failure says `...ignoring` once, after the loop, as Ansible does
      const own = statusLines({ ...item, host: r.host, ignored: false }, task.handler, opts, item.label ?? `item ${i + 1}`);
      lines.push(...own, ...detailLines(item, opts));
    });
    // a loop shows its items only (its diff is theirs; Ansible prints no line for the task as a whole)
    if (items.length > 0) {
      if (r.status === 'failed' && r.ignored) lines.push(opts.colors.skip('...ignoring'));
      return lines;
    }
    if (opts.diff) for (const d of r.diff ?? []) lines.push(...diffLines(d, opts.colors));
  }
  // noLog: say why there is nothing to see when the user asked to see output or diffs
  lines.push(...statusLines(r, task.handler, { ...opts, verbosity: hidden && opts.diff ? Math.max(opts.verbosity, 1) : opts.verbosity }));
  lines.push(...detailLines(r, opts));
  return lines;
}

/** Whole seconds as `45s`, `2m 05s`. */
export function seconds(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** `waiting for port 10.0.0.2:8301 open: 30s of 2m 00s` at time `now` (epoch ms). */
export function waitText(wait: WaitInfo, now: number): string {
  return `waiting for ${wait.what}: ${seconds(now - wait.startedAt)} of ${seconds(wait.limitSec * 1000)}`;
}
