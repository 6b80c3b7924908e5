import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.ts';
import { validationError, writeTree } from './helpers.ts';

/** An inventory where host h1 (in group g) gets `value` for `name` from group_vars/g.yml, line 2. */
const withVar = (name: string, value: string): string =>
  writeTree({ 'hosts.yml': 'all:\n  children:\n    g:\n      hosts:\n        h1:\n', 'group_vars/g.yml': `# connection\n${name}: ${value}\n` });

describe('connection variables rig cannot honour are errors naming host, variable, value and file:line', () => {
  const bad: { name: string; value: string; message: string; hint?: RegExp }[] = [
    { name: 'ansible_become_method', value: 'pbrun', message: 'ansible_become_method is "pbrun", but rig becomes another user only with sudo', hint: /one of: sudo, ansible\.builtin\.sudo/ },
    { name: 'ansible_become_method', value: 'su', message: 'ansible_become_method is "su", but rig becomes another user only with sudo' },
    { name: 'ansible_become_method', value: 'community.general.doas', message: 'ansible_become_method is "community.general.doas", but rig becomes another user only with sudo' },
    { name: 'ansible_become_method', value: '5', message: 'ansible_become_method is 5, but rig becomes another user only with sudo' },
    { name: 'ansible_connection', value: 'docker', message: 'ansible_connection is "docker", but rig connects only over SSH or locally (ssh, local)', hint: /ssh, smart, paramiko.*, local/ },
    { name: 'ansible_connection', value: 'winrm', message: 'ansible_connection is "winrm", but rig connects only over SSH or locally (ssh, local)' },
    { name: 'ansible_port', value: '0', message: 'ansible_port must be a port number 1–65535, got 0' },
    { name: 'ansible_port', value: '65536', message: 'ansible_port must be a port number 1–65535, got 65536' },
    { name: 'ansible_port', value: '22.5', message: 'ansible_port must be a port number 1–65535, got 22.5' },
    { name: 'ansible_port', value: "'22x'", message: 'ansible_port must be a port number 1–65535, got "22x"' },
    { name: 'ansible_ssh_port', value: 'yes', message: 'ansible_ssh_port must be a port number 1–65535, got true' },
    { name: 'ansible_become', value: 'maybe', message: 'ansible_become must be a boolean (yes/no/true/false/1/0), got "maybe"' },
    { name: 'ansible_become', value: '2', message: 'ansible_become must be a boolean (yes/no/true/false/1/0), got 2' },
    { name: 'ansible_timeout', value: 'soon', message: 'ansible_timeout must be a positive number of seconds, got "soon"' },
    { name: 'rig_timeout', value: '-1', message: 'rig_timeout must be a positive number of seconds, got -1' },
    // a number or a relative path would be written inside the inventory directory (which -i then reads as inventory)
    { name: 'rig_known_hosts_file', value: '42', message: 'rig_known_hosts_file must be the path of a known_hosts file, got 42', hint: /absolute path or one under your home directory/ },
    { name: 'rig_known_hosts_file', value: 'true', message: 'rig_known_hosts_file must be the path of a known_hosts file, got true' },
    { name: 'rig_known_hosts_file', value: '[/a, /b]', message: 'rig_known_hosts_file must be the path of a known_hosts file, got ["/a","/b"]' },
    { name: 'rig_known_hosts_file', value: "' '", message: 'rig_known_hosts_file must be the path of a known_hosts file, got " "' },
    { name: 'rig_known_hosts_file', value: 'known_hosts', message: 'rig_known_hosts_file is the relative path "known_hosts": rig takes an absolute path or ~/… (a relative one would be written inside the inventory directory, which -i reads as inventory)', hint: /~\/\.ssh\/known_hosts_lab/ },
    { name: 'rig_known_hosts_file', value: './kh', message: 'rig_known_hosts_file is the relative path "./kh": rig takes an absolute path or ~/… (a relative one would be written inside the inventory directory, which -i reads as inventory)' },
    { name: 'rig_known_hosts_file', value: '~user/kh', message: 'rig_known_hosts_file is the relative path "~user/kh": rig takes an absolute path or ~/… (a relative one would be written inside the inventory directory, which -i reads as inventory)' },
  ];
  for (const c of bad) {
    it(`${c.name}: ${c.value}`, async () => {
      const dir = withVar(c.name, c.value);
      const err = await validationError(loadInventory(dir));
      expect(err.problems).toEqual([expect.objectContaining({ where: `${dir}/group_vars/g.yml:2`, message: `host "h1": ${c.message}` })]);
      if (c.hint) expect(err.problems[0]!.hint).toMatch(c.hint);
    });
  }

  const good: { name: string; value: string; check: (h: { ssh: { port: number }; become: boolean }) => void }[] = [
    { name: 'ansible_become_method', value: 'sudo', check: () => {} },
    { name: 'ansible_become_method', value: 'ansible.builtin.sudo', check: () => {} },
    { name: 'ansible_connection', value: 'ssh', check: () => {} },
    { name: 'ansible_connection', value: 'smart', check: () => {} },
    { name: 'ansible_connection', value: 'local', check: (h) => expect((h as { connection?: string }).connection).toBe('local') },
    { name: 'ansible_connection', value: 'ansible.builtin.local', check: (h) => expect((h as { connection?: string }).connection).toBe('local') },
    { name: 'ansible_port', value: "'2222'", check: (h) => expect(h.ssh.port).toBe(2222) },
    { name: 'ansible_port', value: '65535', check: (h) => expect(h.ssh.port).toBe(65535) },
    { name: 'ansible_become', value: 'yes', check: (h) => expect(h.become).toBe(true) },
    { name: 'ansible_become', value: "'t'", check: (h) => expect(h.become).toBe(true) },
    { name: 'ansible_become', value: '0', check: (h) => expect(h.become).toBe(false) },
    { name: 'ansible_timeout', value: "'30'", check: () => {} },
    { name: 'ansible_timeout', value: '2.5', check: () => {} },
    { name: 'rig_known_hosts_file', value: '/etc/rig/kh', check: (h) => expect((h.ssh as { knownHostsFile?: string }).knownHostsFile).toBe('/etc/rig/kh') },
    { name: 'rig_known_hosts_file', value: '~/.ssh/kh', check: (h) => expect((h.ssh as { knownHostsFile?: string }).knownHostsFile).toBe(`${process.env.HOME}/.ssh/kh`) },
  ];
  for (const c of good) {
    it(`${c.name}: ${c.value} is accepted`, async () => {
      const inv = await loadInventory(withVar(c.name, c.value));
      c.check(inv.host('h1')!);
    });
  }

  it('a group value reaches every host of the group: one error per host', async () => {
    const dir = writeTree({ 'hosts.yml': 'all:\n  children:\n    g:\n      vars:\n        ansible_become_method: pbrun\n      hosts:\n        a:\n        b:\n' });
    const err = await validationError(loadInventory(dir));
    expect(err.problems.map((p) => `${p.where} ${p.message}`)).toEqual([
      `${dir}/hosts.yml:5 host "a": ansible_become_method is "pbrun", but rig becomes another user only with sudo`,
      `${dir}/hosts.yml:5 host "b": ansible_become_method is "pbrun", but rig becomes another user only with sudo`,
    ]);
  });

  it('records where each connection variable came from', async () => {
    const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    h1:\n      ansible_user: deploy\n', 'host_vars/h1.yml': 'ansible_ssh_private_key_file: keys/id\n' });
    const inv = await loadInventory(dir);
    expect(inv.varOrigin?.('h1', 'ansible_ssh_private_key_file')).toBe(`${dir}/host_vars/h1.yml:1`);
    expect(inv.varOrigin?.('h1', 'ansible_user')).toBe(`${dir}/hosts.yml:4`);
    expect(inv.varOrigin?.('h1', 'ansible_port')).toBeUndefined();
    expect(inv.host('h1')!.ssh.identityFiles).toEqual([`${dir}/keys/id`]);
  });
});

describe("legacy ansible_ssh_* names win over the current ones, as in Ansible's ConfigManager (last listed var wins); rig_* above both", () => {
  const cases: { vars: Record<string, string | number>; want: { address?: string; port?: number; user?: string; password?: string } }[] = [
    { vars: { ansible_host: 'new.example', ansible_ssh_host: 'old.example' }, want: { address: 'old.example' } },
    { vars: { ansible_port: 2201, ansible_ssh_port: 2202 }, want: { port: 2202 } },
    { vars: { ansible_user: 'new', ansible_ssh_user: 'old' }, want: { user: 'old' } },
    { vars: { ansible_password: 'newpw', ansible_ssh_pass: 'oldpw' }, want: { password: 'oldpw' } },
    { vars: { ansible_host: 'new.example', ansible_ssh_host: 'old.example', rig_host: 'rig.example' }, want: { address: 'rig.example' } },
    { vars: { ansible_port: 2201, ansible_ssh_port: 2202, rig_port: 2203 }, want: { port: 2203 } },
    { vars: { ansible_user: 'new', ansible_ssh_user: 'old', rig_user: 'rig' }, want: { user: 'rig' } },
    { vars: { ansible_password: 'newpw', ansible_ssh_pass: 'oldpw', rig_password: 'rigpw' }, want: { password: 'rigpw' } },
    { vars: { ansible_host: 'new.example' }, want: { address: 'new.example' } },
  ];
  for (const c of cases) {
    it(Object.keys(c.vars).join(' + '), async () => {
      const lines = Object.entries(c.vars).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}\n`).join('');
      const inv = await loadInventory(writeTree({ 'hosts.yml': `all:\n  hosts:\n    h1:\n${lines}` }));
      const ssh = inv.host('h1')!.ssh;
      const got = { address: ssh.address, port: ssh.port, user: ssh.user, password: ssh.password };
      expect(Object.fromEntries(Object.keys(c.want).map((k) => [k, got[k as keyof typeof got]]))).toEqual(c.want);
    });
  }
});
