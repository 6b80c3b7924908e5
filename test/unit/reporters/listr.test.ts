import { describe, expect, it } from 'vitest';
import type { TaskInfo } from '../../../src/core/result.ts';
import { secret } from '../../../src/core/secret.ts';
import { ListrReporter } from '../../../src/reporters/index.ts';
import { checkRun, realRun, SECRET, StringStream } from './fixture-run.ts';

secret(SECRET);

interface TestEvent {
  event: string;
  data: unknown;
  task?: { title?: string; path: string[] };
}

const parse = (text: string): TestEvent[] =>
  text.split('\n').filter((l) => l.startsWith('{"event"')).map((l) => JSON.parse(l) as TestEvent);

const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

describe('ListrReporter', () => {
  it('falls back to line output on a non-TTY stream without throwing: one row per host, collapsed counts, details after', async () => {
    const out = new StringStream();
    const r = new ListrReporter({ out, verbosity: 0, diff: true, color: false });
    await r.onRunEnd(realRun(r));
    const lines = out.text.split('\n');
    expect(lines).toContain('PLAY [web servers] *************************************************************');
    expect(lines).toContain('✔ changed: [web1]');
    expect(lines).toContain('✔ TASK [nginx : install nginx]  ok=1 changed=1 unreachable=1');
    expect(lines).toContain('✔ TASK [check port 80]  failed=1 skipped=1');
    expect(lines).toContain('✔ RUNNING HANDLER [nginx : restart nginx]  changed=1');
    // failures, diffs: printed once under the collapsed task line, as the plain reporter prints them
    expect(lines.filter((l) => l === 'fatal: [db1]: UNREACHABLE! => ssh: connect to host 10.0.0.3 port 22: Connection refused')).toHaveLength(1);
    const at = lines.indexOf('✔ TASK [nginx : write nginx.conf]  changed=1 ignored=1');
    expect(lines.slice(at + 1, at + 9)).toEqual([
      '--- before: /etc/nginx/nginx.conf',
      '+++ after: /etc/nginx/nginx.conf',
      '@@ -1,2 +1,3 @@',
      ' user www-data;',
      '-worker_processes 1;',
      '+worker_processes 4;',
      '+# token ********',
      'changed: [web1]',
    ]);
    expect(lines).toContain('PLAY RECAP *********************************************************************');
    expect(out.text).not.toContain('s3cr3t');
  });

  it("the 'test' renderer sees every task and every host's final status", async () => {
    const out = new StringStream();
    const r = new ListrReporter({ out, verbosity: 0, diff: false, color: false, renderer: 'test' });
    await r.onRunEnd(checkRun(r));
    const events = parse(out.text);
    const titles = events.filter((e) => e.event === 'TITLE').map((e) => e.data);
    expect(titles).toEqual(expect.arrayContaining([
      'changed: [web1] (predicted)',
      'ok: [web2]',
      'changed: [web1] (would run)',
      'TASK [nginx : install nginx]  ok=1 changed=1',
      'RUNNING HANDLER [nginx : restart nginx]  changed=1',
    ]));
    const skipped = events.filter((e) => e.event === 'MESSAGE' && JSON.stringify(e.data).includes('skipping: [web2]'));
    expect(skipped).toHaveLength(1);
    const started = events.filter((e) => e.event === 'STATE' && e.data === 'STARTED' && e.task?.path.length === 1);
    expect(started.map((e) => e.task?.title)).toEqual([
      'TASK [nginx : install nginx]',
      'TASK [nginx : write nginx.conf]',
      'TASK [check port 80]',
      'RUNNING HANDLER [nginx : restart nginx]',
    ]);
    expect(out.text).toContain('(check mode: nothing was changed)');
  });

  it('marks failed, ignored-failed and unreachable hosts as failed rows (never a green tick for a failure)', async () => {
    const out = new StringStream();
    const r = new ListrReporter({ out, verbosity: 0, diff: false, color: false, renderer: 'test' });
    await r.onRunEnd(realRun(r));
    const failed = parse(out.text).filter((e) => e.event === 'STATE' && e.data === 'FAILED').map((e) => e.task?.path.at(-1));
    // db1 unreachable; web2's ignored failure of the template (with ...ignoring), then its failure of the probe
    expect(failed).toEqual(['db1', 'web2', 'web2']);
    const ignoring = parse(out.text).filter((e) => e.event === 'MESSAGE' && JSON.stringify(e.data).includes('...ignoring'));
    expect(ignoring.map((e) => e.data)).toEqual([{ error: "fatal: [web2]: FAILED! => template nginx.conf.hbs: missing variable 'worker_count' ...ignoring" }]);
  });

  it('many hosts: no row per host, live counts in the title, failures listed after the task', async () => {
    const out = new StringStream();
    const r = new ListrReporter({ out, verbosity: 0, diff: false, color: false, renderer: 'test', maxHostRows: 12 });
    const hosts = Array.from({ length: 60 }, (_, i) => `node${String(i).padStart(2, '0')}`);
    const t: TaskInfo = { id: 'p', name: 'ping', module: 'command', definedAt: 'p.ts:1', handler: false };
    r.onPlayStart({ name: 'fleet', hosts, check: false });
    r.onTaskStart(t, hosts);
    for (const host of hosts) {
      r.onTaskEnd(t, { status: host === 'node07' ? 'failed' : 'ok', msg: 'timeout', host, task: 'ping', definedAt: 'p.ts:1', durationMs: 1, execs: 1 });
    }
    await r.onRunEnd({ recap: {}, results: [], exitCode: 2, durationMs: 5, check: false });
    const events = parse(out.text);
    expect(events.some((e) => (e.task?.path.length ?? 0) > 1)).toBe(false);
    expect(events.filter((e) => e.event === 'TITLE').at(-1)?.data).toBe('TASK [ping]  ok=59 failed=1');
    expect(out.text.split('\n')).toContain('fatal: [node07]: FAILED! => timeout');
  });

  it('renders the live tree on a TTY stream and restores the cursor', async () => {
    const out = Object.assign(new StringStream(), { isTTY: true, columns: 100, rows: 40 });
    const r = new ListrReporter({ out, verbosity: 3, diff: true, color: true, maxHostRows: 2 });
    const summary = realRun(r);
    await r.onRunEnd(summary);
    const text = strip(out.text);
    expect(out.text).toContain('\x1b[?25l');
    expect(out.text.lastIndexOf('\x1b[?25h')).toBeGreaterThan(out.text.lastIndexOf('\x1b[?25l'));
    expect(text).toContain('TASK [nginx : install nginx]  ok=1 changed=1 unreachable=1');
    expect(text).toContain('    $ DEBIAN_FRONTEND=noninteractive apt-get install -y nginx');
    expect(text).toContain('<web1> exec: apt-get install -y nginx');
    expect(text).toContain('+# token ********');
    expect(out.text).not.toContain('s3cr3t');
  });

  it('hosts that never report a result are closed when the next task starts', async () => {
    const out = new StringStream();
    const r = new ListrReporter({ out, verbosity: 0, diff: false, color: false, renderer: 'test' });
    const t: TaskInfo = { id: 'a', name: 'a', module: 'command', definedAt: 'p.ts:1', handler: false };
    r.onTaskStart(t, ['web1', 'web2']);
    r.onTaskEnd(t, { status: 'ok', host: 'web1', task: 'a', definedAt: 'p.ts:1', durationMs: 1, execs: 1 });
    await r.onRunEnd({ recap: {}, results: [], exitCode: 0, durationMs: 1, check: false });
    const msgs = parse(out.text).filter((e) => e.event === 'MESSAGE').map((e) => JSON.stringify(e.data));
    expect(msgs).toEqual(['{"skip":"web2: no result"}']);
  });
});
