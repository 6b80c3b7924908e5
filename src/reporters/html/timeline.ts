/** The run report's per-host timeline: plain SVG bars (connect, first exec, each task and handler), no script. */
import type { TaskStatus } from '../../core/result.ts';
import type { JsonReport } from '../json.ts';
import { formatDuration } from '../recap.ts';
import { html, type Html } from './html.ts';

/** What a bar stands for: the connection, the first exec (facts and prefetched reads), or a task by its status. */
export type BarKind = 'connect' | 'facts' | TaskStatus;

/** One bar on a host's row; times in ms after the run's start. */
export interface Bar {
  readonly startMs: number;
  readonly durationMs: number;
  readonly kind: BarKind;
  readonly label: string;
  readonly handler: boolean;
  readonly ignored: boolean;
  readonly play: number;
  /** The host a delegated task ran on (`[web1 -> db1]`). */
  readonly delegatedTo?: string;
}

/** One host's row of the timeline. */
export interface TimelineRow {
  readonly host: string;
  readonly bars: readonly Bar[];
}

/** Hosts in the order plays list them (then any other recap host), each with its bars in time order. */
export function timelineRows(doc: JsonReport): TimelineRow[] {
  const hosts = [...new Set([...doc.plays.flatMap((p) => p.hosts), ...Object.keys(doc.recap)])];
  const bars = new Map<string, Bar[]>(hosts.map((h) => [h, []]));
  const add = (host: string, bar: Bar) => (bars.get(host) ?? bars.set(host, []).get(host))?.push(bar);
  doc.plays.forEach((play, p) => {
    for (const [host, s] of Object.entries(play.setup ?? {})) {
      if (s.connectMs > 0) add(host, { startMs: s.startMs, durationMs: s.connectMs, kind: 'connect', label: 'connect', handler: false, ignored: false, play: p });
      if (s.factsMs > 0) add(host, { startMs: s.startMs + s.connectMs, durationMs: s.factsMs, kind: 'facts', label: 'first exec (facts, reads)', handler: false, ignored: false, play: p });
    }
    for (const task of play.tasks) {
      for (const [host, r] of Object.entries(task.results)) {
        if (r.startMs === undefined) continue;
        const label = task.role ? `${task.role} : ${task.name}` : task.name;
        const delegated = r.delegatedTo !== undefined && r.delegatedTo !== host ? { delegatedTo: r.delegatedTo } : {};
        add(host, { startMs: r.startMs, durationMs: r.durationMs, kind: r.status, label, handler: task.handler, ignored: r.ignored === true, play: p, ...delegated });
      }
    }
  });
  return hosts.map((host) => ({ host, bars: (bars.get(host) ?? []).sort((a, b) => a.startMs - b.startMs) }));
}

/** Whether the document has timings at all (version 1 reports have none). */
export function hasTimings(doc: JsonReport): boolean {
  return timelineRows(doc).some((r) => r.bars.length > 0);
}

const WIDTH = 1000;
const LABEL = 140;
const ROW = 26;
const AXIS = 22;

/** A tick step (ms) giving at most ~8 ticks over `total`. */
function tickStep(total: number): number {
  const steps = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
  return steps.find((s) => total / s <= 8) ?? 3_600_000;
}

/** The timeline as an inline SVG (hover a bar for its task, host, status and duration). */
export function timelineSvg(doc: JsonReport): Html {
  const rows = timelineRows(doc);
  const total = Math.max(doc.durationMs, ...rows.flatMap((r) => r.bars.map((b) => b.startMs + b.durationMs)), 1);
  const plot = WIDTH - LABEL - 10;
  const x = (ms: number) => LABEL + (ms / total) * plot;
  const height = AXIS + rows.length * ROW + 6;
  const step = tickStep(total);
  const ticks = Array.from({ length: Math.floor(total / step) + 1 }, (_, i) => i * step);
  const playStarts = doc.plays
    .map((_, p) => Math.min(...rows.flatMap((r) => r.bars.filter((b) => b.play === p).map((b) => b.startMs))))
    .map((ms, p) => ({ ms, p }))
    .filter(({ ms, p }) => Number.isFinite(ms) && p > 0);
  return html`<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="per-host timeline of the run">
${ticks.map((t) => html`<line class="tick" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${AXIS - 4}" y2="${height}"/><text class="axis" x="${x(t).toFixed(1)}" y="${AXIS - 8}">${formatDuration(t)}</text>
`)}${playStarts.map(({ ms, p }) => html`<line class="play-start" x1="${x(ms).toFixed(1)}" x2="${x(ms).toFixed(1)}" y1="${AXIS - 4}" y2="${height}"><title>play ${doc.plays[p]?.name ?? ''}</title></line>
`)}${rows.map((row, i) => {
    const y = AXIS + i * ROW;
    return html`<g class="row"><text class="host" x="${LABEL - 8}" y="${y + ROW / 2 + 4}">${row.host}</text>
${row.bars.map((b) => bar(b, x(b.startMs), Math.max(1.5, (b.durationMs / total) * plot), y, row.host))}</g>
`;
  })}</svg>`;
}

function bar(b: Bar, x: number, w: number, y: number, host: string): Html {
  const cls = `bar ${b.kind}${b.handler ? ' handler' : ''}${b.ignored ? ' ignored' : ''}`;
  const what = b.kind === 'connect' || b.kind === 'facts' ? '' : ` — ${b.ignored ? 'failed (ignored)' : b.kind}${b.handler ? ', handler' : ''}`;
  // a label only where it fits (about 6 units a character)
  const fits = Math.floor((w - 6) / 6);
  const text = fits >= 4 ? (b.label.length > fits ? `${b.label.slice(0, fits - 1)}…` : b.label) : '';
  return html`<rect class="${cls}" x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 6}" rx="2"><title>${host}${b.delegatedTo !== undefined ? ` -> ${b.delegatedTo}` : ''}: ${b.label}${what} — ${formatDuration(b.durationMs)} (at ${formatDuration(b.startMs)})</title></rect>${text ? html`<text class="bar-label" x="${(x + 3).toFixed(1)}" y="${y + ROW / 2 + 4}">${text}</text>` : ''}
`;
}
