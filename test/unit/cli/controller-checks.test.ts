import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkController, controllerProblems } from '../../../src/cli/controller-checks.ts';
import { ValidationError } from '../../../src/core/errors.ts';
import { definePlaybook } from '../../../src/index.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

function tree(files: Record<string, string>): string {
  const root = tempDir('rig-ctl-');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

const key = (encrypted = false): string =>
  generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: encrypted ? { type: 'sec1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' } : { type: 'sec1', format: 'pem' },
  }).privateKey;

const pub = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGd1ZXNzIHdoYXQgdGhpcyBpcyBub3QgYSByZWFsIGtleQ me@laptop\n';

/** inv/ and keys/ beside it. web1 fine, web2 missing key, db1+db2 share a .pub given as the key, web3 a list with a text file, other1 untargeted. */
function inventoryDir(): string {
  return tree({
    'inv/hosts.yml': ['all:', '  children:', '    web:', '      hosts: { web1: , web2: , web3: }', '    db:', '      hosts: { db1: , db2: }', '    other:', '      hosts: { other1: }', ''].join('\n'),
    'inv/group_vars/web.yml': 'ansible_ssh_private_key_file: ../keys/good\n',
    'inv/group_vars/db.yml': 'ansible_private_key_file: ../keys/id.pub\n',
    'inv/group_vars/other.yml': 'ansible_ssh_private_key_file: /nonexistent/key\n',
    'inv/host_vars/web2.yml': 'ansible_ssh_private_key_file: ../keys/missing\n',
    'inv/host_vars/web3.yml': 'rig_identity_file: [../keys/locked, ../keys/notes.txt]\n',
    'keys/good': key(),
    'keys/locked': key(true),
    'keys/id.pub': pub,
    'keys/notes.txt': 'remember to make a key\n',
  });
}

const playbook = definePlaybook({ hosts: 'web', tasks: [] }, { hosts: 'db', tasks: [] });

describe('controller-side checks before connecting', () => {
  it('key files of every targeted host: missing, public or not a key; encrypted is fine; one problem per file and origin', async () => {
    const dir = inventoryDir();
    const inv = await loadInventory(path.join(dir, 'inv'));
    const problems = await controllerProblems(playbook, inv);
    expect(problems.map((p) => `${p.where} ${p.message}`)).toEqual([
      `${dir}/inv/host_vars/web2.yml:1 host "web2": ansible_ssh_private_key_file ../keys/missing (${dir}/keys/missing): no such file`,
      `${dir}/inv/host_vars/web3.yml:1 host "web3": rig_identity_file ../keys/notes.txt (${dir}/keys/notes.txt): is not a private key (Unsupported key format)`,
      `${dir}/inv/group_vars/db.yml:1 hosts "db1", "db2": ansible_private_key_file ../keys/id.pub (${dir}/keys/id.pub): is a public key, not a private key (the private key is ${dir}/keys/id)`,
    ]);
    expect(problems[0]!.hint).toMatch(/fix the path .* or remove ansible_ssh_private_key_file to use ssh-agent/);
  });

  const limits: [string, string[]][] = [
    ['web1', []],
    ['web*,!web3', ['web2']],
    ['db', ['db1', 'db2']],
    ['other', []],
  ];
  for (const [limit, hosts] of limits) {
    it(`--limit ${limit}: only targeted hosts are checked`, async () => {
      const inv = await loadInventory(path.join(inventoryDir(), 'inv'));
      const problems = await controllerProblems(playbook, inv, { limit });
      expect(problems.map((p) => /^hosts? (.*?): /.exec(p.message)![1]!.replaceAll('"', '').split(', ')).flat()).toEqual(hosts);
    });
  }

  describe('--json FILE', () => {
    const dir = tree({ 'file.txt': 'x', 'reports/old.json': '{}' });
    mkdirSync(path.join(dir, 'reports/sub.json'));
    const cases: [string, string | undefined][] = [
      ['reports/new.json', undefined],
      ['reports/old.json', undefined],
      ['nope/report.json', `directory ${dir}/nope does not exist`],
      ['file.txt/report.json', `${dir}/file.txt is not a directory`],
      ['reports/sub.json', `${dir}/reports/sub.json is a directory`],
    ];
    for (const [rel, why] of cases) {
      it(`${rel}: ${why ?? 'writable'}`, async () => {
        const inv = await loadInventory(tree({ 'hosts.yml': 'all:\n  children:\n    web:\n      hosts: { web1: }\n    db:\n' }));
        const json = path.join(dir, rel);
        const problems = await controllerProblems(playbook, inv, { json });
        expect(problems).toEqual(why ? [{ where: '--json', message: `cannot write the report to ${json}: ${why}`, hint: 'pass a path in an existing, writable directory' }] : []);
      });
    }

    it.skipIf(process.getuid?.() === 0)('a read-only directory or file (skipped as root: root may write anywhere)', async () => {
      const ro = tree({ 'r/old.json': '{}', 'w/old.json': '{}' });
      chmodSync(path.join(ro, 'r'), 0o555);
      chmodSync(path.join(ro, 'w/old.json'), 0o444);
      const inv = await loadInventory(tree({ 'hosts.yml': 'all:\n  hosts: { h: }\n' }));
      const pb = definePlaybook({ hosts: 'all', tasks: [] });
      expect((await controllerProblems(pb, inv, { json: path.join(ro, 'r/new.json') }))[0]!.message).toMatch(/is not writable/);
      expect((await controllerProblems(pb, inv, { json: path.join(ro, 'w/old.json') }))[0]!.message).toMatch(/exists and is not writable/);
      chmodSync(path.join(ro, 'r'), 0o755);
    });
  });

  it('checkController throws one ValidationError (exit 5) with the key and --json problems together', async () => {
    const dir = inventoryDir();
    const inv = await loadInventory(path.join(dir, 'inv'));
    const err = await checkController(playbook, inv, { limit: 'web2', json: path.join(dir, 'missing/r.json') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems.map((p) => p.where)).toEqual([`${dir}/inv/host_vars/web2.yml:1`, '--json']);
    await expect(checkController(playbook, inv, { limit: 'web1', json: path.join(dir, 'r.json') })).resolves.toBeUndefined();
  });
});
