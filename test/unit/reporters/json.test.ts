import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redactDeep, secret } from '../../../src/core/secret.ts';
import { JsonReporter, NO_LOG_MSG, type JsonReport } from '../../../src/reporters/index.ts';
import { checkRun, loopRun, realRun, SECRET } from './fixture-run.ts';

secret(SECRET);
const dir = mkdtempSync(join(tmpdir(), 'rig-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function write(fixture: typeof realRun, name: string): Promise<{ raw: string; doc: JsonReport }> {
  const file = join(dir, name);
  // a stopped clock: every result starts at 0 ms (its end, 0, minus its duration, clamped)
  const r = new JsonReporter({ file, now: () => 1_700_000_000_000 });
  await r.onRunEnd(fixture(r));
  const raw = readFileSync(file, 'utf8');
  return { raw, doc: JSON.parse(raw) as JsonReport };
}

describe('JsonReporter', () => {
  it('writes every task result, grouped by play and task, with recap and exit code', async () => {
    const { doc } = await write(realRun, 'run.json');
    expect(doc.version).toBe(2);
    expect(doc.check).toBe(false);
    expect(doc.exitCode).toBe(2);
    expect(doc.durationMs).toBe(2345);
    expect(Number.isNaN(Date.parse(doc.startedAt))).toBe(false);
    expect(doc.plays.map((p) => [p.name, p.hosts, p.tasks.map((t) => t.name)])).toEqual([
      ['web servers', ['web1', 'web2', 'db1'], ['install nginx', 'write nginx.conf', 'check port 80', 'restart nginx']],
      ['tuning', ['web1'], ['set vm.swappiness', 'write api token']],
    ]);
    const [install, config, probe, restart] = doc.plays[0]!.tasks;
    expect(install).toMatchObject({ id: 't1', module: 'apt', role: 'nginx', definedAt: 'roles/nginx/index.ts:11', handler: false });
    expect(Object.keys(install!.results)).toEqual(['web1', 'web2', 'db1']);
    expect(install!.results.web1).toEqual({
      status: 'changed',
      durationMs: 12,
      execs: 1,
      changes: ['apt-get install nginx'],
      commands: ['DEBIAN_FRONTEND=noninteractive apt-get install -y nginx'],
      rc: 0,
      stdout: 'Setting up nginx (1.24.0) ...\n',
      startMs: 0,
    });
    // version 2: where a host left the play before its tasks, and when
    expect(doc.plays[0]!.setup).toEqual({ db1: { startMs: 0, connectMs: 0, factsMs: 0, error: 'ssh: connect to host 10.0.0.3 port 22: Connection refused', unreachable: true } });
    expect(install!.results.db1).toMatchObject({ status: 'unreachable', execs: 0 });
    expect(config!.results.web2).toMatchObject({ status: 'failed', ignored: true });
    expect(config!.results.web1!.diff![0]!.path).toBe('/etc/nginx/nginx.conf');
    expect(probe!.results.web2).toMatchObject({ status: 'failed', rc: 7, stderr: 'curl: (7) Failed to connect to 127.0.0.1 port 80\n' });
    expect(restart).toMatchObject({ handler: true, results: { web1: { status: 'changed' } } });
    expect(doc.plays[1]!.tasks[1]!.results.web1).toEqual({ status: 'changed', msg: NO_LOG_MSG, durationMs: 12, execs: 1, startMs: 0 });
    expect(doc.recap.web2).toEqual({ ok: 2, changed: 0, failed: 1, skipped: 0, unreachable: 0, ignored: 1, rescued: 0, execs: 3 });
  });

  it('never contains a registered secret, even one with characters JSON escapes', async () => {
    const { raw, doc } = await write(realRun, 'secret.json');
    expect(raw).not.toContain('s3cr3t');
    expect(doc.plays[0]!.tasks[1]!.results.web1!.diff![0]!.after).toBe('user www-data;\nworker_processes 4;\n# token ********\n');
  });

  it('check runs record predictions', async () => {
    const { doc } = await write(checkRun, 'check.json');
    expect(doc.check).toBe(true);
    expect(doc.plays[0]!.tasks.map((t) => t.results.web1?.predicted)).toEqual([true, true, true, true]);
  });

  it('replaces the file atomically and leaves no temp file behind', async () => {
    const file = join(dir, 'replace.json');
    writeFileSync(file, 'old');
    const r = new JsonReporter({ file });
    await r.onRunEnd(checkRun(r));
    expect(JSON.parse(readFileSync(file, 'utf8')).exitCode).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a write into a missing directory rejects and leaves nothing', async () => {
    const r = new JsonReporter({ file: join(dir, 'missing', 'x.json') });
    await expect(r.onRunEnd(checkRun(r))).rejects.toThrow(/ENOENT/);
  });
});

describe('redactDeep', () => {
  it('walks values and keys, catching secrets JSON.stringify escapes', () => {
    const value = { [`k-${SECRET}`]: [`a ${SECRET} b`, 3, null, { nested: SECRET }], plain: 'x' };
    expect(redactDeep(value)).toEqual({ 'k-********': ['a ******** b', 3, null, { nested: '********' }], plain: 'x' });
    expect(JSON.stringify(redactDeep(value))).not.toContain('s3cr3t');
    expect(Object.keys(redactDeep({ a: 1, [SECRET]: 2, z: 3 }))).toEqual(['a', '********', 'z']);
  });

  it('returns parts without a secret as they are and never modifies its input', () => {
    const clean = { list: ['a', { b: 'c' }], n: 1 };
    const mixed = { clean, dirty: [`x${SECRET}`] };
    const out = redactDeep(mixed);
    expect(out.clean).toBe(clean);
    expect(out.dirty).toEqual(['x********']);
    expect(mixed.dirty).toEqual([`x${SECRET}`]);
  });
});

describe('JsonReporter: items, delegation, ignored failures', () => {
  it('records item labels, delegatedTo and ignored, as the terminal shows them', async () => {
    const { doc } = await write(loopRun, 'loop.json');
    const [modules, register, mayFail] = doc.plays[0]!.tasks;
    expect(modules!.results.ux1!.items!.map((i) => [i.status, i.label])).toEqual([['changed', 'overlay'], ['ok', 'br_netfilter']]);
    expect(register!.results.ux2).toMatchObject({ status: 'ok', delegatedTo: 'ux1' });
    expect(mayFail!.results.ux2).toMatchObject({ status: 'failed', ignored: true, rc: 1 });
    expect(doc.recap.ux2).toMatchObject({ failed: 0, ignored: 1 });
  });
});
