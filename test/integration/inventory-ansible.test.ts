/**
 * rig's inventory against the real ansible-inventory: --list (deep-equal after JSON.parse) and --graph (same text)
 * on several fixture inventories, and host patterns against `ansible PATTERN --list-hosts` (same host set).
 * ansible-core is installed into a cached venv (~/.cache/rig-test/ansible-venv, or $RIG_TEST_ANSIBLE_VENV) when it is not
 * on PATH; when that fails (no network) the tests are skipped with the reason printed.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadInventory, selectHosts, toAnsibleGraph, toAnsibleHostText, toAnsibleList, toAnsibleListText, type VaultSecret } from '../../src/inventory/index.ts';
import { ansibleEnv, findAnsible } from '../support/ansible-core.ts';
import { tempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
// a clean Ansible: an empty ansible.cfg (not the user's), no colour, UTF-8 locale (ansible-core refuses others)
const env = ansibleEnv();

const ansible = await findAnsible();
if (!ansible.bin) console.warn(`SKIPPED inventory-ansible comparison: ${ansible.reason}`);
const skip = !ansible.bin;

async function ansibleInventory(args: string[]): Promise<string> {
  return (await run(join(ansible.bin!, 'ansible-inventory'), args, { env, cwd: root, maxBuffer: 64 << 20 })).stdout;
}

const sources = [
  'test/fixtures/inventory/nested',
  'test/fixtures/inventory/ranges',
  'test/fixtures/inventory/priority',
  'test/fixtures/inventory/multi-file',
  'test/fixtures/inventory/file-source/inventory.yml',
  'test/fixtures/inventory/yaml-values',
  'inventory/example',
  'inventory/prod',
  // INI inventories (Ansible's ini plugin), alone, as a single file, and mixed with YAML files and group_vars/host_vars
  'test/fixtures/inventory/ini-ranges',
  'test/fixtures/inventory/ini-children',
  'test/fixtures/inventory/ini-vars-levels',
  'test/fixtures/inventory/ini-typed-values',
  'test/fixtures/inventory/ini-host-port/inventory.ini',
  'test/fixtures/inventory/ini-mixed',
  'test/fixtures/inventory/ini-group-vars',
  'test/fixtures/inventory/ini-comments',
  'test/fixtures/inventory/ini-priority',
  'test/fixtures/inventory/ini-yml-named',
];

// the one known difference in the text: an INI value `1e3` is the Python float 1000.0, which python-literal.ts returns as
// the JS number 1000 (an integral float is not told apart from an int there), printed 1000
function knownDifference(source: string, text: string): string {
  return source.endsWith('ini-typed-values') ? text.replace('"exp": 1000.0', '"exp": 1000') : text;
}

describe.each(sources)('%s agrees with ansible-inventory', (source) => {
  it.skipIf(skip)('--list', async () => {
    const theirs = JSON.parse(await ansibleInventory(['-i', source, '--list'])) as { _meta: Record<string, unknown> };
    const mine = toAnsibleList(await loadInventory(join(root, source))) as { _meta: Record<string, unknown> };
    // ansible-core < 2.19 prints no _meta.profile
    if (!('profile' in theirs._meta)) delete mine._meta.profile;
    expect(mine).toEqual(theirs);
  });

  // byte for byte, as `rig inventory --list` prints it
  it.skipIf(skip)('--list text', async () => {
    const mine = toAnsibleListText(await loadInventory(join(root, source), { display: true }));
    expect(mine).toBe(knownDifference(source, (await ansibleInventory(['-i', source, '--list'])).trimEnd()));
  });
  it.skipIf(skip)('--graph', async () => {
    const inv = await loadInventory(join(root, source));
    expect(toAnsibleGraph(inv)).toBe((await ansibleInventory(['-i', source, '--graph'])).trimEnd());
    const group = [...inv.groups.values()].find((g) => g.children.length > 0 && g.name !== 'all');
    if (group) expect(toAnsibleGraph(inv, group.name)).toBe((await ansibleInventory(['-i', source, '--graph', group.name])).trimEnd());
  });

  it.skipIf(skip)('--host (first and last host)', async () => {
    const inv = await loadInventory(join(root, source));
    for (const h of [inv.hosts[0]!, inv.hosts.at(-1)!]) {
      expect(h.vars).toEqual(JSON.parse(await ansibleInventory(['-i', source, '--host', h.name])));
    }
    const shown = await loadInventory(join(root, source), { display: true });
    for (const h of [shown.hosts[0]!, shown.hosts.at(-1)!]) {
      expect(toAnsibleHostText(shown, h.name)).toBe(knownDifference(source, (await ansibleInventory(['-i', source, '--host', h.name])).trimEnd()));
    }
  });
});

// vault and YAML-scalar fixtures: the exact text of --list and --host, each tool given the same vault secret
const exact: { source: string; flags: string[]; secrets: VaultSecret[] }[] = [
  { source: 'test/fixtures/inventory/vault-yaml', ...passFile('test/fixtures/inventory/vault-yaml/vault-pass.txt') },
  { source: 'test/fixtures/inventory/vault-ini/hosts', ...passFile('test/fixtures/inventory/vault-ini/vault-pass.txt') },
  { source: 'test/fixtures/inventory/vault-label', ...passFile('test/fixtures/inventory/vault-label/prod-pass.txt', 'prod') },
  { source: 'test/fixtures/inventory/yaml-scalars', flags: [], secrets: [] },
];
function passFile(file: string, id?: string): { flags: string[]; secrets: VaultSecret[] } {
  const password = Buffer.from(readFileSync(join(root, file), 'utf8').trim());
  return { flags: id ? ['--vault-id', `${id}@${file}`] : ['--vault-password-file', file], secrets: [{ id: id ?? 'default', password, source: file }] };
}
describe.each(exact)('$source: the same text as ansible-inventory', ({ source, flags, secrets }) => {
  const load = () => loadInventory(join(root, source), { vaultSecrets: secrets, display: true });
  it.skipIf(skip)('--list', async () => {
    expect(toAnsibleListText(await load())).toBe((await ansibleInventory(['-i', source, '--list', ...flags])).trimEnd());
  });
  it.skipIf(skip)('--host (every host)', async () => {
    const inv = await load();
    for (const h of inv.hosts) expect(toAnsibleHostText(inv, h.name)).toBe((await ansibleInventory(['-i', source, '--host', h.name, ...flags])).trimEnd());
  });
});

describe('!vault values print encrypted and need no password, as in ansible-inventory --list/--host', () => {
  it.skipIf(skip).each(['vault-yaml', 'vault-label'])('%s/hosts.yml alone, no password given', async (name) => {
    const dir = tempDir('rig-vault-inline-');
    writeFileSync(join(dir, 'hosts.yml'), readFileSync(join(root, 'test/fixtures/inventory', name, 'hosts.yml')));
    const inv = await loadInventory(dir, { display: true });
    expect(toAnsibleListText(inv)).toBe((await ansibleInventory(['-i', dir, '--list'])).trimEnd());
    const h = inv.hosts[0]!.name;
    expect(toAnsibleHostText(inv, h)).toBe((await ansibleInventory(['-i', dir, '--host', h])).trimEnd());
  });
});

describe('decrypted values agree with `ansible all -m debug -a var=NAME --vault-password-file F`', () => {
  const cases: [string, string, string, string[]][] = [
    ['test/fixtures/inventory/vault-yaml', 'web1', 'tricky', passFile('test/fixtures/inventory/vault-yaml/vault-pass.txt').flags],
    ['test/fixtures/inventory/vault-yaml', 'web1', 'web1_token', passFile('test/fixtures/inventory/vault-yaml/vault-pass.txt').flags],
    ['test/fixtures/inventory/vault-yaml', 'web2', 'vault_api_key', passFile('test/fixtures/inventory/vault-yaml/vault-pass.txt').flags],
    ['test/fixtures/inventory/vault-ini/hosts', 'db1', 'db_password', passFile('test/fixtures/inventory/vault-ini/vault-pass.txt').flags],
    ['test/fixtures/inventory/vault-label', 'app1', 'app_secret', passFile('test/fixtures/inventory/vault-label/prod-pass.txt', 'prod').flags],
  ];
  it.skipIf(skip).each(cases)('%s %s %s', async (source, host, name, flags) => {
    const out = (await run(join(ansible.bin!, 'ansible'), [host, '-i', source, '-m', 'debug', '-a', `var=${name}`, ...flags], { env, cwd: root })).stdout;
    // "web1 | SUCCESS => {...}"
    const theirs = (JSON.parse(out.slice(out.indexOf('{'))) as Record<string, unknown>)[name];
    const secrets = passFile(flags[1]!.replace(/^\w+@/, ''), flags[0] === '--vault-id' ? flags[1]!.split('@')[0] : undefined).secrets;
    const inv = await loadInventory(join(root, source), { vaultSecrets: secrets });
    expect(inv.host(host)!.vars[name]).toBe(theirs);
  });
});

describe('host patterns agree with `ansible PATTERN --list-hosts`', () => {
  const patterns = ['all', 'web', 'web*', 'prod:!db', 'prod:&monitoring', '!db', '~(web|db)\\d', 'prod[0]', 'prod[1:3]', 'prod[-1]', 'e*:&prod', 'edge1,stage1', 'ungrouped'];
  it.skipIf(skip).each(patterns)('%s', async (pattern) => {
    const source = 'test/fixtures/inventory/nested';
    const out = (await run(join(ansible.bin!, 'ansible'), [pattern, '-i', source, '--list-hosts'], { env, cwd: root })).stdout;
    const theirs = out.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    const mine = selectHosts(await loadInventory(join(root, source)), pattern);
    expect([...mine].sort()).toEqual(theirs.sort());
  });
});

// several -i sources read into one inventory, each with its group_vars/host_vars (a later source's files winning)
describe('several -i sources agree with `ansible-inventory -i A -i B`', () => {
  const pairs = [
    ['test/fixtures/inventory/ini-group-vars', 'test/fixtures/inventory/priority'],
    ['test/fixtures/inventory/nested', 'test/fixtures/inventory/ini-children/hosts'],
    ['test/fixtures/inventory/ini-priority', 'test/fixtures/inventory/ini-vars-levels', 'test/fixtures/inventory/ranges'],
  ];
  it.skipIf(skip).each(pairs)('%s + %s', async (...srcs: string[]) => {
    const theirs = JSON.parse(await ansibleInventory([...srcs.flatMap((s) => ['-i', s]), '--list'])) as { _meta: Record<string, unknown> };
    const mine = toAnsibleList(await loadInventory(srcs.map((s) => join(root, s)))) as { _meta: Record<string, unknown> };
    if (!('profile' in theirs._meta)) delete mine._meta.profile;
    expect(mine).toEqual(theirs);
  });
});
