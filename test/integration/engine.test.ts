/**
 * The engine over real SSH: real sshd hosts (own mount + network namespaces), the real CLI, JSON reports.
 * Proves: exact check mode, convergence, idempotence (changed=0), exec counts, handlers surviving an interrupted run,
 * failure isolation, unreachable hosts, host-key refusal, template preflight, secret redaction.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFileName } from '../../src/core/pending-records.ts';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { idsWithStatus, rig, tasksWithStatus, repoPath, type CliRun } from './engine/cli.ts';
import { tempDir } from '../support/temp-dir.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED engine integration tests: ${avail.reason}`);

const SECRET = 's3cr3t-T0ken-9f8e7d';
let lab: TestHosts;
let inv: string;
const base = ['-e', 'manage_modules=false'];

/** A tiny real .deb, so the example's apt task installs something without a package mirror. */
function buildDeb(): string {
  const dir = tempDir('rig-deb-');
  mkdirSync(path.join(dir, 'pkg/DEBIAN'), { recursive: true });
  mkdirSync(path.join(dir, 'pkg/usr/share/doc/rig-example'), { recursive: true });
  writeFileSync(path.join(dir, 'pkg/DEBIAN/control'), 'Package: rig-example\nVersion: 1.0\nArchitecture: all\nMaintainer: rig <rig@localhost>\nDescription: rig integration test package\n');
  writeFileSync(path.join(dir, 'pkg/usr/share/doc/rig-example/README'), 'installed by the rig example role\n');
  const r = spawnSync('dpkg-deb', ['--build', '--root-owner-group', path.join(dir, 'pkg'), path.join(dir, 'rig-example.deb')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dpkg-deb failed: ${r.stderr}`);
  return path.join(dir, 'rig-example.deb');
}

/** A fingerprint of everything the example playbook manages on a host. */
async function fingerprint(host: string): Promise<string> {
  const r = await lab.exec(
    host,
    `dpkg-query -W rig-example 2>&1; for p in /srv /etc/sysctl.d /var/lib/rig; do find "$p" -xdev 2>/dev/null; done | sort | while read -r f; do stat -c '%n %a %U %G %s %Y' "$f"; [ -f "$f" ] && sha256sum "$f"; done; sha256sum /etc/passwd /etc/group; cat /proc/sys/net/ipv4/ip_forward`,
  );
  return r.stdout;
}

describe.skipIf(!avail.ok)('engine over real SSH', () => {
  beforeAll(async () => {
    lab = await startTestHosts({ count: 5, prefix: 'eng' });
    const dir = tempDir('rig-inv-');
    inv = await lab.writeInventory(dir);
    base.push('-e', `example_deb=${buildDeb()}`);
    // a secret var, as users write it: tagged in a vars file
    mkdirSync(path.join(inv, 'group_vars'), { recursive: true });
    writeFileSync(path.join(inv, 'group_vars', 'all.yml'), `api_token: !secret ${SECRET}\n`, { flag: 'a' });
  });
  afterAll(async () => lab?.dispose());

  let predicted: Record<string, string[]>;
  let check: CliRun;

  it('--check on fresh hosts changes nothing and predicts changes', async () => {
    const before = await Promise.all(lab.hosts.map((h) => fingerprint(h.name)));
    check = await rig(['run', 'playbooks/example.ts', '-i', inv, '--check', '--diff', ...base]);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    const after = await Promise.all(lab.hosts.map((h) => fingerprint(h.name)));
    expect(after).toEqual(before);
    predicted = tasksWithStatus(check, 'changed');
    expect(Object.keys(predicted).sort()).toEqual(lab.hosts.map((h) => h.name).sort());
    expect(predicted[lab.hosts[0]!.name]!.length).toBeGreaterThan(8);
  });

  it('a real run changes exactly what --check predicted', async () => {
    const run = await rig(['run', 'playbooks/example.ts', '-i', inv, ...base]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(tasksWithStatus(run, 'changed')).toEqual(predicted);
    // the same tasks by their declared ids, which both processes derived from the playbook alone
    expect(idsWithStatus(run, 'changed')).toEqual(idsWithStatus(check, 'changed'));
    expect(Object.values(idsWithStatus(run, 'changed')).flat().length).toBeGreaterThan(0);
    for (const h of lab.hosts) {
      const conf = await lab.exec(h.name, 'cat /srv/rig-example/conf.d/app.conf; cat /srv/rig-example/handler.log');
      expect(conf.stdout).toContain(`# managed by rig — ${h.name}`);
      expect(conf.stdout).toContain('restarted');
      expect((await lab.exec(h.name, "dpkg-query -W -f='${Status} ${Version}' rig-example")).stdout).toBe('install ok installed 1.0');
    }
  });

  // facts + every read batched in one exec, plus waitFor's own (it may block, so it is never prefetched)
  it('a second run reports changed=0 in ONE exec per host (facts, every read and the already-met wait batched)', async () => {
    const run = await rig(['run', 'playbooks/example.ts', '-i', inv, ...base]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(tasksWithStatus(run, 'changed')).toEqual({});
    const execs = Object.fromEntries(Object.entries(run.report!.recap).map(([h, r]) => [h, r.execs]));
    console.log(`no-op re-run on ${lab.hosts.length} hosts: ${run.report!.durationMs} ms inside rig; execs per host ${JSON.stringify(execs)}`);
    for (const n of Object.values(execs)) expect(n).toBe(1);
  });

  it('--check on converged hosts predicts nothing', async () => {
    const run = await rig(['run', 'playbooks/example.ts', '-i', inv, '--check', ...base]);
    expect(run.code).toBe(0);
    expect(tasksWithStatus(run, 'changed')).toEqual({});
  });

  it('a secret var never appears in output, diff or JSON', async () => {
    // change the template input so the secret-bearing file shows up in a diff
    const run = await rig(['run', 'playbooks/example.ts', '-i', inv, '--check', '--diff', '-vvv', ...base, '-e', 'workers=7']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('workers = 7');
    for (const text of [run.stdout, run.stderr, run.reportText, check.stdout, check.reportText]) expect(text).not.toContain(SECRET);
    const conf = await lab.exec(lab.hosts[0]!.name, 'cat /srv/rig-example/conf.d/app.conf');
    expect(conf.stdout).toContain(`token = ${SECRET}`);
  });

  it('a failing host does not stop the others (exit 2)', async () => {
    const run = await rig(['run', 'test/fixtures/playbooks/failing.ts', '-i', inv]);
    expect(run.code).toBe(2);
    const [first, ...rest] = lab.hosts.map((h) => h.name);
    expect(run.report!.recap[first!]!.failed).toBe(1);
    for (const h of rest) {
      expect(run.report!.recap[h]!.failed).toBe(0);
      expect((await lab.exec(h, 'test -e /srv/rig-failing-marker && echo yes')).stdout.trim()).toBe('yes');
    }
    expect((await lab.exec(first!, 'test -e /srv/rig-failing-marker && echo yes || echo no')).stdout.trim()).toBe('no');
  });

  it('a template with a missing variable fails before anything is applied (exit 5)', async () => {
    const run = await rig(['run', 'test/fixtures/playbooks/missing-var.ts', '-i', inv, '-e', 'defined_var=1']);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('undefined_var_xyz');
    expect(run.stderr).toContain('missing-var.hbs');
    for (const h of lab.hosts) expect((await lab.exec(h.name, 'test -e /srv/rig-missing-var && echo yes || echo no')).stdout.trim()).toBe('no');
  });

  it('a handler notified before the connection died runs on the next run', async () => {
    const victim = lab.hosts[1]!.name;
    const running = rig(['run', 'test/fixtures/playbooks/interrupted.ts', '-i', inv, '-l', victim, '-e', '{"slow": true}']);
    // wait until the notifying change is applied (and its notification persisted), then cut the host off
    for (let i = 0; i < 100; i++) {
      if ((await lab.exec(victim, 'test -e /srv/rig-interrupted.conf && echo yes')).stdout.trim() === 'yes') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await lab.stop(victim);
    const first = await running;
    expect(first.code).toBe(4);
    expect((await lab.exec(victim, `cat /var/lib/rig/pending-handlers.d/${recordFileName(victim)}`)).stdout).toContain('record handler');
    expect((await lab.exec(victim, 'cat /srv/rig-interrupted-handler.log 2>/dev/null | wc -l')).stdout.trim()).toBe('0');
    await lab.start(victim);
    const second = await rig(['run', 'test/fixtures/playbooks/interrupted.ts', '-i', inv, '-l', victim]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(tasksWithStatus(second, 'changed')[victim]).toEqual([expect.stringMatching(/^record handler@/)]);
    expect((await lab.exec(victim, 'cat /srv/rig-interrupted-handler.log | wc -l')).stdout.trim()).toBe('1');
    expect((await lab.exec(victim, `test -e /var/lib/rig/pending-handlers.d/${recordFileName(victim)} && echo yes || echo no`)).stdout.trim()).toBe('no');
  });

  it('an unreachable host is reported as such (exit 4) while the others converge', async () => {
    const dir = tempDir('rig-inv-unreach-');
    const inv2 = await lab.writeInventory(dir);
    // a host nothing listens for
    const hostsFile = path.join(inv2, 'hosts.yml');
    const doc = JSON.parse(readFileSync(hostsFile, 'utf8').replace(/^#.*\n/, '')) as { all: { hosts: Record<string, unknown> } };
    doc.all.hosts.ghost = { ansible_host: '127.0.0.254', ansible_port: 2 };
    writeFileSync(hostsFile, JSON.stringify(doc));
    const run = await rig(['run', 'test/fixtures/playbooks/interrupted.ts', '-i', inv2]);
    expect(run.code).toBe(4);
    expect(run.report!.recap.ghost!.unreachable).toBe(1);
    for (const h of lab.hosts) expect(run.report!.recap[h.name]!.failed).toBe(0);
  });

  it('an unknown host key is refused', async () => {
    const dir = tempDir('rig-inv-nokeys-');
    const empty = path.join(tempDir('rig-kh-'), 'empty_known_hosts');
    writeFileSync(empty, '');
    const inv3 = await lab.writeInventory(dir, { hostVars: { [lab.hosts[0]!.name]: { rig_known_hosts_file: empty } } });
    const run = await rig(['run', 'test/fixtures/playbooks/interrupted.ts', '-i', inv3, '-l', lab.hosts[0]!.name], { HOME: dir });
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(run.stdout + run.stderr).toMatch(/host key/i);
  });

  it('--list-tasks and --list-hosts need no connection', async () => {
    const run = await rig(['run', repoPath('playbooks/example.ts'), '-i', inv, '--list-tasks', '--list-hosts']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('example : app config');
    expect(run.stdout).toContain(lab.hosts[4]!.name);
  });
});
