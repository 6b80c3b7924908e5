/** The PLAY RECAP table, column for column like ansible-playbook's default callback, plus rig's exec counts. */
import type { HostRecap, RunSummary } from '../core/result.ts';
import { redact } from '../core/secret.ts';
import { palette, type Paint } from './colors.ts';
import { banner } from './format.ts';

/** Human duration: `850ms`, `12.3s`, `2m 05.0s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${(s - m * 60).toFixed(1).padStart(4, '0')}s`;
}

/** Lines of the recap (no trailing newline); exported for tests and for reporters that buffer output. */
export function recapLines(summary: RunSummary, color: boolean): string[] {
  const c = palette(color);
  const hosts = Object.keys(summary.recap).sort();
  // ansible pads host names to 26 columns; longer names widen the column so the counts stay aligned
  const width = Math.max(26, ...hosts.map((h) => h.length));
  const lines = ['', banner('PLAY RECAP')];
  for (const host of hosts) {
    const t = summary.recap[host] as HostRecap;
    const hostColor = t.failed || t.unreachable ? c.error : t.changed ? c.changed : c.ok;
    const cells = [
      cell('ok', t.ok, c.ok),
      cell('changed', t.changed, c.changed),
      cell('unreachable', t.unreachable, c.unreachable),
      cell('failed', t.failed, c.error),
      cell('skipped', t.skipped, c.skip),
      cell('rescued', t.rescued, c.ok),
      cell('ignored', t.ignored, c.warn, true),
    ];
    lines.push(`${hostColor(host)}${' '.repeat(width - host.length)} : ${cells.join(' ')}`);
  }
  const execs = hosts.map((h) => `${h}=${(summary.recap[h] as HostRecap).execs}`);
  const total = hosts.reduce((n, h) => n + (summary.recap[h] as HostRecap).execs, 0);
  const mode = summary.check ? ' (check mode: nothing was changed)' : '';
  lines.push('', c.dim(`execs: ${[...execs, `total=${total}`].join(' ')}  duration: ${formatDuration(summary.durationMs)}${mode}`));
  return lines;
}

/** `lead=N` padded like ansible's `%s=%-4s` (the last cell without trailing blanks), colored only when non-zero. */
function cell(lead: string, n: number, paint: Paint, last = false): string {
  const s = `${lead}=${last ? String(n) : String(n).padEnd(4)}`;
  return n !== 0 ? paint(s) : s;
}

/** Print the PLAY RECAP table and rig's extras line (execs per host, total duration). */
export function printRecap(summary: RunSummary, out: NodeJS.WritableStream, color: boolean): void {
  out.write(redact(recapLines(summary, color).join('\n')) + '\n');
}
