/**
 * ansible-playbook's connection flags, `ansible_connection: local` and ansible.cfg, through the real CLI against real
 * sshd hosts (test/integration/harness): -u/--private-key, ansible_user over -u, -k password auth, -b, -c local,
 * --start-at-task, --syntax-check (no connection), --flush-cache, --step on a pseudo-terminal, ansible.cfg in the cwd.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { rig, repoPath } from './engine/cli.ts';
import { tempDir } from '../support/temp-dir.ts';
import { isolatedProject } from './engine/isolated-project.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED cli-flags integration tests: ${avail.reason}`);
const scriptTool = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!scriptTool) console.warn('SKIPPED --step test: util-linux `script` (to give rig a pseudo-terminal) is not installed');

let lab: TestHosts;
const { dir, env, RIG } = isolatedProject('rig-cli-flags-');

/** An inventory of the harness hosts with only address, port and known_hosts (plus `vars` per host). */
function bareInventory(name: string, vars: Record<string, Record<string, unknown>> = {}, address?: string): string {
  const inv = path.join(dir, name);
  mkdirSync(inv, { recursive: true });
  const hosts = Object.fromEntries(lab.hosts.map((h) => [h.name, { ansible_host: address ?? h.address, ansible_port: h.port, ...vars[h.name] }]));
  writeFileSync(path.join(inv, 'hosts.yml'), JSON.stringify({ all: { vars: { rig_known_hosts_file: lab.knownHostsFile }, hosts } }, null, 2));
  return inv;
}

/** A playbook file: `tasks` is TypeScript of the tasks array. */
function playbook(name: string, tasks: string, play = ''): string {
  const file = path.join(dir, `${name}.ts`);
  writeFileSync(file, `import { command, definePlaybook, shell } from ${RIG};\nexport default definePlaybook({ hosts: 'all', ${play} tasks: [${tasks}] });\n`);
  return file;
}

const whoPb = () => playbook('who', `shell({ cmd: 'umask 0; id -un >> /srv/who/log' }, { name: 'who' })`);
const who = async (host: string) => (await lab.exec(host, 'cat /srv/who/log; rm -f /srv/who/log')).stdout.trim().split('\n');

describe.skipIf(!avail.ok)('rig run connection flags and ansible.cfg on real sshd hosts', () => {
  beforeAll(async () => {
    lab = await startTestHosts({ count: 2, prefix: 'cli' });
    // a log every user may append to (umask 0 in the tasks): root's and the login user's lines in one file
    for (const h of lab.hosts) await lab.exec(h.name, 'mkdir -p /srv/who && chmod 0777 /srv/who');
  });
  afterAll(async () => lab?.dispose());

  it('-u and --private-key connect to hosts whose inventory names no user and no key; without them auth fails', async () => {
    const inv = bareInventory('inv-bare');
    const without = await rig(['run', whoPb(), '-i', inv], env);
    expect(without.code).toBe(4);
    const r = await rig(['run', whoPb(), '-i', inv, '-u', lab.user, '--private-key', lab.keyFile], env);
    expect(r.code, r.stderr).toBe(0);
    for (const h of lab.hosts) expect(await who(h.name)).toEqual([lab.user]);
    const alias = await rig(['run', whoPb(), '-i', inv, '-u', lab.user, '--key-file', lab.keyFile], env);
    expect(alias.code, alias.stderr).toBe(0);
    for (const h of lab.hosts) await who(h.name);
  });

  it("ansible_user in the inventory beats -u (the host with it connects as that user, the other as -u's)", async () => {
    const [a, b] = lab.hosts;
    const inv = bareInventory('inv-user', { [a!.name]: { ansible_user: lab.user } });
    const r = await rig(['run', whoPb(), '-i', inv, '-u', 'nosuchuser', '--private-key', lab.keyFile], env);
    expect(r.code).toBe(4);
    expect(r.report?.recap[a!.name]).toMatchObject({ unreachable: 0, changed: 1 });
    expect(r.report?.recap[b!.name]).toMatchObject({ unreachable: 1 });
    expect(r.stdout + r.stderr).toMatch(/nosuchuser@/);
    expect(await who(a!.name)).toEqual([lab.user]);
  });

  it('-k: SSH password authentication, the password from RIG_SSH_PASSWORD without a terminal', async () => {
    const inv = bareInventory('inv-pass');
    const r = await rig(['run', whoPb(), '-i', inv, '-u', lab.user, '-k'], { ...env, RIG_SSH_PASSWORD: lab.sudoPassword });
    expect(r.code, r.stderr).toBe(0);
    expect(r.reportText).not.toContain(lab.sudoPassword);
    for (const h of lab.hosts) expect(await who(h.name)).toEqual([lab.user]);
    const noTty = await rig(['run', whoPb(), '-i', inv, '-u', lab.user, '-k'], env);
    expect(noTty.code).toBe(5);
    expect(noTty.stderr).toMatch(/SSH password: needs a terminal[\s\S]*RIG_SSH_PASSWORD/);
  });

  it("-b becomes root in plays that do not say otherwise; a task's become: false and ansible_become: false still win", async () => {
    const [a, b] = lab.hosts;
    const inv = bareInventory('inv-become', { [b!.name]: { ansible_become: false } });
    const pb = playbook('become', `shell({ cmd: 'umask 0; id -un >> /srv/who/log' }, { name: 'default' }), shell({ cmd: 'umask 0; id -un >> /srv/who/log' }, { name: 'no', become: false })`);
    const r = await rig(['run', pb, '-i', inv, '-u', lab.user, '--private-key', lab.keyFile, '-b'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(await who(a!.name)).toEqual(['root', lab.user]);
    expect(await who(b!.name)).toEqual([lab.user, lab.user]);
  });

  it('-c local and ansible_connection: local run the tasks on the controller, as the controller user; facts too', async () => {
    /** A playbook writing "<user> <hostname>" to OUT/<inventory name>, on wherever the task runs. */
    const markPb = (out: string): string => {
      const file = path.join(dir, `mark-${path.basename(out)}.ts`);
      writeFileSync(file, `import { shell, definePlaybook } from ${RIG};\nexport default definePlaybook({ hosts: 'all', tasks: [shell((ctx) => ({ cmd: 'mkdir -p ${out} && printf "%s %s\\\\n" "$(id -un)" "$(hostname)" > ${out}/' + ctx.host.name }), { name: 'mark' })] });\n`);
      return file;
    };
    const me = `${userInfo().username} ${hostname()}`;
    // every host's address is unreachable (TEST-NET): only a local connection can run the task
    const out1 = tempDir('rig-local-out-');
    const viaFlag = await rig(['run', markPb(out1), '-i', bareInventory('inv-local-flag', {}, '192.0.2.1'), '-c', 'local'], env);
    expect(viaFlag.code, viaFlag.stdout + viaFlag.stderr).toBe(0);
    expect(lab.hosts.map((h) => readFileSync(path.join(out1, h.name), 'utf8').trim())).toEqual([me, me]);
    // a local, b over SSH: b's file is written on b (its own /tmp), not on the controller
    const [a, b] = lab.hosts;
    const out2 = tempDir('rig-local-out-');
    const vars = { [a!.name]: { ansible_connection: 'local', ansible_host: '192.0.2.1' }, [b!.name]: { ansible_user: lab.user, ansible_ssh_private_key_file: lab.keyFile } };
    const mixed = await rig(['run', markPb(out2), '-i', bareInventory('inv-local-var', vars)], env);
    expect(mixed.code, mixed.stdout + mixed.stderr).toBe(0);
    expect(readdirSync(out2)).toEqual([a!.name]);
    expect(readFileSync(path.join(out2, a!.name), 'utf8').trim()).toBe(me);
    expect((await lab.exec(b!.name, `cat ${out2}/${b!.name}`)).stdout.trim()).toBe(`${lab.user} ${b!.name}`);
    const facts = await rig(['facts', a!.name, '-i', bareInventory('inv-local-facts', { [a!.name]: { ansible_connection: 'local', ansible_host: '192.0.2.1' } })], env);
    expect(facts.code, facts.stderr).toBe(0);
    expect(JSON.parse(facts.stdout).hostname).toBe(hostname());
  });

  it('--start-at-task runs from the first matching task on; an unknown name is refused naming close ones', async () => {
    const inv = bareInventory('inv-start', Object.fromEntries(lab.hosts.map((h) => [h.name, { ansible_user: lab.user, ansible_ssh_private_key_file: lab.keyFile }])));
    const pb = playbook('start', ['one', 'two', 'three'].map((n) => `shell({ cmd: 'umask 0; echo ${n} >> /srv/who/log' }, { name: 'step ${n}' })`).join(', '));
    const r = await rig(['run', pb, '-i', inv, '--start-at-task', 'step t*'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report?.plays[0]?.tasks.map((t) => t.name)).toEqual(['step two', 'step three']);
    for (const h of lab.hosts) expect(await who(h.name)).toEqual(['two', 'three']);
    const bad = await rig(['run', pb, '-i', inv, '--start-at-task', 'step thre'], env);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain("--start-at-task: no task named 'step thre' in the playbook");
    expect(bad.stderr).toContain("'step three'");
  });

  it('--syntax-check connects to nothing (unreachable hosts are fine): exit 0, and 4 for a bad playbook', async () => {
    const inv = bareInventory('inv-syntax', {}, '192.0.2.1');
    const started = Date.now();
    const ok = await rig(['run', whoPb(), '-i', inv, '--syntax-check', '-T', '30'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`playbook: ${whoPb()}`);
    expect(Date.now() - started).toBeLessThan(25_000);
    const bad = playbook('bad', `command({ cmd: 'true', nosuch: 1 } as never)`);
    const r = await rig(['run', bad, '-i', inv, '--syntax-check'], env);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/nosuch/);
    // a bad option is a usage error, 5, as Ansible's AnsibleOptionsError (ansible.cfg forks = x)
    const project = tempDir('rig-syntax-cfg-');
    writeFileSync(path.join(project, 'ansible.cfg'), '[defaults]\nforks = x\n');
    const opt = await rig(['run', whoPb(), '-i', inv, '--syntax-check'], env, { cwd: project });
    expect(opt.code).toBe(5);
    expect(opt.stderr).toContain(`${path.join(project, 'ansible.cfg')}:2: [defaults] forks must be an integer, got 'x'`);
  });

  it("--flush-cache forgets the saved facts of the inventory's hosts", async () => {
    const inv = bareInventory('inv-flush', Object.fromEntries(lab.hosts.map((h) => [h.name, { ansible_user: lab.user, ansible_ssh_private_key_file: lab.keyFile }])));
    const cache = path.join(env.XDG_CACHE_HOME, 'rig', 'facts');
    const r = await rig(['run', whoPb(), '-i', inv], env);
    expect(r.code, r.stderr).toBe(0);
    const saved = () => (existsSync(cache) ? readdirSync(cache).filter((f) => lab.hosts.some((h) => f.startsWith(`${h.name}@${h.address}:`))) : []);
    expect(saved()).toHaveLength(2);
    const flushed = await rig(['run', whoPb(), '-i', inv, '--flush-cache', '--list-hosts'], env);
    expect(flushed.code, flushed.stderr).toBe(0);
    expect(saved()).toEqual([]);
    for (const h of lab.hosts) await who(h.name);
  });

  it.skipIf(!scriptTool)('--step asks before each task on a terminal: y runs, n skips, c runs the rest; no terminal is an error', async () => {
    const inv = bareInventory('inv-step', Object.fromEntries(lab.hosts.map((h) => [h.name, { ansible_user: lab.user, ansible_ssh_private_key_file: lab.keyFile }])));
    const pb = playbook('step', ['one', 'two', 'three', 'four'].map((n) => `shell({ cmd: 'umask 0; echo ${n} >> /srv/who/log' }, { name: 'task ${n}' })`).join(', '));
    const cmd = [process.execPath, repoPath('bin/rig.js'), 'run', pb, '-i', inv, '--step'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { input: 'y\nn\nc\n', encoding: 'utf8', env: { ...process.env, ...env, CI: 'true' }, timeout: 120_000 });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout.match(/Perform task: TASK: task \w+/g)).toEqual(['Perform task: TASK: task one', 'Perform task: TASK: task two', 'Perform task: TASK: task three']);
    for (const h of lab.hosts) expect(await who(h.name)).toEqual(['one', 'three', 'four']);
    const noTty = await rig(['run', pb, '-i', inv, '--step'], env);
    expect(noTty.code).toBe(5);
    expect(noTty.stderr).toContain('--step asks before each task and needs a terminal');
  });

  it('ansible.cfg in the working directory gives the inventory, forks, remote_user and private_key_file; flags win', async () => {
    const project = tempDir('rig-cfg-project-');
    writeFileSync(path.join(project, 'package.json'), '{"type": "module"}\n');
    const inv = bareInventory('inv-cfg');
    writeFileSync(path.join(project, 'ansible.cfg'), `[defaults]\ninventory = ${path.relative(project, inv)}\nforks = 1\nremote_user = ${lab.user}\nprivate_key_file = ${lab.keyFile}\nretry_files_enabled = False\n`);
    // forks = 1: the hosts' task intervals do not overlap
    const pb = playbook('forks', `shell({ cmd: 'umask 0; echo "$(date +%s%N) $(sleep 0.5; date +%s%N)" >> /srv/who/log' }, { name: 'interval' })`);
    const r = await rig(['run', pb], env, { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.replace(/\u001b\[\d+m/g, '')).toContain(`[WARNING] ${path.join(project, 'ansible.cfg')}:6: [defaults] retry_files_enabled is not read by rig`);
    const spans = await Promise.all(lab.hosts.map(async (h) => (await who(h.name))[0]!.split(' ').map(BigInt)));
    const [x, y] = spans.sort((p, q) => (p[0]! < q[0]! ? -1 : 1));
    expect(x![1]! <= y![0]!).toBe(true);
    const wrongUser = await rig(['run', whoPb(), '-u', 'nosuchuser'], env, { cwd: project });
    expect(wrongUser.code).toBe(4);
    const envUser = await rig(['run', whoPb()], { ...env, ANSIBLE_REMOTE_USER: 'nosuchuser' }, { cwd: project });
    expect(envUser.code).toBe(4);
  });
});
