/**
 * The run report's lists of outcomes: failures, ignored failures and changes. Each section's count is the number of
 * entries it lists; a host appears as the terminal shows it (`[web1 -> db1]` when delegated), a loop's items with their
 * labels (`(item=overlay)`). Ignored failures are listed apart, as the recap counts them apart (Ansible's `ignored`).
 */
import type { Diff } from '../../core/module.ts';
import { palette } from '../colors.ts';
import { diffLines } from '../diff-text.ts';
import { hostTag } from '../format.ts';
import type { JsonPlay, JsonReport, JsonResult, JsonTask } from '../json.ts';
import { formatDuration } from '../recap.ts';
import { html, type Html } from './html.ts';

/** A task's result on one host, with where it sits in the run. */
export interface Entry {
  readonly play: JsonPlay;
  readonly task: JsonTask;
  readonly host: string;
  readonly result: JsonResult;
}

/** Every result in run order; a task's hosts in the play's host order (results arrive in finishing order). */
export function entries(doc: JsonReport): Entry[] {
  return doc.plays.flatMap((play) => {
    const rank = (h: string) => (play.hosts.includes(h) ? play.hosts.indexOf(h) : play.hosts.length);
    return play.tasks.flatMap((task) =>
      Object.entries(task.results)
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([host, result]) => ({ play, task, host, result })),
    );
  });
}

/** `handler: role : name`. */
export const taskTitle = (t: JsonTask): string => `${t.handler ? 'handler: ' : ''}${t.role ? `${t.role} : ` : ''}${t.name}`;

/** `[web1]` or `[web1 -> db1]` for one result. */
export const entryTag = (e: Entry): string => hostTag({ host: e.host, delegatedTo: e.result.delegatedTo });

/** `[web1, web2 -> db1]`: the hosts of results shown together, each with its delegation. */
const groupTag = (group: readonly Entry[]): string => `[${group.map((e) => entryTag(e).slice(1, -1)).join(', ')}]`;

/** A failure counted by the recap's `failed`: not ignored. */
const isFailure = (r: JsonResult): boolean => r.status === 'failed' && r.ignored !== true;

/** One listed unreachable host: every place it was found unreachable (one play's setup, a task), messages deduplicated. */
interface Unreachable {
  readonly host: string;
  readonly places: string[];
  readonly messages: string[];
}

/** Unreachable hosts, one entry each however many plays or tasks found it so (the run stops using it at the first). */
function unreachableHosts(doc: JsonReport, all: readonly Entry[]): Unreachable[] {
  const byHost = new Map<string, Unreachable>();
  const note = (host: string, place: string, msg: string | undefined) => {
    const u = byHost.get(host) ?? byHost.set(host, { host, places: [], messages: [] }).get(host)!;
    if (!u.places.includes(place)) u.places.push(place);
    if (msg && !u.messages.includes(msg)) u.messages.push(msg);
  };
  for (const play of doc.plays) {
    for (const [host, s] of Object.entries(play.setup ?? {})) if (s.unreachable) note(host, `before the first task of play ${play.name}`, s.error);
    for (const e of all) if (e.play === play && e.result.status === 'unreachable') note(e.host, `${taskTitle(e.task)} (${e.task.definedAt})`, e.result.msg);
  }
  return [...byHost.values()];
}

/** Failures: failed tasks (not ignored), hosts whose facts could not be gathered, unreachable hosts (once each). */
export function failuresSection(doc: JsonReport, all: readonly Entry[]): Html {
  const failed = all.filter((e) => isFailure(e.result));
  const setup = doc.plays.flatMap((play) => Object.entries(play.setup ?? {}).filter(([, s]) => s.error !== undefined && !s.unreachable).map(([host, s]) => ({ play, host, error: s.error ?? '' })));
  const unreachable = unreachableHosts(doc, all);
  const count = failed.length + setup.length + unreachable.length;
  return html`<section id="failures"><h2>Failures <span class="hosts-count">(${count})</span></h2>
${count === 0 ? html`<p class="none">No task failed and every host was reachable.</p>` : ''}${failed.map((e) => failure(e, 'failed'))}${setup.map(
    (s) => html`<div class="item failed" data-host="${s.host}"><h3>failed: [${s.host}] before the first task</h3><div class="where">play ${s.play.name}</div><pre>${s.error}</pre></div>
`,
  )}${unreachable.map(
    (u) => html`<div class="item failed unreachable" data-host="${u.host}"><h3>unreachable: [${u.host}]</h3><div class="where">${u.places.join(' · ')}</div>${u.messages.map((m) => html`<pre>${m}</pre>`)}</div>
`,
  )}</section>`;
}

/** Failures the task's ignoreErrors let pass: shown apart, muted, as the recap's `ignored` column. */
export function ignoredSection(all: readonly Entry[]): Html {
  const ignored = all.filter((e) => e.result.status === 'failed' && e.result.ignored === true);
  if (ignored.length === 0) return html``;
  return html`<section id="ignored"><h2>Ignored failures <span class="hosts-count">(${ignored.length})</span></h2>
<p class="meta">These tasks failed, and the run went on (ignoreErrors); the recap counts them as ignored, not failed.</p>
${ignored.map((e) => failure(e, 'ignored'))}</section>`;
}

function failure(e: Entry, kind: 'failed' | 'ignored'): Html {
  const r = e.result;
  return html`<div class="item ${kind}" data-host="${e.host}"><h3>${kind === 'ignored' ? 'failed (ignored)' : 'failed'}: ${entryTag(e)} ${taskTitle(e.task)}</h3>
<div class="where">${e.task.definedAt} · ${e.task.module} · play ${e.play.name}${r.rc !== undefined ? ` · rc=${r.rc}` : ''}</div>
${r.msg ? html`<pre class="msg">${r.msg}</pre>` : ''}${r.stderr ? html`<div class="where">stderr</div><pre class="stderr">${r.stderr}</pre>` : ''}${itemList(r, (i) => i.status === 'failed')}</div>
`;
}

/** Changes (or, in check mode, predicted changes): one entry per task and change, for all the hosts that made it. */
export function changesSection(doc: JsonReport, all: readonly Entry[]): Html {
  const groups = sameChanges(all.filter((e) => e.result.status === 'changed'));
  const heading = doc.check ? 'Predicted changes' : 'Changes';
  const note = doc.check ? html`<p class="meta">A check run: nothing was changed; these are the changes a real run would make.</p>` : '';
  return html`<section id="changes"><h2>${heading} <span class="hosts-count">(${groups.length})</span></h2>${note}
${groups.length === 0 ? html`<p class="none">Nothing ${doc.check ? 'would change' : 'changed'}.</p>` : groups.map(change)}</section>`;
}

/** What a change shows (also what makes two hosts' changes the same): descriptions, message, diffs, or its items. */
function shownChange(r: JsonResult): unknown {
  const items = (r.items ?? []).map((i, n) => [itemLabel(i, n), i.status, i.changes ?? [], i.msg ?? '', i.diff ?? []]);
  return [r.predicted === true, items.length ? [] : (r.changes ?? []), items.length ? '' : (r.msg ?? ''), items.length ? [] : (r.diff ?? []), items];
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
  const r = e.result;
  const took = group.map((x) => x.result.durationMs);
  const duration = took.length === 1 ? formatDuration(took[0] as number) : `${formatDuration(Math.min(...took))}–${formatDuration(Math.max(...took))}`;
  const loop = (r.items ?? []).length > 0;
  return html`<div class="item changed" data-hosts="${group.map((x) => x.host).join(' ')}"><h3>${r.predicted ? 'would change' : 'changed'}: ${groupTag(group)} ${taskTitle(e.task)}</h3>
<div class="where">${e.task.definedAt} · ${e.task.module} · play ${e.play.name} · ${duration}</div>
${loop ? itemList(r, () => true) : details(r)}</div>
`;
}

/** A result's own changes, message and diffs. */
function details(r: JsonResult): Html {
  return html`${r.changes?.length ? html`<ul>${r.changes.map((c) => html`<li>${c}</li>`)}</ul>` : ''}${r.msg && r.status !== 'failed' ? html`<div class="where">${r.msg}</div>` : ''}${(r.diff ?? []).map(diffBlock)}`;
}

/** How a loop item is named: its label (`label` option, else the item), or its place for reports without one. */
const itemLabel = (i: JsonResult, n: number): string => i.label ?? `item ${n + 1}`;

/** A loop's items that `shown` selects, each as the terminal shows it: `changed: (item=a.txt)`, then its details. */
function itemList(r: JsonResult, shown: (i: JsonResult) => boolean): Html {
  const items = (r.items ?? []).map((item, n) => ({ item, n })).filter(({ item }) => shown(item));
  if (items.length === 0) return html``;
  return html`<ul class="items">${items.map(({ item, n }) => {
    const via = item.delegatedTo !== undefined && item.delegatedTo !== r.delegatedTo ? ` -> ${item.delegatedTo}` : '';
    return html`<li data-item="${n}"><span class="status ${item.status}">${item.status === 'failed' ? 'failed' : item.predicted ? 'would change' : item.status}</span>${via}: (item=${itemLabel(item, n)})${
      item.status === 'failed'
        ? html`${item.msg ? html`<pre class="msg">${item.msg}</pre>` : ''}${item.stderr ? html`<pre class="stderr">${item.stderr}</pre>` : ''}`
        : details(item)
    }</li>`;
  })}</ul>`;
}

const plain = palette(false);

function diffBlock(d: Diff): Html {
  const lines = diffLines(d, plain);
  if (lines.length === 0) return html``;
  const cls = (l: string) => (l.startsWith('--- ') || l.startsWith('+++ ') ? 'head' : l.startsWith('@@') ? 'hunk' : l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : '');
  return html`<pre class="diff">${lines.map((l) => {
    const c = cls(l);
    return c ? html`<span class="${c}">${l}</span>\n` : html`${l}\n`;
  })}</pre>`;
}
