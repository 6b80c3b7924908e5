/**
 * Vault through the real CLI (a child process, no TTY): `rig inventory` with and without a password, the wrong-password
 * error, every way of giving the secret, and `rig run -v` on a real sshd host never printing a decrypted value.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { rig, repoPath } from './engine/cli.ts';
import { tempDir } from '../support/temp-dir.ts';

const fx = (...p: string[]) => repoPath('test/fixtures/inventory', ...p);
const yamlInv = fx('vault-yaml');
const pass = fx('vault-yaml/vault-pass.txt');
const ENCRYPTED_VALUES = ['whole-file-api-key', 'one-secret-item'];

describe('rig inventory with vault data', () => {
  it('--list with the password: !vault values printed encrypted (as ansible-inventory), whole-file values decrypted but redacted', async () => {
    const r = await rig(['inventory', '-i', yamlInv, '--list', '--vault-password-file', pass]);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> } };
    const web1 = list._meta.hostvars.web1!;
    expect((web1.host_secret as { __ansible_vault: string }).__ansible_vault).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    expect(web1.vault_api_key).toBe('********');
    expect(web1.vault_port).toBe(5432);
    for (const s of ENCRYPTED_VALUES) expect(r.stdout).not.toContain(s);
  });

  it('--list without a password: fine for !vault values, an error for an encrypted file (exit 5, file:line, the flag)', async () => {
    const dir = tempDir('rig-vault-cli-');
    copyFileSync(fx('vault-yaml/hosts.yml'), path.join(dir, 'hosts.yml'));
    const ok = await rig(['inventory', '-i', dir, '--host', 'web1']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ansible_host: '10.0.0.11', host_secret: { __ansible_vault: expect.stringMatching(/^\$ANSIBLE_VAULT/) } });
    const bad = await rig(['inventory', '-i', yamlInv, '--list']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('group_vars/all/vault.yml:1');
    expect(bad.stderr).toContain('this encrypted file needs a vault password and none was given');
    expect(bad.stderr).toContain('--vault-password-file');
    expect(bad.stdout).toBe('');
  });

  it('a wrong password: Ansible\'s message with file:line and a hint', async () => {
    const dir = tempDir('rig-vault-cli-');
    writeFileSync(path.join(dir, 'wrong.txt'), 'not-the-password\n');
    const r = await rig(['inventory', '-i', yamlInv, '--list', '--vault-password-file', path.join(dir, 'wrong.txt')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('group_vars/all/vault.yml:1');
    expect(r.stderr).toContain('Decryption failed (no vault secrets were found that could decrypt).');
    expect(r.stderr).toContain('wrong.txt');
  });

  it('secrets from an executable password file, ANSIBLE_VAULT_PASSWORD_FILE and --vault-id label@file', async () => {
    const dir = tempDir('rig-vault-cli-');
    const script = path.join(dir, 'vault-pass.sh');
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' '${readFileSync(pass, 'utf8').trim()}'\n`);
    chmodSync(script, 0o755);
    const runs = await Promise.all([
      rig(['inventory', '-i', fx('vault-ini/hosts'), '--host', 'db1', '--vault-password-file', script]),
      rig(['inventory', '-i', fx('vault-ini/hosts'), '--host', 'db1'], { ANSIBLE_VAULT_PASSWORD_FILE: pass }),
      rig(['inventory', '-i', fx('vault-label'), '--host', 'app1', '--vault-id', `prod@${fx('vault-label/prod-pass.txt')}`]),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(runs[0]!.stdout)).toMatchObject({ db_port: 5432, db_password: '********' });
    expect(JSON.parse(runs[1]!.stdout)).toMatchObject({ db_port: 5432, db_password: '********' });
    expect(JSON.parse(runs[2]!.stdout)).toMatchObject({ label_file_var: '********' });
  });

  it("ansible.cfg's inventory and vault_password_file: rig inventory needs neither -i nor a vault flag, as ansible-inventory", async () => {
    const dir = tempDir('rig-vault-cfg-');
    writeFileSync(path.join(dir, 'ansible.cfg'), `[defaults]\ninventory = ${fx('vault-ini/hosts')}\nvault_password_file = ${pass}\n`);
    const r = await rig(['inventory', '--host', 'db1'], {}, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ db_port: 5432, db_password: '********' });
    expect(r.stderr).not.toContain('vault_password_file is not read');
  });

  it('-J / --vault-id prompt without a terminal, and a missing password file, are clear errors', async () => {
    const ask = await rig(['inventory', '-i', yamlInv, '--list', '-J']);
    expect(ask.code).toBe(5);
    expect(ask.stderr).toContain('cannot ask for the vault password: there is no terminal');
    const prompt = await rig(['inventory', '-i', yamlInv, '--list', '--vault-id', 'dev@prompt']);
    expect(prompt.stderr).toContain('--vault-id dev@prompt');
    const missing = await rig(['inventory', '-i', yamlInv, '--list', '--vault-password-file', '/nonexistent/pw']);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('The vault password file /nonexistent/pw was not found');
  });
});

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED vault rig run test: ${avail.reason}`);

describe.skipIf(!avail.ok)('rig run with vault values on a real host', () => {
  let lab: TestHosts;
  let inv: string;
  beforeAll(async () => {
    lab = await startTestHosts({ count: 1, prefix: 'vlt' });
    inv = await lab.writeInventory(tempDir('rig-vault-inv-'));
    mkdirSync(path.join(inv, 'group_vars/all'), { recursive: true });
    copyFileSync(fx('vault-yaml/group_vars/web.yml'), path.join(inv, 'group_vars/all/inline.yml'));
    copyFileSync(fx('vault-yaml/group_vars/all/vault.yml'), path.join(inv, 'group_vars/all/vault.yml'));
  });
  afterAll(async () => lab?.dispose());

  it('-v shows the command and its output with the decrypted values redacted; the host got the real values', async () => {
    const r = await rig(['run', 'test/fixtures/playbooks/vault-secret.ts', '-i', inv, '-v', '--vault-password-file', pass]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('rig-vault-out');
    expect(r.stdout).toContain('********');
    for (const text of [r.stdout, r.stderr, r.reportText]) for (const s of ['web-group-vars-secret', 'whole-file-api-key']) expect(text).not.toContain(s);
    expect((await lab.exec(lab.hosts[0]!.name, 'cat /tmp/rig-vault-out')).stdout).toBe('web-group-vars-secret whole-file-api-key\n');
  });

  it('without the password: an encrypted vars file stops the run at once (exit 5, file:line, the flag)', async () => {
    const r = await rig(['run', 'test/fixtures/playbooks/vault-secret.ts', '-i', inv]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('group_vars/all/vault.yml:1');
    expect(r.stderr).toContain('--vault-password-file');
  });

  it('without the password, !vault values are opened lazily as in Ansible: a run that does not read them works; one that does stops before any change', async () => {
    const lazy = await lab.writeInventory(tempDir('rig-vault-lazy-'));
    mkdirSync(path.join(lazy, 'group_vars/all'), { recursive: true });
    copyFileSync(fx('vault-yaml/group_vars/web.yml'), path.join(lazy, 'group_vars/all/inline.yml'));
    const host = lab.hosts[0]!.name;
    await lab.exec(host, 'rm -f /tmp/rig-vault-out');
    const shell = await rig(['shell', 'all', '-i', lazy, 'echo no-vault-needed']);
    expect(shell.code, shell.stdout + shell.stderr).toBe(0);
    expect(shell.stdout).toContain('no-vault-needed');
    const run = await rig(['run', 'test/fixtures/playbooks/vault-secret.ts', '-i', lazy]);
    expect(run.code, run.stdout + run.stderr).toBe(5);
    expect(run.stderr).toMatch(/group_vars\/all\/inline\.yml:1: host \S+: variable 'web_db_password': this !vault value needs a vault password and none was given/);
    expect(run.stderr).toContain('--vault-password-file');
    expect((await lab.exec(host, 'test -e /tmp/rig-vault-out && echo yes || echo no')).stdout.trim()).toBe('no');
  });
});
