/** rig_known_hosts_file values that cannot work are input errors found before connecting (host, variable, file:line,
 *  what to do), never a hang (Node's recursive mkdir spins on /proc) or a raw errno after the handshake. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { controllerProblems } from '../../../src/cli/controller-checks.ts';
import { knownHostsFileProblem } from '../../../src/connection/index.ts';
import { makeKnownHostsDir } from '../../../src/connection/known-hosts-file.ts';
import { definePlaybook } from '../../../src/index.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

const root = process.getuid?.() === 0;

/** A sandbox: a regular file, a directory, an existing known_hosts. */
function sandbox(): string {
  const dir = tempDir('rig-kh-');
  writeFileSync(path.join(dir, 'plain'), 'not a dir\n');
  mkdirSync(path.join(dir, 'adir'));
  writeFileSync(path.join(dir, 'known_hosts'), '');
  return dir;
}

describe('knownHostsFileProblem', () => {
  const cases: { file: string; acceptNew?: boolean; reason?: RegExp; hint?: RegExp }[] = [
    { file: 'known_hosts' },
    { file: 'known_hosts', acceptNew: true },
    { file: 'missing', acceptNew: true },
    { file: 'new/dir/known_hosts', acceptNew: true },
    { file: 'new/dir/known_hosts' },
    { file: '/dev/null' },
    { file: '/dev/null', acceptNew: true },
    { file: '/proc/nope/known_hosts', reason: /is under \/proc, a kernel interface/ },
    { file: '/proc/nope/known_hosts', acceptNew: true, reason: /is under \/proc, a kernel interface/ },
    { file: '/sys/kernel/kh', acceptNew: true, reason: /is under \/sys/ },
    { file: '/dev/fd/kh', acceptNew: true, reason: /leads into \/proc \(\/dev\/fd is \/proc\/\d+\/fd\)/ },
    { file: 'adir', reason: /^is a directory, not a known_hosts file$/, hint: /name a file in it, e\.g\. .*\/adir\/known_hosts/ },
    { file: 'plain/known_hosts', reason: /^cannot exist: .*\/plain is a file, not a directory$/ },
    { file: 'plain/sub/known_hosts', acceptNew: true, reason: /^cannot exist: .*\/plain is a file, not a directory$/ },
    { file: '/dev/zero', reason: /^is not a regular file$/ },
  ];
  for (const c of cases) {
    it(`${c.file}${c.acceptNew ? ' (accept-new)' : ''}: ${c.reason ?? 'usable'}`, () => {
      const dir = sandbox();
      const file = path.isAbsolute(c.file) ? c.file : path.join(dir, c.file);
      const p = knownHostsFileProblem(file, { acceptNew: c.acceptNew ?? false });
      if (!c.reason) expect(p).toBeUndefined();
      else {
        expect(p?.reason).toMatch(c.reason);
        expect(p?.hint).toMatch(c.hint ?? /known_hosts/);
      }
      // the check creates nothing
      expect(existsSync(path.join(dir, 'new'))).toBe(false);
    });
  }

  // root may read and write any file: as root the permission cases run as nobody (setpriv), as anyone else directly
  const setpriv = spawnSync('setpriv', ['--version']).status === 0;
  const canRun = !root || setpriv;
  if (!canRun) console.warn('SKIPPED permission cases of knownHostsFileProblem: running as root without setpriv to drop privileges');
  it.skipIf(!canRun)('unreadable, unwritable (accept-new), uncreatable and unsearchable paths, as an unprivileged user', () => {
    const dir = tempDir('rig-kh-perm-');
    chmodSync(dir, 0o755);
    const file = (name: string, mode: number) => (writeFileSync(path.join(dir, name), ''), chmodSync(path.join(dir, name), mode), path.join(dir, name));
    const sub = (name: string, mode: number) => (mkdirSync(path.join(dir, name)), chmodSync(path.join(dir, name), mode), path.join(dir, name));
    const cases: [string, boolean, RegExp | undefined][] = [
      [file('wo', 0o200), false, /^cannot be read \(permission denied\)$/],
      [file('ro', 0o400), false, undefined],
      [path.join(dir, 'ro'), true, /^is not writable, and --accept-new-host-keys appends new keys to it$/],
      [path.join(sub('rx', 0o500), 'x/kh'), true, /^cannot be created: directory .*\/rx is not writable$/],
      [path.join(dir, 'rx/x/kh'), false, undefined],
      [path.join(sub('none', 0o000), 'kh'), false, /^cannot be looked at: .*\/none\/kh: permission denied$/],
    ];
    if (root) execFileSync('chown', ['-R', '65534:65534', dir]);
    const script = `import('${path.resolve('src/connection/known-hosts-file.ts')}').then((m) => console.log(JSON.stringify(${JSON.stringify(cases.map(([f, a]) => [f, a]))}.map(([f, a]) => m.knownHostsFileProblem(f, { acceptNew: a })?.reason ?? null))))`;
    const args = ['--import', 'tsx', '-e', script];
    const out = root
      ? execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args], { encoding: 'utf8', cwd: process.cwd() })
      : execFileSync(process.execPath, args, { encoding: 'utf8' });
    const reasons = JSON.parse(out.trim().split('\n').pop()!) as (string | null)[];
    cases.forEach(([f, , want], i) => (want ? expect(reasons[i], f).toMatch(want) : expect(reasons[i], f).toBeNull()));
  });
});

describe('makeKnownHostsDir', () => {
  it('creates the missing levels 0700, one at a time, and names the top-most it created', () => {
    const dir = tempDir('rig-kh-mk-');
    expect(makeKnownHostsDir(path.join(dir, 'a/b/c'))).toBe(path.join(dir, 'a'));
    for (const d of ['a', 'a/b', 'a/b/c']) expect(statSync(path.join(dir, d)).mode & 0o777).toBe(0o700);
    expect(makeKnownHostsDir(path.join(dir, 'a/b/c'))).toBeUndefined();
  });
  it('refuses /proc and /sys at once (Node\'s recursive mkdir spins there forever)', () => {
    expect(() => makeKnownHostsDir('/proc/nope')).toThrow(/under \/proc, a kernel interface/);
    expect(() => makeKnownHostsDir('/sys/x/y')).toThrow(/under \/sys/);
  });
  it('a regular file on the way is mkdir\'s ENOTDIR/EEXIST error, not a hang', () => {
    const dir = sandbox();
    expect(() => makeKnownHostsDir(path.join(dir, 'plain/sub'))).toThrow(/ENOTDIR|EEXIST/);
  });
});

describe('controllerProblems: rig_known_hosts_file of the targeted hosts', () => {
  it('one problem per origin and reason, naming every host, the variable and its file:line, before any connection', async () => {
    const dir = sandbox();
    const inv = tempDir('rig-kh-inv-');
    writeFileSync(
      path.join(inv, 'hosts.yml'),
      [
        'all:',
        '  vars:',
        `    rig_known_hosts_file: ${dir}/known_hosts`,
        '  hosts:',
        '    ok1:',
        '    proc1:',
        '      rig_known_hosts_file: /proc/nope/known_hosts',
        '    dir1:',
        `      rig_known_hosts_file: ${dir}/adir`,
        '    dir2:',
        `      rig_known_hosts_file: ${dir}/adir`,
        '    under1:',
        `      rig_known_hosts_file: ${dir}/plain/kh`,
        '',
      ].join('\n'),
    );
    const inventory = await loadInventory(inv);
    const pb = definePlaybook({ hosts: 'all', tasks: [] });
    const problems = await controllerProblems(pb, inventory, { acceptNewHostKeys: true });
    expect(problems.map((p) => [p.where, p.message])).toEqual([
      [`${inv}/hosts.yml:7`, 'host "proc1": rig_known_hosts_file /proc/nope/known_hosts is under /proc, a kernel interface, not a place for a known_hosts file'],
      [`${inv}/hosts.yml:9`, `host "dir1": rig_known_hosts_file ${dir}/adir is a directory, not a known_hosts file`],
      [`${inv}/hosts.yml:11`, `host "dir2": rig_known_hosts_file ${dir}/adir is a directory, not a known_hosts file`],
      [`${inv}/hosts.yml:13`, `host "under1": rig_known_hosts_file ${dir}/plain/kh cannot exist: ${dir}/plain is a file, not a directory`],
    ]);
    // hosts the run does not target are not checked
    expect(await controllerProblems(pb, inventory, { limit: 'ok1', acceptNewHostKeys: true })).toEqual([]);
  });
});
