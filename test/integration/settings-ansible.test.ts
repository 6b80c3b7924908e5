/**
 * Connection-setting precedence compared with the real ansible-core: for each case (inventory vars, -u/--private-key,
 * ansible.cfg, ANSIBLE_* environment) `ansible HOST -m ping -vvvv` against a closed port on loopback prints the ssh
 * command it would use (user, port, IdentityFile, address); rig's resolution of the same inputs must agree.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadAnsibleCfg } from '../../src/cli/ansible-cfg.ts';
import { resolveSettings } from '../../src/cli/run-settings.ts';
import { inventoryWithDefaults, loadInventory } from '../../src/inventory/index.ts';
import { tempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const venvBin = path.join(process.env.RIG_TEST_ANSIBLE_VENV ?? path.join(homedir(), '.cache/rig-test/ansible-venv'), 'bin');
const have = existsSync(path.join(venvBin, 'ansible'));
// inventory-ansible.test.ts installs ansible-core into the venv; this file only uses it
if (!have) console.warn(`SKIPPED settings-ansible comparison: no ansible in ${venvBin} (run test/integration/inventory-ansible.test.ts once to install it)`);

interface Case {
  readonly name: string;
  readonly vars?: Record<string, string | number>;
  readonly flags?: { user?: string; privateKey?: string };
  readonly cfg?: string;
  readonly env?: Record<string, string>;
}

const cases: Case[] = [
  { name: 'legacy user wins', vars: { ansible_user: 'new', ansible_ssh_user: 'old' } },
  { name: 'legacy address wins', vars: { ansible_host: '127.0.0.2', ansible_ssh_host: '127.0.0.3' } },
  { name: 'legacy port wins', vars: { ansible_port: 1, ansible_ssh_port: 2 } },
  { name: '-u for a host without a user', flags: { user: 'cli' } },
  { name: 'ansible_user beats -u', vars: { ansible_user: 'inv' }, flags: { user: 'cli' } },
  { name: 'ansible_ssh_user beats -u', vars: { ansible_ssh_user: 'inv' }, flags: { user: 'cli' } },
  { name: 'remote_user in ansible.cfg', cfg: '[defaults]\nremote_user = file\n' },
  { name: 'ANSIBLE_REMOTE_USER beats ansible.cfg', cfg: '[defaults]\nremote_user = file\n', env: { ANSIBLE_REMOTE_USER: 'env' } },
  { name: '-u beats ANSIBLE_REMOTE_USER', env: { ANSIBLE_REMOTE_USER: 'env' }, flags: { user: 'cli' } },
  { name: 'ansible_user beats ansible.cfg', vars: { ansible_user: 'inv' }, cfg: '[defaults]\nremote_user = file\n' },
  { name: '--private-key for a host without a key', flags: { privateKey: '/keys/cli' } },
  { name: 'ansible_ssh_private_key_file beats --private-key', vars: { ansible_ssh_private_key_file: '/keys/inv' }, flags: { privateKey: '/keys/cli' } },
  { name: 'ansible_ssh_private_key_file beats ansible_private_key_file', vars: { ansible_private_key_file: '/keys/a', ansible_ssh_private_key_file: '/keys/b' } },
  { name: 'private_key_file in ansible.cfg, relative to its directory', cfg: '[defaults]\nprivate_key_file = keys/file\n' },
  { name: 'ANSIBLE_PRIVATE_KEY_FILE beats ansible.cfg', cfg: '[defaults]\nprivate_key_file = /keys/file\n', env: { ANSIBLE_PRIVATE_KEY_FILE: '/keys/env' } },
  { name: 'remote_port in ansible.cfg', cfg: '[defaults]\nremote_port = 3\n' },
  { name: 'ansible_port beats remote_port', vars: { ansible_port: 4 }, cfg: '[defaults]\nremote_port = 3\n' },
];

interface Seen {
  address: string;
  user: string | undefined;
  port: number;
  key: string | undefined;
}

/** What ansible -vvvv says it runs: `<ADDR> ESTABLISH SSH CONNECTION FOR USER: U` and the ssh command's -o options. */
function parseVerbose(out: string): Seen {
  const est = /<([^>]+)> ESTABLISH SSH CONNECTION FOR USER: (\S+)/.exec(out);
  if (!est) throw new Error(`no ESTABLISH line in ansible's output:\n${out}`);
  return {
    address: est[1]!,
    user: est[2] === 'None' ? undefined : est[2],
    port: Number(/-o Port=(\d+)/.exec(out)?.[1] ?? 22),
    key: /-o 'IdentityFile="([^"]+)"'/.exec(out)?.[1],
  };
}

async function setup(c: Case): Promise<{ dir: string; cfgFile?: string; inv: string }> {
  const dir = tempDir('rig-settings-ans-');
  const inv = path.join(dir, 'inv');
  mkdirSync(inv);
  // loopback, a closed port unless the case sets one: ansible fails at once, after printing its ssh command
  const vars = { ansible_host: '127.0.0.1', ansible_port: 9, ...c.vars };
  if (c.cfg?.includes('remote_port') && !c.vars?.ansible_port) delete (vars as Record<string, unknown>).ansible_port;
  writeFileSync(path.join(inv, 'hosts.yml'), JSON.stringify({ all: { hosts: { h: vars } } }));
  const cfgFile = path.join(dir, 'ansible.cfg');
  writeFileSync(cfgFile, c.cfg ?? '[defaults]\n');
  return { dir, cfgFile, inv };
}

describe.skipIf(!have)('connection settings agree with ansible -vvvv', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { dir, cfgFile, inv } = await setup(c);
      const env = { ANSIBLE_CONFIG: cfgFile!, ...c.env };
      const args = ['-i', inv, 'h', '-m', 'ping', '-vvvv', ...(c.flags?.user ? ['-u', c.flags.user] : []), ...(c.flags?.privateKey ? ['--private-key', c.flags.privateKey] : [])];
      const out = await run(path.join(venvBin, 'ansible'), args, {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', HOME: dir, ANSIBLE_HOME: dir, ANSIBLE_NOCOLOR: '1', LC_ALL: 'C.UTF-8', ANSIBLE_SSH_RETRIES: '0', ...env },
        timeout: 60_000,
      }).then(
        (r) => r.stdout + r.stderr,
        (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
      );
      const ansible = parseVerbose(out);

      const cfg = loadAnsibleCfg({ cwd: dir, home: dir, env, systemFile: '/nonexistent' });
      const { settings, problems } = resolveSettings({ inventory: [inv], ...c.flags }, cfg, dir);
      expect(problems).toEqual([]);
      const h = inventoryWithDefaults(await loadInventory(inv), settings.defaults).host('h')!;
      const rig: Seen = { address: h.ssh.address, user: h.ssh.user, port: h.ssh.port, key: h.ssh.identityFiles?.[0] };
      expect(rig).toEqual(ansible);
    });
  }
});
