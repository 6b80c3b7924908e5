import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secret } from '../../../src/core/secret.ts';
import { HtmlReporter, JsonReporter, renderReport, type JsonReport } from '../../../src/reporters/index.ts';
import { timelineRows } from '../../../src/reporters/html/timeline.ts';
import { checkRun, loopRun, realRun, SECRET } from './fixture-run.ts';

secret(SECRET);
const dir = mkdtempSync(join(tmpdir(), 'rig-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A clock that advances 100 ms on every reading, so timings are deterministic and distinct. */
const ticking = () => {
  let t = 1_700_000_000_000;
  return () => (t += 100);
};

/** The JSON document of a fixture run (as --json writes it, redacted). */
function docOf(fixture: typeof realRun): JsonReport {
  const r = new JsonReporter({ now: ticking() });
  return r.report(fixture(r));
}

/** The tags a page opens: the only markup there is. */
const tagsOf = (page: string) => new Set([...page.matchAll(/<([a-zA-Z!][a-zA-Z0-9-]*)/g)].map((m) => (m[1] as string).toLowerCase()));
const ALLOWED = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'span', 'p', 'section', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'svg', 'line', 'text', 'g', 'rect', 'div', 'pre', 'ul', 'li', 'i', 'footer']);

/** The attribute names of every tag (escaped text has no `<`, and escaped values no `"`, so this sees all markup). */
const attributesOf = (page: string) =>
  new Set([...page.matchAll(/<[a-zA-Z!][a-zA-Z0-9-]*([^>]*)>/g)].flatMap((m) => [...(m[1] as string).matchAll(/\s([^\s="]+)(?:="[^"]*")?/g)].map((a) => (a[1] as string).toLowerCase())));
const ATTRIBUTES = new Set(['html', 'lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'id', 'data-host', 'data-hosts', 'data-count', 'viewbox', 'width', 'height', 'role', 'aria-label', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'rx', 'style', 'title']);

/** Text of the page with tags removed and entities decoded (what a reader sees, roughly). */
const textOf = (page: string) =>
  page.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** Cases as data: a document (changed from the real-run fixture), what the page shows and what it must not contain. */
const cases: { name: string; doc: (d: JsonReport) => JsonReport; shows: string[]; never?: string[] }[] = [
  {
    name: 'the recap with exec and connection counts',
    doc: (d) => ({ ...d, recap: { ...d.recap, web1: { ...d.recap.web1!, connections: 2 } } }),
    shows: ['Play recap', 'web1', 'connections', 'exit 2'],
  },
  {
    name: 'a failure with its stderr, rc and file:line',
    doc: (d) => d,
    shows: ['failed: [web2] check port 80', 'roles/nginx/index.ts:13', 'rc=7', 'curl: (7) Failed to connect to 127.0.0.1 port 80', 'unreachable: [db1]', 'before the first task of play web servers · nginx : install nginx (roles/nginx/index.ts:11)', 'Failures (2)'],
  },
  {
    name: 'a changed task with its unified diff, redacted',
    doc: (d) => d,
    shows: ['changed: [web1] nginx : write nginx.conf', '--- before: /etc/nginx/nginx.conf', '-worker_processes 1;', '+worker_processes 4;', '+# token ********', 'apt-get install nginx'],
    never: ['s3cr3t'],
  },
  {
    name: 'one item for the hosts where a task made the same change, one per different change',
    doc: (d) => {
      const [play, ...rest] = d.plays;
      const [install, config, ...tasks] = play!.tasks;
      const same = { ...install!, results: { ...install!.results, web2: { ...install!.results.web1!, durationMs: 40 } } };
      const web1 = config!.results.web1!;
      const other = { ...config!, results: { web1, web2: { ...web1, diff: [{ ...web1.diff![0]!, after: 'worker_processes 8;\n' }] } } };
      return { ...d, plays: [{ ...play!, tasks: [same, other, ...tasks] }, ...rest] };
    },
    shows: ['changed: [web1, web2] nginx : install nginx', '12ms–40ms', 'changed: [web1] nginx : write nginx.conf', 'changed: [web2] nginx : write nginx.conf', '+worker_processes 8;', 'Changes (5)'],
  },
  {
    name: 'a version 1 document (no timings) still renders, saying why there is no timeline',
    doc: (d) => ({ ...d, version: 1, plays: d.plays.map((p) => ({ name: p.name, hosts: p.hosts, tasks: p.tasks.map((t) => ({ ...t, results: Object.fromEntries(Object.entries(t.results).map(([h, r]) => [h, { ...r, startMs: undefined }])) })) })) }),
    shows: ['This report has no timings', 'Play recap', '+worker_processes 4;'],
  },
  {
    name: 'names, messages and diffs that look like markup stay text',
    doc: (d) => {
      const evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
      const [play, ...rest] = d.plays;
      const [task, ...tasks] = play!.tasks;
      const bad = { ...task!, name: `install ${evil}`, results: { ...task!.results, web2: { status: 'failed' as const, durationMs: 5, execs: 1, msg: evil, stderr: `x" onmouseover="alert(3)` } } };
      const withDiff = { ...tasks[0]!, results: { web1: { ...tasks[0]!.results.web1!, diff: [{ path: `/etc/${evil}`, before: '', after: `${evil}\n` }] } } };
      return { ...d, plays: [{ ...play!, name: evil, hosts: [...play!.hosts, evil], tasks: [bad, withDiff, ...tasks.slice(1)] }, ...rest], recap: { ...d.recap, [evil]: d.recap.web1! } };
    },
    shows: ['install </script><script>alert(1)</script><img src=x onerror=alert(2)>', '+</script><script>alert(1)</script><img src=x onerror=alert(2)>', 'x" onmouseover="alert(3)'],
  },
];

describe('renderReport', () => {
  for (const c of cases) {
    it(`shows ${c.name}`, () => {
      const page = renderReport(c.doc(docOf(realRun)));
      const text = textOf(page);
      for (const s of c.shows) expect(text).toContain(s);
      for (const s of c.never ?? []) expect(page).not.toContain(s);
      // whatever the data, the page opens only rig's own tags: no script, img, link, iframe, no event handler attribute
      expect([...tagsOf(page)].filter((t) => !ALLOWED.has(t))).toEqual([]);
      expect([...attributesOf(page)].filter((a) => !ATTRIBUTES.has(a))).toEqual([]);
    });
  }

  it('forbids every script and load in the page itself (Content-Security-Policy)', () => {
    expect(renderReport(docOf(realRun))).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:">`);
  });

  it('check runs show predicted changes, not changes', () => {
    const text = textOf(renderReport(docOf(checkRun)));
    expect(text).toContain('check mode');
    expect(text).toContain('Predicted changes (4)');
    expect(text).toContain('would change: [web1] nginx : write nginx.conf');
    expect(text).toContain('A check run: nothing was changed');
    expect(text).not.toContain('Changes (');
  });

  it('a run without failures or changes says so', () => {
    const d = docOf(checkRun);
    const quiet = { ...d, plays: d.plays.map((p) => ({ ...p, tasks: p.tasks.map((t) => ({ ...t, results: Object.fromEntries(Object.entries(t.results).filter(([h]) => h === 'web2')) })) })) };
    const text = textOf(renderReport({ ...quiet, check: false }));
    expect(text).toContain('No task failed and every host was reachable.');
    expect(text).toContain('Nothing changed.');
  });
});

describe('timelineRows', () => {
  it('places connect, first exec and every task on its host, in time order', () => {
    const r = new JsonReporter({ now: ticking() });
    r.onRunStart();
    r.onPlayStart({ name: 'p', hosts: ['a', 'b'], check: false });
    r.onHostReady('a', { connectMs: 50, factsMs: 150 });
    r.onHostUnreachable('b', 'connection refused');
    r.onTaskStart({ id: 't1', name: 'reboot', module: 'reboot', definedAt: 'p.ts:3', handler: false });
    r.onTaskEnd({ id: 't1', name: 'reboot', module: 'reboot', definedAt: 'p.ts:3', handler: false }, { status: 'changed', host: 'a', task: 'reboot', definedAt: 'p.ts:3', durationMs: 80, execs: 3 });
    const doc = r.report({ recap: {}, results: [], exitCode: 4, durationMs: 1000, check: false });
    expect(doc.version).toBe(2);
    expect(doc.plays[0]!.setup).toEqual({
      a: { startMs: 0, connectMs: 50, factsMs: 150 },
      b: { startMs: 200, connectMs: 0, factsMs: 0, error: 'connection refused', unreachable: true },
    });
    expect(timelineRows(doc).map((row) => [row.host, row.bars.map((b) => [b.kind, b.startMs, b.durationMs, b.label])])).toEqual([
      ['a', [['connect', 0, 50, 'connect'], ['facts', 50, 150, 'first exec (facts, reads)'], ['changed', 220, 80, 'reboot']]],
      ['b', []],
    ]);
    expect(textOf(renderReport(doc))).toContain('unreachable: [b]before the first task of play p');
  });
});

describe('HtmlReporter', () => {
  it('writes the page at the end of the run, without the registered secret', async () => {
    const file = join(dir, 'run.html');
    const r = new HtmlReporter({ file, now: ticking() });
    await r.onRunEnd(realRun(r));
    const page = readFileSync(file, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toContain('s3cr3t');
    expect(page).toContain('<svg class="timeline"');
  });
});

/** A task's results in a document, changed by `f` (cases below edit one task of the loop fixture). */
const editTask = (d: JsonReport, name: string, f: (results: JsonReport['plays'][number]['tasks'][number]['results']) => Record<string, JsonReport['plays'][number]['tasks'][number]['results'][string]>): JsonReport => ({
  ...d,
  plays: d.plays.map((p) => ({ ...p, tasks: p.tasks.map((t) => (t.name === name ? { ...t, results: f(t.results) } : t)) })),
});

/** Delegation, loop items and ignored failures, as the terminal shows them: cases as data on the loop fixture. */
const loopCases: { name: string; doc: (d: JsonReport) => JsonReport; shows: string[]; never?: string[] }[] = [
  {
    name: 'a loop with its items and their labels, each with its status',
    doc: (d) => d,
    shows: ['changed: [ux1, ux2] load kernel modules', 'changed: (item=overlay)', 'ok: (item=br_netfilter)'],
  },
  {
    name: 'a loop item without a label (a version 1 report) by its place',
    doc: (d) => editTask(d, 'load kernel modules', (rs) => ({ ux1: { ...rs.ux1!, items: rs.ux1!.items!.map((i) => ({ ...i, label: undefined })) } })),
    shows: ['changed: (item=item 1)', 'ok: (item=item 2)'],
  },
  {
    name: "a loop's failed items with their labels and messages",
    doc: (d) =>
      editTask(d, 'load kernel modules', (rs) => ({
        ux1: { ...rs.ux1!, status: 'failed', msg: 'one item failed', items: [rs.ux1!.items![1]!, { status: 'failed', durationMs: 1, execs: 1, label: 'nf_conntrack', msg: 'modprobe: FATAL: Module nf_conntrack not found', stderr: 'not found in /lib/modules' }] },
      })),
    shows: ['failed: [ux1] load kernel modules', 'failed: (item=nf_conntrack)modprobe: FATAL: Module nf_conntrack not found', 'not found in /lib/modules', 'Failures (1)'],
    never: ['(item=br_netfilter)</'],
  },
  {
    name: 'a delegated change as [host -> delegate], beside an undelegated host',
    doc: (d) => editTask(d, 'register worker', (rs) => ({ ux1: { ...rs.ux1!, delegatedTo: undefined }, ux2: { ...rs.ux2!, status: 'changed' } })),
    shows: ['changed: [ux1, ux2 -> ux1] register worker'],
  },
  {
    name: 'a delegated task to itself without an arrow (Ansible shows [ux1])',
    doc: (d) => d,
    shows: ['changed: [ux1] register worker'],
    never: ['ux1 -&gt; ux1'],
  },
  {
    name: 'a delegated failure, slowest-task row and timeline bar as [host -> delegate]',
    doc: (d) => editTask(d, 'register worker', (rs) => ({ ux1: rs.ux1!, ux2: { ...rs.ux2!, status: 'failed', msg: 'worker token refused', durationMs: 900 } })),
    shows: ['failed: [ux2 -> ux1] register worker', 'register worker roles/nginx/index.ts:18ux2 -> ux1failed', 'ux2 -> ux1: register worker — failed'],
  },
  {
    name: 'loop items delegated to different hosts, each with its own',
    doc: (d) => editTask(d, 'load kernel modules', (rs) => ({ ux1: { ...rs.ux1!, items: rs.ux1!.items!.map((i, n) => ({ ...i, delegatedTo: `ux${n + 1}` })) } })),
    shows: ['changed -> ux1: (item=overlay)', 'ok -> ux2: (item=br_netfilter)'],
  },
  {
    name: 'an ignored failure apart from the failures, counted apart, as the recap counts it',
    doc: (d) => d,
    shows: ['Failures (0)', 'Ignored failures (1)', 'failed (ignored): [ux2] ignored failure', 'command failed (rc=1)'],
  },
];

describe('renderReport: delegation, loop items, ignored failures', () => {
  for (const c of loopCases) {
    it(`shows ${c.name}`, () => {
      const page = renderReport(c.doc(docOf(loopRun)));
      const text = textOf(page);
      for (const s of c.shows) expect(text).toContain(s);
      for (const s of c.never ?? []) expect(page).not.toContain(s);
      expect([...tagsOf(page)].filter((t) => !ALLOWED.has(t))).toEqual([]);
    });
  }
});

/** The sections of a page that list entries: id, the count in their heading, the entries listed. */
const sectionCounts = (page: string) =>
  [...page.matchAll(/<section id="([a-z]+)"><h2>[^<]*<span class="hosts-count">\((\d+)\)<\/span><\/h2>([\s\S]*?)<\/section>/g)].map((m) => ({
    id: m[1],
    heading: Number(m[2]),
    listed: (m[3]!.match(/<div class="item /g) ?? []).length,
  }));

describe('renderReport: every section counts what it lists', () => {
  const unreachableTwice = (d: JsonReport): JsonReport => {
    // a host found unreachable in its setup and by a task, in two plays: one entry
    const plays = d.plays.map((p) => ({ ...p, setup: { ...p.setup, db1: { startMs: 0, connectMs: 0, factsMs: 0, error: 'Connection refused', unreachable: true } } }));
    return { ...d, plays };
  };
  const docs: [string, JsonReport][] = [
    ['a real run', docOf(realRun)],
    ['a check run', docOf(checkRun)],
    ['loops, delegation, an ignored failure', docOf(loopRun)],
    ['an unreachable host seen in two plays and by a task', unreachableTwice(docOf(realRun))],
  ];
  for (const [name, doc] of docs) {
    it(name, () => {
      const counts = sectionCounts(renderReport(doc));
      expect(counts.map((c) => c.id)).toEqual(expect.arrayContaining(['failures', 'changes']));
      for (const c of counts) expect(c.listed, c.id).toBe(c.heading);
    });
  }

  it('an unreachable host is one failure, with every place it was found so', () => {
    const text = textOf(renderReport(unreachableTwice(docOf(realRun))));
    expect(text.match(/unreachable: \[db1\]/g)).toHaveLength(1);
    expect(text).toContain('before the first task of play web servers · nginx : install nginx (roles/nginx/index.ts:11) · before the first task of play tuning');
    expect(text).toContain('Failures (2)');
  });

  it('ignored failures are counted as the recap counts them', () => {
    for (const fixture of [realRun, loopRun]) {
      const doc = docOf(fixture);
      const ignored = Object.values(doc.recap).reduce((n, r) => n + r.ignored, 0);
      expect(sectionCounts(renderReport(doc)).find((c) => c.id === 'ignored')?.heading).toBe(ignored);
    }
  });
});
