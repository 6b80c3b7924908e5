/**
 * Precedence of connection settings as data: command line > ANSIBLE_* environment > ansible.cfg > default, and an
 * inventory variable of the host above all of them (ansible-core: `vars:` beat `cli:`/`env:`/`ini:` for connection
 * options; -b/--become-user are keyword defaults that ansible_become/ansible_become_user override).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnsibleCfg } from '../../../src/cli/ansible-cfg.ts';
import { resolveSettings, type SettingFlags } from '../../../src/cli/run-settings.ts';
import { inventoryWithDefaults, loadInventory } from '../../../src/inventory/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

interface Case {
  readonly name: string;
  readonly flags?: SettingFlags;
  readonly cfg?: string;
  readonly env?: Record<string, string>;
  /** YAML lines of host h1's vars. */
  readonly vars?: string;
  readonly want: Partial<{ user: string; key: string; port: number; connection: string; become: boolean; becomeUser: string; forks: number; timeout: number; acceptNew: boolean; inventory: string }>;
}

const cases: Case[] = [
  { name: 'nothing set: defaults', want: { connection: 'ssh', become: false, forks: 50, timeout: 10, acceptNew: false, port: 22 } },
  { name: '-u sets the user of a host without ansible_user', flags: { user: 'cli' }, want: { user: 'cli' } },
  { name: 'ansible_user beats -u', flags: { user: 'cli' }, vars: 'ansible_user: inv', want: { user: 'inv' } },
  { name: 'ansible_ssh_user beats -u', flags: { user: 'cli' }, vars: 'ansible_ssh_user: legacy', want: { user: 'legacy' } },
  { name: 'ansible.cfg remote_user applies', cfg: '[defaults]\nremote_user = file\n', want: { user: 'file' } },
  { name: 'ANSIBLE_REMOTE_USER beats the file', cfg: '[defaults]\nremote_user = file\n', env: { ANSIBLE_REMOTE_USER: 'env' }, want: { user: 'env' } },
  { name: '-u beats env and file', cfg: '[defaults]\nremote_user = file\n', env: { ANSIBLE_REMOTE_USER: 'env' }, flags: { user: 'cli' }, want: { user: 'cli' } },
  { name: 'ansible_user beats all three', cfg: '[defaults]\nremote_user = file\n', env: { ANSIBLE_REMOTE_USER: 'env' }, flags: { user: 'cli' }, vars: 'ansible_user: inv', want: { user: 'inv' } },
  { name: '--private-key for a host without a key var (relative to the cwd)', flags: { privateKey: 'keys/id' }, want: { key: '<cwd>/keys/id' } },
  { name: 'ansible_ssh_private_key_file beats --private-key', flags: { privateKey: 'keys/id' }, vars: 'ansible_ssh_private_key_file: /inv/key', want: { key: '/inv/key' } },
  { name: 'private_key_file in the file is relative to the file', cfg: '[defaults]\nprivate_key_file = k/id\n', want: { key: '<cwd>/k/id' } },
  { name: '-c local', flags: { connection: 'local' }, want: { connection: 'local', user: userInfo().username } },
  { name: 'ansible_connection: ssh beats -c local', flags: { connection: 'local' }, vars: 'ansible_connection: ssh', want: { connection: 'ssh' } },
  { name: 'ansible_connection: local beats -c ssh; the user is the controller\'s', flags: { connection: 'ssh', user: 'cli' }, vars: 'ansible_connection: local', want: { connection: 'local', user: userInfo().username } },
  { name: 'transport = local in the file', cfg: '[defaults]\ntransport = local\n', want: { connection: 'local' } },
  { name: '-b', flags: { become: true }, want: { become: true } },
  { name: 'ansible_become: false beats -b', flags: { become: true }, vars: 'ansible_become: false', want: { become: false } },
  { name: 'become in the file', cfg: '[privilege_escalation]\nbecome = yes\nbecome_user = app\n', want: { become: true, becomeUser: 'app' } },
  { name: '--become-user beats the file', cfg: '[privilege_escalation]\nbecome_user = app\n', flags: { becomeUser: 'cli' }, want: { becomeUser: 'cli' } },
  { name: 'ansible_become_user beats --become-user', flags: { becomeUser: 'cli' }, vars: 'ansible_become_user: inv', want: { becomeUser: 'inv' } },
  { name: 'remote_port in the file; ansible_port wins', cfg: '[defaults]\nremote_port = 2200\n', want: { port: 2200 } },
  { name: 'ansible_port beats remote_port', cfg: '[defaults]\nremote_port = 2200\n', vars: 'ansible_port: 2201', want: { port: 2201 } },
  { name: 'forks/timeout from the file, -f/-T win', cfg: '[defaults]\nforks = 7\ntimeout = 30\n', want: { forks: 7, timeout: 30 } },
  { name: '-f and -T beat the file', cfg: '[defaults]\nforks = 7\ntimeout = 30\n', flags: { forks: '2', timeout: '5' }, want: { forks: 2, timeout: 5 } },
  { name: 'host_key_checking = False accepts new keys', cfg: '[defaults]\nhost_key_checking = False\n', want: { acceptNew: true } },
  { name: 'ANSIBLE_HOST_KEY_CHECKING=True beats the file', cfg: '[defaults]\nhost_key_checking = False\n', env: { ANSIBLE_HOST_KEY_CHECKING: 'True' }, want: { acceptNew: false } },
  { name: 'inventory from the file', cfg: '[defaults]\ninventory = other\n', want: { inventory: '<cwd>/other' } },
  { name: '-i beats the file', cfg: '[defaults]\ninventory = other\n', flags: { inventory: ['<inv>'] }, want: { inventory: '<inv>' } },
  { name: 'a comma list in the file: every source, as Ansible', cfg: '[defaults]\ninventory = a,b\n', want: { inventory: '<cwd>/a,<cwd>/b' } },
];

async function resolveCase(c: Case) {
  const cwd = tempDir('rig-prec-');
  const inv = path.join(cwd, 'inv');
  mkdirSync(inv);
  writeFileSync(path.join(inv, 'hosts.yml'), `all:\n  hosts:\n    h1:\n${(c.vars ?? '').split('\n').filter(Boolean).map((l) => `      ${l}\n`).join('')}`);
  if (c.cfg) writeFileSync(path.join(cwd, 'ansible.cfg'), c.cfg);
  const cfg = loadAnsibleCfg({ cwd, home: path.join(cwd, 'nohome'), env: c.env ?? {}, systemFile: '/nonexistent' });
  const flags = { ...c.flags, ...(c.flags?.inventory && { inventory: [inv] }) };
  if (!c.cfg?.includes('inventory') && !flags.inventory) Object.assign(flags, { inventory: [inv] });
  const { settings, problems } = resolveSettings(flags, cfg, cwd);
  expect(problems).toEqual([]);
  const sub = (s: string | undefined) => s?.replaceAll('<cwd>', cwd).replaceAll('<inv>', inv);
  return { settings, cwd, inv, sub, loadHost: async () => inventoryWithDefaults(await loadInventory(inv), settings.defaults).host('h1')! };
}

describe('flags > ANSIBLE_* > ansible.cfg > default, host vars above all', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { settings, sub, loadHost } = await resolveCase(c);
      const h = await loadHost();
      const got = {
        user: h.ssh.user, key: h.ssh.identityFiles?.[0], port: h.ssh.port, connection: h.connection, become: h.become, becomeUser: h.becomeUser,
        forks: settings.forks, timeout: settings.timeoutSec, acceptNew: settings.acceptNewHostKeys, inventory: settings.inventory.join(','),
      };
      const want = Object.fromEntries(Object.entries(c.want).map(([k, v]) => [k, typeof v === 'string' ? sub(v) : v]));
      expect(Object.fromEntries(Object.keys(want).map((k) => [k, got[k as keyof typeof got]]))).toEqual(want);
    });
  }
});

describe('bad settings are problems naming the flag or the file:line', () => {
  const bad: { name: string; flags?: SettingFlags; cfg?: string; message: RegExp; where: string }[] = [
    { name: '-c docker', flags: { connection: 'docker' }, where: '--connection', message: /connection 'docker' is not one rig has/ },
    { name: "-u ''", flags: { user: '' }, where: '--user', message: /the login user is empty/ },
    { name: 'remote_user = (blank)', cfg: '[defaults]\nremote_user =\n', where: 'ansible.cfg:2', message: /the login user is empty/ },
    { name: 'transport = winrm', cfg: '[defaults]\ntransport = winrm\n', where: 'ansible.cfg:2', message: /connection 'winrm'/ },
    { name: 'become_method = su', cfg: '[privilege_escalation]\nbecome_method = su\n', where: 'ansible.cfg:2', message: /rig becomes another user only with sudo/ },
    { name: '-f 0', flags: { forks: '0' }, where: '--forks', message: /--forks must be a positive integer, got '0'/ },
    { name: 'timeout = 0 in the file', cfg: '[defaults]\ntimeout = 0\n', where: 'ansible.cfg:2', message: /--timeout must be a positive number of seconds/ },
    { name: 'no inventory anywhere', where: '-i', message: /no inventory given/ },
  ];
  for (const c of bad) {
    it(c.name, () => {
      const cwd = tempDir('rig-prec-bad-');
      if (c.cfg) writeFileSync(path.join(cwd, 'ansible.cfg'), c.cfg);
      const cfg = loadAnsibleCfg({ cwd, home: path.join(cwd, 'nohome'), env: {}, systemFile: '/nonexistent' });
      const inventory = c.cfg?.includes('inventory') || c.name === 'no inventory anywhere' ? {} : { inventory: [cwd] };
      const { problems } = resolveSettings({ ...inventory, ...c.flags }, cfg, cwd);
      expect(problems).toEqual([expect.objectContaining({ where: c.where.replace('ansible.cfg', path.join(cwd, 'ansible.cfg')), message: expect.stringMatching(c.message) })]);
    });
  }
});
