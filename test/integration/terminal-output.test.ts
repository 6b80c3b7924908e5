/**
 * What a person reads, from the real CLI on real sshd hosts: loop items as (item=…) with a label, delegation as
 * [a -> b], an ignored failure with ...ignoring and ignored=1, registered stdout without its newline, -t with an
 * unknown tag, the live tree in a real pty with NO_COLOR, and --accept-new-host-keys writing the known_hosts file rig
 * reads (rig_known_hosts_file), announced as OpenSSH does.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.ts';
import { hasColor, ptyUnavailable, runInPty, stripAnsi } from '../support/pty.ts';
import { rig } from './engine/cli.ts';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED terminal output: ${avail.reason}`);
const noPty = ptyUnavailable();
if (avail.ok && noPty) console.warn(`SKIPPED terminal output in a pty: ${noPty}`);

describe.skipIf(!avail.ok)('terminal output of rig run', () => {
  let lab: TestHosts;
  let inv: string;
  let a: string;
  let b: string;
  const dir = tempDir('rig-term-');
  const pb = path.join(dir, 'pb.ts');
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  beforeAll(async () => {
    lab = await startTestHosts({ count: 2, prefix: 'trm' });
    inv = await lab.writeInventory(tempDir('rig-term-inv-'));
    [a, b] = lab.hosts.map((h) => h.name) as [string, string];
    writeFileSync(
      pb,
      `import { command, definePlaybook, shell, type TaskContext } from ${JSON.stringify(path.join(repo, 'src/index.ts'))};
type Mod = { name: string; persist: boolean };
const version = shell({ cmd: "printf 'v1.2\\\\n\\\\n'" }, { name: 'read version', changedWhen: false, tags: ['probe'] });
export default definePlaybook({
  hosts: 'all',
  gatherFacts: false,
  tasks: [
    command({ cmd: ['true'] }, { name: 'modules', loop: ['overlay', 'br_netfilter'], changedWhen: false }),
    command((ctx: TaskContext<Mod>) => ({ cmd: ['echo', ctx.item.name] }), { name: 'labelled', loop: [{ name: 'overlay', persist: true }], label: (ctx: TaskContext<Mod>) => ctx.item.name, changedWhen: false }),
    command({ cmd: ['hostname'] }, { name: 'on the first host', delegateTo: ${JSON.stringify('A')}, changedWhen: false }),
    command({ cmd: ['false'] }, { name: 'may fail', ignoreErrors: true }),
    version,
    command((ctx) => ({ cmd: ['printf', '[%s]', ctx.result(version).stdout ?? ''] }), { name: 'use version', changedWhen: false, tags: ['probe'] }),
  ],
});
`.replace('"A"', JSON.stringify(a)),
    );
  });
  afterAll(async () => lab?.dispose());

  it('piped: Ansible lines for items, delegation and an ignored failure; stdout registered without its newline; JSON', async () => {
    const run = await rig(['run', pb, '-i', inv, '-v']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    for (const h of [a, b]) {
      expect(lines).toEqual(expect.arrayContaining([`ok: [${h}] => (item=overlay)`, `ok: [${h}] => (item=br_netfilter)`]));
      expect(lines.some((l) => l.startsWith(`fatal: [${h}]: FAILED! => command failed (rc=1)`))).toBe(true);
      // the printf of the next task got "v1.2", not "v1.2\n\n"
      expect(lines).toContain('      [v1.2]');
    }
    expect(lines).toContain(`ok: [${b} -> ${a}]`);
    expect(lines).toContain(`ok: [${a}]`);
    expect(lines.filter((l) => l === '...ignoring')).toHaveLength(2);
    expect(lines.find((l) => l.startsWith(`${b} `))).toMatch(/failed=0 +skipped=0 +rescued=0 +ignored=1$/);
    expect(run.stderr).not.toContain('WARNING');
    const tasks = run.report!.plays[0]!.tasks as unknown as { name: string; results: Record<string, { delegatedTo?: string; ignored?: boolean; status: string; stdout?: string; items?: { label?: string }[] }> }[];
    const byName = (n: string) => tasks.find((t) => t.name === n)!.results;
    expect(byName('on the first host')[b]!.delegatedTo).toBe(a);
    expect(byName('labelled')[a]!.items!.map((i) => i.label)).toEqual(['overlay']);
    expect(byName('may fail')[a]).toMatchObject({ status: 'failed', ignored: true });
    expect(byName('read version')[a]!.stdout).toBe('v1.2');
  });

  it('-t with a tag no task has: a warning listing the tags, nothing runs, exit 0 (as ansible-playbook)', async () => {
    const run = await rig(['run', pb, '-i', inv, '-t', 'nosuchtag']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toContain("[WARNING] --tags: no task has the tag 'nosuchtag' (no task is selected: nothing runs); the playbook's tags: probe");
    expect(run.stdout).not.toContain('TASK [');
    const skip = await rig(['run', pb, '-i', inv, '--skip-tags', 'prob', '-t', 'probe']);
    expect(skip.code).toBe(0);
    expect(skip.stderr).toContain("[WARNING] --skip-tags: no task has the tag 'prob'; the playbook's tags: probe");
    expect(skip.stdout).toContain('TASK [use version]');
  });

  it.skipIf(noPty !== undefined)('on a terminal: the live tree, without color under NO_COLOR and with it otherwise', async () => {
    const env = { ...process.env, TERM: 'xterm-256color', HOME: process.env.HOME ?? '/root' } as NodeJS.ProcessEnv;
    delete env.CI;
    delete env.FORCE_COLOR;
    delete env.NO_COLOR;
    const argv = [process.execPath, path.join(repo, 'bin/rig.js'), 'run', pb, '-i', inv];
    const plain = await runInPty(argv, { env: { ...env, NO_COLOR: '1' }, cwd: repo });
    expect(plain.code, plain.output).toBe(0);
    expect(hasColor(plain.output), 'no color with NO_COLOR=1').toBe(false);
    const text = stripAnsi(plain.output).split('\n').map((l) => l.trimEnd());
    expect(text).toContain('⚠ TASK [may fail]  ignored=2');
    expect(text.some((l) => new RegExp(`^\\s+✔ ok: \\[${b} -> ${a}\\]$`).test(l))).toBe(true);
    expect(text).toContain(`ok: [${a}] => (item=overlay)`);
    const colored = await runInPty(argv, { env, cwd: repo });
    expect(colored.code, colored.output).toBe(0);
    expect(hasColor(colored.output)).toBe(true);
  });

  describe('--accept-new-host-keys', () => {
    const keyLine = (file: string) => readFileSync(file, 'utf8');

    it('writes rig_known_hosts_file (the file rig reads), creating its directory 0700, and says so as OpenSSH', async () => {
      const home = tempDir('rig-term-home-');
      const kh = path.join(tempDir('rig-term-kh-'), 'new-dir', 'known_hosts');
      const inv2 = await lab.writeInventory(tempDir('rig-term-inv2-'), { hostVars: { [a]: { rig_known_hosts_file: kh } } });
      const first = await rig(['run', pb, '-i', inv2, '-l', a, '--accept-new-host-keys', '-t', 'probe'], { HOME: home });
      expect(first.code, first.stdout + first.stderr).toBe(0);
      const addr = lab.hosts[0]!.address;
      expect(first.stderr).toContain(`Created directory '${path.dirname(kh)}' (mode 0700).`);
      expect(first.stderr).toContain(`Warning: Permanently added '${addr}' (ED25519) to the list of known hosts (${kh}).`);
      expect(keyLine(kh)).toMatch(new RegExp(`^${addr.replace(/\./g, '\\.')} ssh-ed25519 `));
      expect(statSync(path.dirname(kh)).mode & 0o777).toBe(0o700);
      expect(statSync(kh).mode & 0o777).toBe(0o600);
      // not the user's file: it was never read
      expect(existsSync(path.join(home, '.ssh'))).toBe(false);
      // the key is known now: no new line, no message, and the run without the flag connects
      const again = await rig(['run', pb, '-i', inv2, '-l', a, '-t', 'probe'], { HOME: home });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stderr).not.toContain('Permanently added');
      expect(keyLine(kh).split('\n').filter(Boolean)).toHaveLength(1);
    });

    it('without rig_known_hosts_file: creates ~/.ssh 0700 and ~/.ssh/known_hosts 0600', async () => {
      const home = tempDir('rig-term-home2-');
      const invDir = tempDir('rig-term-inv3-');
      await lab.writeInventory(invDir);
      // the harness sets rig_known_hosts_file for all hosts: drop it, so only ~/.ssh/known_hosts is read
      const hostsFile = path.join(invDir, 'hosts.yml');
      const doc = JSON.parse(readFileSync(hostsFile, 'utf8').replace(/^#.*\n/, '')) as { all: { vars: Record<string, unknown> } };
      delete doc.all.vars.rig_known_hosts_file;
      writeFileSync(hostsFile, JSON.stringify(doc));
      expect(readFileSync(hostsFile, 'utf8')).not.toContain('rig_known_hosts_file');
      const run = await rig(['run', pb, '-i', invDir, '-l', b, '--accept-new-host-keys', '-t', 'probe'], { HOME: home });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const file = path.join(home, '.ssh', 'known_hosts');
      expect(run.stderr).toContain(`Created directory '${path.join(home, '.ssh')}' (mode 0700).`);
      expect(run.stderr).toContain(`Warning: Permanently added '${lab.hosts[1]!.address}' (ED25519) to the list of known hosts (${file}).`);
      expect(statSync(path.join(home, '.ssh')).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });
  });
});
