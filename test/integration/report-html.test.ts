/**
 * `rig run --report` and `rig report` on real hosts, the page loaded in a real browser (Debian's chromium, headless):
 * a change with a diff (holding a vault value), a handler, a failure with stderr, a task name that is markup; the
 * recap numbers and the diff must be in the DOM, the vault value and any injected element must not. The screenshot is
 * kept in test/.artifacts/report.png.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability, dumpDom, screenshot } from '../support/chromium.ts';
import { tempDir } from '../support/temp-dir.ts';
import { repoPath, rig } from './engine/cli.ts';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';

const avail = await sshdAvailability();
const browser = chromiumAvailability();
if (!avail.ok) console.warn(`SKIPPED run report in a browser: ${avail.reason}`);
if (!browser.ok) console.warn(`SKIPPED run report in a browser: ${browser.reason}`);

// ansible-vault encrypt_string of 'all-group-secret' (password: test/fixtures/inventory/vault-yaml/vault-pass.txt)
const VAULT = `!vault |
  $ANSIBLE_VAULT;1.1;AES256
  32633861613266663135366435643462336136343663376163636264376438313734393739633864
  6137663436373739663337323134343466653464663265300a373564616261383037323264326338
  31383232646535623664316632326562393964356431383532633437346235656363623666386361
  3363313364303766610a396466663766333561666530383330633063666364626365303762393633
  64343836656233363731323134646664323262663466373937373531386230343062`;
const PLAIN_SECRET = 'all-group-secret';
const EVIL = '</script><img src=x onerror=alert(1)>';

const dir = tempDir('rig-report-');
writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
const pb = path.join(dir, 'site.ts');
writeFileSync(
  pb,
  `import { command, copy, defineHandler, definePlaybook } from ${JSON.stringify(repoPath('src/index.ts'))};
const reload = defineHandler('reload app', command({ cmd: ['touch', '/srv/app/reloaded'] }));
export default definePlaybook({
  name: 'app',
  hosts: 'all',
  become: true,
  handlers: [reload],
  tasks: [
    command({ cmd: ['mkdir', '-p', '/srv/app'], creates: '/srv/app' }, { name: 'app directory' }),
    copy((ctx) => ({ dest: '/srv/app/app.conf', content: \`listen 8080\\nworkers 4\\npassword \${String(ctx.var('db_password'))}\\n\` }), { name: 'app config', notify: [reload] }),
    command({ cmd: ['sh', '-c', 'echo "disk check failed: /srv is 97% full" >&2; exit 3'] }, { name: 'disk check', when: (ctx) => ctx.host.name === 'rpt3' }),
    command({ cmd: ['true'] }, { name: 'name with markup ${EVIL}' }),
  ],
});
`,
);

// what a user trial found missing on the page: delegation, loop labels, ignored failures apart, a secret file's diff
const trial = path.join(dir, 'trial.ts');
writeFileSync(
  trial,
  `import { command, copy, definePlaybook, secret } from ${JSON.stringify(repoPath('src/index.ts'))};
export default definePlaybook({
  name: 'trial',
  hosts: 'all',
  become: true,
  tasks: [
    copy({ content: secret('trial-secret-value\\n'), dest: '/srv/app/secret.txt' }, { name: 'secret file' }),
    copy((ctx) => ({ content: \`hello \${ctx.host.name}\\n\`, dest: \`/srv/app/\${ctx.item.name}\` }), { name: 'loop with label', loop: [{ name: 'a.txt', big: 'x'.repeat(40) }, { name: 'b.txt', big: 'y'.repeat(40) }], label: (ctx) => ctx.item.name }),
    command((ctx) => ({ cmd: ['touch', \`/srv/app/from-\${ctx.host.name}\`] }), { name: 'delegated touch', delegateTo: 'rpt1' }),
    command({ cmd: ['sh', '-c', 'echo oops >&2; exit 7'] }, { name: 'ignored failure', ignoreErrors: true }),
  ],
});
`,
);

/** Each listing section of a page: its id, the count in its heading and the entries it lists. */
const sectionCounts = (page: string) =>
  [...page.matchAll(/<section id="([a-z]+)"><h2>[^<]*<span class="hosts-count">\((\d+)\)<\/span><\/h2>([\s\S]*?)<\/section>/g)].map((m) => ({
    id: m[1],
    heading: Number(m[2]),
    listed: (m[3]!.match(/<div class="item /g) ?? []).length,
  }));

describe.skipIf(!avail.ok || !browser.ok)('run report in a browser', () => {
  let lab: TestHosts;
  let inv: string;
  const out = tempDir('rig-report-out-');
  const vaultPass = repoPath('test/fixtures/inventory/vault-yaml/vault-pass.txt');

  beforeAll(async () => {
    lab = await startTestHosts({ count: 3, prefix: 'rpt' });
    inv = await lab.writeInventory(tempDir('rig-report-inv-'));
    mkdirSync(path.join(inv, 'group_vars'), { recursive: true });
    writeFileSync(path.join(inv, 'group_vars', 'all.yml'), `db_password: ${VAULT}\n`);
    for (const h of lab.hosts) await lab.exec(h.name, 'mkdir -p /srv/app && printf "listen 80\\nworkers 2\\n" > /srv/app/app.conf');
  });
  afterAll(async () => lab?.dispose());

  it('--check --report: the predicted changes and their diffs', async () => {
    const page = path.join(out, 'check.html');
    const run = await rig(['run', pb, '-i', inv, '--vault-password-file', vaultPass, '--check', '--report', page]);
    // check mode predicts the failing command instead of running it
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const dom = await dumpDom(page);
    expect(dom).toContain('Predicted changes');
    expect(dom).toContain('would change: [rpt1, rpt2, rpt3] app config');
    expect(dom).toContain('+workers 4');
    expect(dom).not.toContain(PLAIN_SECRET);
    // nothing changed on the hosts
    expect((await lab.exec('rpt1', 'cat /srv/app/app.conf')).stdout).toBe('listen 80\nworkers 2\n');
  });

  it('--report: recap, diff, failure, timeline in the DOM; no vault value, no injected element; rig report renders the same', async () => {
    const page = path.join(out, 'run.html');
    const run = await rig(['run', pb, '-i', inv, '--vault-password-file', vaultPass, '--report', page]);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    const recap = run.report!.recap;
    const dom = await dumpDom(page);
    // every recap number as the browser shows it, per host and column
    for (const [host, r] of Object.entries(recap)) {
      const row = new RegExp(`<tr data-host="${host}">(.*?)</tr>`).exec(dom)?.[1] ?? '';
      for (const k of ['ok', 'changed', 'failed', 'skipped', 'execs', 'connections'] as const) {
        const shown = new RegExp(`data-count="${k}">([^<]*)<`).exec(row)?.[1];
        expect(shown, `${host} ${k}`).toBe(String((r as unknown as Record<string, number>)[k]));
      }
    }
    // app config, its handler, the markup-named command
    expect(recap.rpt1).toMatchObject({ changed: 3, failed: 0, connections: 1 });
    expect(recap.rpt3).toMatchObject({ failed: 1 });
    // the diff, redacted
    // the same diff on every host: shown once, for all of them
    expect(dom).toContain('changed: [rpt1, rpt2, rpt3] app config');
    expect(dom).toContain('<span class="del">-listen 80</span>');
    expect(dom).toContain('<span class="add">+listen 8080</span>');
    expect(dom).toContain('<span class="add">+password ********</span>');
    expect(dom).not.toContain(PLAIN_SECRET);
    expect(readFileSync(page, 'utf8')).not.toContain(PLAIN_SECRET);
    // the failure with its stderr and file:line
    expect(dom).toMatch(/failed: \[rpt3\] disk check<\/h3>\s*<div class="where">[^<]*site\.ts:\d+/);
    expect(dom).toContain('disk check failed: /srv is 97% full');
    // the handler and the first exec on the timeline
    expect(dom).toMatch(/<rect class="bar changed handler"[^>]*><title>rpt1: reload app/);
    expect(dom).toMatch(/<rect class="bar facts"[^>]*><title>rpt2: first exec/);
    // the markup in a task name is text: the browser made no img or script element of it
    expect(dom).toContain('name with markup &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(dom).not.toMatch(/<img|<script/i);

    // rig report renders the run's --json into the same recap
    const again = path.join(out, 'again.html');
    const json = path.join(out, 'run.json');
    writeFileSync(json, run.reportText);
    const rendered = await rig(['report', json, '-o', again]);
    expect(rendered.code, rendered.stderr).toBe(0);
    const section = (html: string) => /<section id="recap">[\s\S]*?<\/section>/.exec(html)?.[0];
    expect(section(await dumpDom(again))).toBe(section(dom));

    const artifacts = repoPath('test/.artifacts');
    mkdirSync(artifacts, { recursive: true });
    await screenshot(page, path.join(artifacts, 'report.png'));
    expect(statSync(path.join(artifacts, 'report.png')).size).toBeGreaterThan(10_000);
    console.info(`report page for 3 hosts: ${(statSync(page).size / 1024).toFixed(1)} KB; screenshot in test/.artifacts/report.png`);
  });

  it('--report as the terminal shows it: [host -> delegate], loop items by label, ignored failures apart, counts as listed, a secret file diff ending as the file', async () => {
    const page = path.join(out, 'trial.html');
    const run = await rig(['run', trial, '-i', inv, '--report', page]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const dom = await dumpDom(page);
    // delegated to rpt1: the others as [rptN -> rpt1], rpt1 itself without an arrow (as Ansible's callback)
    expect(dom).toContain('changed: [rpt2 -&gt; rpt1] delegated touch');
    expect(dom).toContain('changed: [rpt3 -&gt; rpt1] delegated touch');
    expect(dom).toContain('changed: [rpt1] delegated touch');
    expect((await lab.exec('rpt1', 'ls /srv/app')).stdout).toContain('from-rpt3');
    // loop items by their labels, each with its diff
    expect(dom).toMatch(/<span class="status changed">changed<\/span>: \(item=a\.txt\)/);
    expect(dom).toMatch(/\(item=b\.txt\)[\s\S]*?<span class="add">\+hello rpt1<\/span>/);
    expect(dom).not.toContain('x'.repeat(40));
    // ignored failures: apart, as many as the recap's ignored; no real failure
    const ignored = Object.values(run.report!.recap).reduce((n, r) => n + (r as unknown as { ignored: number }).ignored, 0);
    expect(ignored).toBe(3);
    expect(dom).toContain(`Ignored failures <span class="hosts-count">(${ignored})</span>`);
    expect(dom).toContain('Failures <span class="hosts-count">(0)</span>');
    expect(dom).toContain('failed (ignored): [rpt2] ignored failure');
    for (const c of sectionCounts(dom)) expect(c.listed, c.id).toBe(c.heading);
    // the secret file: one redacted line that ends in a newline, as the file does
    expect(dom).toMatch(/secret file<\/h3>[\s\S]*?<span class="add">\+\*{8}<\/span>\n<\/pre>/);
    expect(dom).not.toContain('No newline at end of file');
    expect(readFileSync(page, 'utf8')).not.toContain('trial-secret-value');
    expect((await lab.exec('rpt2', 'cat /srv/app/secret.txt')).stdout).toBe('trial-secret-value\n');
  });

  it('rig report refuses a malformed --json report by the JSON path of the problem (exit 5, no stack trace)', async () => {
    const bad = path.join(out, 'malformed.json');
    writeFileSync(bad, JSON.stringify({ version: 2, check: false, startedAt: '2026-12-01T11:23:58.241Z', durationMs: 1, exitCode: 0, recap: {}, plays: [{ name: 'p', hosts: ['h'], tasks: [{ id: 't1', name: 't', module: 'command', definedAt: 'x.ts:1', handler: false, results: { h: null } }] }] }));
    const r = await rig(['report', bad, '-o', path.join(out, 'y.html')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`${bad}: not a rig --json report: plays[0].tasks[0].results.h: expected an object, got null`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rig report refuses a file that is not a --json report (exit 5, what to pass)', async () => {
    const bad = path.join(out, 'bad.json');
    writeFileSync(bad, '{"version": 7}');
    const r = await rig(['report', bad, '-o', path.join(out, 'x.html')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('not a rig --json report: its version is 7, this rig reads versions 1 and 2');
    expect(r.stderr).toContain('rig run --json FILE');
  });
});
