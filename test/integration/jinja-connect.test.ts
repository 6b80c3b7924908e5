/**
 * Jinja in inventory vars on real sshd hosts through the real CLI: ansible_host/ansible_port/ansible_user given as
 * templates connect; a task reads a rendered var (typed: one `{{ expr }}` keeps its number); an undefined name in a
 * connection var or a var a task reads stops the run with the variable, its file:line and the host, nothing applied.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { rig } from './engine/cli.ts';
import { tempDir } from '../support/temp-dir.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED Jinja connection tests: ${avail.reason}`);

let lab: TestHosts;
const PLAYBOOK = 'test/fixtures/playbooks/jinja-vars.ts';

/** An inventory dir whose connection vars are Jinja; `hostExtra` adds YAML lines under each host. */
function inventory(hostExtra = ''): string {
  const dir = tempDir('rig-jinja-inv-');
  mkdirSync(path.join(dir, 'group_vars'));
  // the harness's known_hosts has port-22 lines; sshd also listens on 2222 ([addr]:2222 lines added here)
  const kh = path.join(tempDir('rig-jinja-kh-'), 'known_hosts'); // not in the inventory dir: every file there is inventory
  writeFileSync(kh, lab.hosts.map((h) => `${h.hostKeyLine}\n[${h.address}]:2222 ${h.hostKeyLine.split(' ').slice(1).join(' ')}\n`).join(''));
  writeFileSync(path.join(dir, 'group_vars', 'all.yml'), `admin_user: ${lab.user}\nansible_user: "{{ admin_user }}"\nbase_port: 2221\nlisten_port: "{{ base_port + 1000 }}"\n`);
  const hosts = lab.hosts
    .map((h) => `    ${h.name}:\n      ip: ${h.address}\n      ansible_host: "{{ ip }}"\n      ansible_port: "{{ base_port + 1 }}"\n      motd: "hello {{ inventory_hostname }} via {{ ansible_host }}:{{ ansible_port }} as {{ ansible_user }}"\n${hostExtra}`)
    .join('');
  writeFileSync(
    path.join(dir, 'hosts.yml'),
    `all:\n  vars:\n    ansible_ssh_private_key_file: ${lab.keyFile}\n    rig_known_hosts_file: ${kh}\n  hosts:\n${hosts}`,
  );
  return dir;
}

const exists = async (host: string, p: string): Promise<boolean> => (await lab.exec(host, `test -e ${p} && echo yes || echo no`)).stdout.trim() === 'yes';

describe.skipIf(!avail.ok)('Jinja in inventory vars over real SSH', () => {
  beforeAll(async () => {
    lab = await startTestHosts({ count: 2, prefix: 'jin' });
  });
  afterAll(async () => lab?.dispose());

  it('connects with ansible_host/ansible_port/ansible_user from templates, and tasks read rendered values', async () => {
    const inv = inventory();
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const h of lab.hosts) {
      const motd = (await lab.exec(h.name, 'cat /srv/rig-jinja/motd')).stdout;
      expect(motd).toBe(`hello ${h.name} via ${h.address}:2222 as ${lab.user}\n3221 number\n`);
    }
    // rig inventory prints the raw templates, as ansible-inventory does
    const host = await rig(['inventory', '-i', inv, '--host', lab.hosts[0]!.name]);
    expect(JSON.parse(host.stdout)).toMatchObject({ ansible_host: '{{ ip }}', ansible_port: '{{ base_port + 1 }}' });
    await Promise.all(lab.hosts.map((h) => lab.exec(h.name, 'rm -rf /srv/rig-jinja')));
  });

  it("inventory Jinja reads facts by Ansible's names once gathered (ansible_hostname, ansible_default_ipv4, ansible_os_family)", async () => {
    const inv = inventory(`      facts_line: "{{ ansible_hostname }} {{ ansible_default_ipv4.address | default('none') }} {{ ansible_os_family }} {{ ansible_facts.distribution }}"\n`);
    const run = await rig(['run', 'test/fixtures/playbooks/jinja-facts.ts', '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const h of lab.hosts) {
      const [name, addr, family, distro] = (await lab.exec(h.name, 'cat /srv/rig-jinja-facts')).stdout.trim().split(' ');
      expect(name).toBe((await lab.exec(h.name, 'hostname -s')).stdout.trim());
      expect(addr).toMatch(/^(\d+\.){3}\d+$|^none$/);
      expect(family).toBe('Debian');
      expect(distro).toBe('Debian');
    }
    await Promise.all(lab.hosts.map((h) => lab.exec(h.name, 'rm -f /srv/rig-jinja-facts')));
  });

  it('an undefined name in a connection var stops the run before any connection, naming var, file:line and host', async () => {
    const inv = inventory();
    writeFileSync(path.join(inv, 'group_vars', 'all.yml'), `ansible_user: "{{ no_such_admin }}"\nbase_port: 2221\nlisten_port: 1\n`);
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/group_vars\/all\.yml:1: host jin1: variable 'ansible_user' .*'no_such_admin' is undefined/);
    expect(run.stderr).toMatch(/host jin2: variable 'ansible_user'/);
    for (const h of lab.hosts) expect(await exists(h.name, '/srv/rig-jinja')).toBe(false);
  });

  it('an undefined name in a var a task reads fails before anything is applied on any host', async () => {
    const inv = inventory('      unused: "{{ nobody_defines_this_either }}"\n');
    const hostsYml = path.join(inv, 'hosts.yml');
    // the second host's motd refers to a name nobody defines
    const text = readFileSync(hostsYml, 'utf8').replace(/(jin2:\n(?:.*\n)*?\s+motd: )".*"/, '$1"{{ undefined_motd_name }}"');
    writeFileSync(hostsYml, text);
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(5);
    expect(run.stderr).toMatch(/hosts\.yml:\d+: host jin2: variable 'motd' .*'undefined_motd_name' is undefined/);
    expect(run.stderr).not.toContain('nobody_defines_this_either');
    for (const h of lab.hosts) expect(await exists(h.name, '/srv/rig-jinja')).toBe(false);
  });
});
