/** `rig report` / `--report`: the JSON report rendered as one self-contained HTML page. Pure: document in, page out. */
import type { Diff } from '../../core/module.ts';
import type { HostRecap } from '../../core/result.ts';
import { palette } from '../colors.ts';
import { diffLines } from '../diff-text.ts';
import type { JsonPlay, JsonReport, JsonResult, JsonTask } from '../json.ts';
import { formatDuration } from '../recap.ts';
import { html, trusted, type Html } from './html.ts';
import { STYLE } from './style.ts';
import { hasTimings, timelineSvg } from './timeline.ts';

// nothing may load or run: no script, no remote style, font or image (an injected tag stays inert even if escaping failed)
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** A task's result on one host, with where it sits in the run. */
interface Entry {
  readonly play: JsonPlay;
  readonly task: JsonTask;
  readonly host: string;
  readonly result: JsonResult;
}

/** Every result in run order; a task's hosts in the play's host order (results arrive in finishing order). */
function entries(doc: JsonReport): Entry[] {
  return doc.plays.flatMap((play) => {
    const rank = (h: string) => (play.hosts.includes(h) ? play.hosts.indexOf(h) : play.hosts.length);
    return play.tasks.flatMap((task) =>
      Object.entries(task.results)
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([host, result]) => ({ play, task, host, result })),
    );
  });
}

const taskTitle = (t: JsonTask): string => `${t.handler ? 'handler: ' : ''}${t.role ? `${t.role} : ` : ''}${t.name}`;

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
${failuresSection(all)}
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
<ul class="legend">${legend.map(([name, color]) => html`<li><i style="background:${color}"></i>${name}</li>`)}<li><i style="background:#fff;border:2px solid #6366f1"></i>handler</li><li><i style="border-left:2px dashed #6366f1"></i>play start</li></ul></section>`;
}

function failuresSection(all: readonly Entry[]): Html {
  const failed = all.filter((e) => e.result.status === 'failed' || e.result.status === 'unreachable');
  const setup = [...new Set(all.map((e) => e.play))];
  return html`<section id="failures"><h2>Failures <span class="hosts-count">(${failed.length})</span></h2>
${failed.length === 0 ? html`<p class="none">No task failed.</p>` : failed.map(failure)}${setup.map(setupErrors)}</section>`;
}

function setupErrors(play: JsonPlay): Html {
  return html`${Object.entries(play.setup ?? {})
    .filter(([, s]) => s.error !== undefined)
    .map(([host, s]) => html`<div class="item failed"><h3>${s.unreachable ? 'unreachable' : 'failed'}: [${host}] before the first task</h3><div class="where">play ${play.name}</div><pre>${s.error ?? ''}</pre></div>`)}`;
}

function failure(e: Entry): Html {
  const r = e.result;
  const items = (r.items ?? []).filter((i) => i.status === 'failed');
  return html`<div class="item failed" data-host="${e.host}"><h3>${r.ignored ? 'failed (ignored)' : r.status}: [${e.host}] ${taskTitle(e.task)}</h3>
<div class="where">${e.task.definedAt} · ${e.task.module} · play ${e.play.name}${r.rc !== undefined ? ` · rc=${r.rc}` : ''}</div>
${r.msg ? html`<pre class="msg">${r.msg}</pre>` : ''}${r.stderr ? html`<div class="where">stderr</div><pre class="stderr">${r.stderr}</pre>` : ''}${items.map((i) => html`${i.msg ? html`<pre class="msg">${i.msg}</pre>` : ''}${i.stderr ? html`<pre class="stderr">${i.stderr}</pre>` : ''}`)}</div>
`;
}

function changesSection(doc: JsonReport, all: readonly Entry[]): Html {
  const changed = all.filter((e) => e.result.status === 'changed');
  const heading = doc.check ? 'Predicted changes' : 'Changes';
  const note = doc.check ? html`<p class="meta">A check run: nothing was changed; these are the changes a real run would make.</p>` : '';
  return html`<section id="changes"><h2>${heading} <span class="hosts-count">(${changed.length})</span></h2>${note}
${changed.length === 0 ? html`<p class="none">Nothing ${doc.check ? 'would change' : 'changed'}.</p>` : sameChanges(changed).map(change)}</section>`;
}

/** What a change shows: its descriptions, message and diffs (a loop's from its items). */
function shownChange(r: JsonResult): { changes: readonly string[]; msg?: string; diffs: readonly Diff[]; predicted: boolean } {
  const diffs = r.diff?.length ? r.diff : (r.items ?? []).flatMap((i) => i.diff ?? []);
  const changes = r.changes?.length ? r.changes : (r.items ?? []).flatMap((i) => i.changes ?? []);
  return { changes, ...(r.msg ? { msg: r.msg } : {}), diffs, predicted: r.predicted === true };
}

/** Results of one task that show the same change, together: a 50-host run with one config diff shows it once. */
function sameChanges(changed: readonly Entry[]): Entry[][] {
  const groups = new Map<string, Entry[]>();
  for (const e of changed) {
    const key = JSON.stringify([e.play.name, e.task.id, e.task.definedAt, shownChange(e.result)]);
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()];
}

function change(group: readonly Entry[]): Html {
  const e = group[0] as Entry;
  const { changes, msg, diffs, predicted } = shownChange(e.result);
  const hosts = group.map((x) => x.host);
  const took = group.map((x) => x.result.durationMs);
  const duration = took.length === 1 ? formatDuration(took[0] as number) : `${formatDuration(Math.min(...took))}–${formatDuration(Math.max(...took))}`;
  return html`<div class="item changed" data-hosts="${hosts.join(' ')}"><h3>${predicted ? 'would change' : 'changed'}: [${hosts.join(', ')}] ${taskTitle(e.task)}</h3>
<div class="where">${e.task.definedAt} · ${e.task.module} · play ${e.play.name} · ${duration}</div>
${changes.length ? html`<ul>${changes.map((c) => html`<li>${c}</li>`)}</ul>` : ''}${msg ? html`<div class="where">${msg}</div>` : ''}${diffs.map(diffBlock)}</div>
`;
}

const plain = palette(false);

function diffBlock(d: Diff): Html {
  const lines = diffLines(d, plain);
  if (lines.length === 0) return html``;
  const cls = (l: string) => (l.startsWith('--- ') || l.startsWith('+++ ') ? 'head' : l.startsWith('@@') ? 'hunk' : l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : '');
  return html`<pre class="diff">${lines.map((l) => { const c = cls(l); return c ? html`<span class="${c}">${l}</span>\n` : html`${l}\n`; })}</pre>`;
}

function slowestSection(all: readonly Entry[]): Html {
  const top = [...all].filter((e) => e.result.durationMs > 0).sort((a, b) => b.result.durationMs - a.result.durationMs).slice(0, 10);
  if (top.length === 0) return html``;
  return html`<section id="slowest"><h2>Slowest tasks</h2><table><thead><tr><th>task</th><th>host</th><th>status</th><th>took</th><th>execs</th></tr></thead><tbody>
${top.map((e) => html`<tr><td>${taskTitle(e.task)} <span class="where">${e.task.definedAt}</span></td><td>${e.host}</td><td class="${e.result.status}">${e.result.status}</td><td>${formatDuration(e.result.durationMs)}</td><td>${e.result.execs}</td></tr>
`)}</tbody></table></section>`;
}
