/** `rig report` / `--report`: the JSON report rendered as one self-contained HTML page. Pure: document in, page out. */
import type { HostRecap } from '../../core/result.ts';
import type { JsonReport } from '../json.ts';
import { formatDuration } from '../recap.ts';
import { html, trusted, type Html } from './html.ts';
import { changesSection, entries, entryTag, failuresSection, ignoredSection, taskTitle, type Entry } from './outcomes.ts';
import { STYLE } from './style.ts';
import { hasTimings, timelineSvg } from './timeline.ts';

// nothing may load or run: no script, no remote style, font or image (an injected tag stays inert even if escaping failed)
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** The page for `doc` (a version 1 or 2 `--json` document, already redacted). */
export function renderReport(doc: JsonReport): string {
  const all = entries(doc);
  const title = `rig run report — ${doc.startedAt}`;
  const exitCls = doc.exitCode === 0 ? 'exit-ok' : 'exit-bad';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${trusted(STYLE)}</style></head>
<body>
<header><h1>rig run report${doc.check ? html`<span class="badge check">check mode</span>` : ''}<span class="badge ${exitCls}" id="exit-code">exit ${doc.exitCode}</span></h1>
<p class="meta">started ${doc.startedAt} · took ${formatDuration(doc.durationMs)} · ${doc.plays.length} play${doc.plays.length === 1 ? '' : 's'}: ${doc.plays.map((p) => p.name).join(', ')}</p></header>
${recapSection(doc)}
${timelineSection(doc)}
${failuresSection(doc, all)}
${ignoredSection(all)}
${changesSection(doc, all)}
${slowestSection(all)}
<footer><p class="meta">written by rig from its JSON report (version ${doc.version}); secrets are redacted as in every rig output.</p></footer>
</body></html>
`.text;
}

const COUNTS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const;

function recapSection(doc: JsonReport): Html {
  const hosts = Object.keys(doc.recap).sort();
  const row = (h: string) => {
    const r = doc.recap[h] as HostRecap;
    const hostCls = r.failed || r.unreachable ? 'bad' : r.changed ? 'changed' : 'good';
    return html`<tr data-host="${h}"><td class="host ${hostCls}">${h}</td>${COUNTS.map((k) => html`<td class="${r[k] ? k : 'n0'}" data-count="${k}">${r[k]}</td>`)}<td data-count="execs">${r.execs}</td><td data-count="connections">${r.connections ?? '–'}</td></tr>
`;
  };
  return html`<section id="recap"><h2>Play recap</h2>
<table><thead><tr><th>host</th>${COUNTS.map((k) => html`<th>${k}</th>`)}<th title="SSH execs on the host">execs</th><th title="SSH connections opened (reconnects after reboots count)">connections</th></tr></thead>
<tbody>${hosts.map(row)}</tbody></table></section>`;
}

function timelineSection(doc: JsonReport): Html {
  if (!hasTimings(doc)) return html`<section id="timeline"><h2>Timeline</h2><p class="none">This report has no timings (written by a rig before JSON report version 2).</p></section>`;
  const legend: readonly [string, string][] = [
    ['connect', '#9ca3af'], ['first exec (facts, reads)', '#4b5563'], ['ok', 'var(--ok)'], ['changed', 'var(--changed)'],
    ['failed', 'var(--failed)'], ['skipped', '#a5d8e3'], ['unreachable', 'var(--unreachable)'],
  ];
  return html`<section id="timeline"><h2>Timeline <span class="hosts-count">where each host's time went (hover a bar)</span></h2>
${timelineSvg(doc)}
<ul class="legend">${legend.map(([name, color]) => html`<li><i style="background:${color}"></i>${name}</li>`)}<li><i style="background:var(--failed);opacity:.45"></i>failed (ignored)</li><li><i style="background:#fff;border:2px solid #6366f1"></i>handler</li><li><i style="border-left:2px dashed #6366f1"></i>play start</li></ul></section>`;
}

function slowestSection(all: readonly Entry[]): Html {
  const top = [...all].filter((e) => e.result.durationMs > 0).sort((a, b) => b.result.durationMs - a.result.durationMs).slice(0, 10);
  if (top.length === 0) return html``;
  return html`<section id="slowest"><h2>Slowest tasks</h2><table><thead><tr><th>task</th><th>host</th><th>status</th><th>took</th><th>execs</th></tr></thead><tbody>
${top.map((e) => html`<tr><td>${taskTitle(e.task)} <span class="where">${e.task.definedAt}</span></td><td>${entryTag(e).slice(1, -1)}</td>${statusCell(e)}<td>${formatDuration(e.result.durationMs)}</td><td>${e.result.execs}</td></tr>
`)}</tbody></table></section>`;
}

/** A result's status as the recap counts it: an ignored failure is `ignored`, not `failed`. */
function statusCell(e: Entry): Html {
  const ignored = e.result.status === 'failed' && e.result.ignored === true;
  return ignored ? html`<td class="ignored">failed (ignored)</td>` : html`<td class="${e.result.status}">${e.result.status}</td>`;
}
