/** Vault data in inventories, vars files and -e files: decrypted values are secrets; missing or wrong secrets are problems at file:line. */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact, REDACTED } from '../../../src/core/secret.ts';
import { LockedVault, loadInventory, parseExtraVars, toAnsibleHostText, type VaultSecret } from '../../../src/inventory/index.ts';
import { fixture, validationError, writeTree } from './helpers.ts';

const secretOf = (file: string, id = 'default'): VaultSecret => ({ id, password: Buffer.from(readFileSync(file, 'utf8').trim()), source: file });
const yamlPass = secretOf(fixture('vault-yaml/vault-pass.txt'));
const prodPass = secretOf(fixture('vault-label/prod-pass.txt'), 'prod');
const wrong: VaultSecret = { id: 'default', password: Buffer.from('not-the-password'), source: 'wrong.txt' };

describe('loadInventory with vault secrets', () => {
  it('decrypts !vault values (inventory file, group_vars, host_vars, nested in a list) and whole encrypted files into secrets', async () => {
    const inv = await loadInventory(fixture('vault-yaml'), { vaultSecrets: [yamlPass] });
    expect(inv.host('web1')!.vars).toMatchObject({
      all_secret: 'all-group-secret',
      host_secret: 'host-inline-secret',
      tricky: `quote ' and "double" and back\\\\slash`,
      nested: { list: ['plain', 'in-a-list'] },
      web_db_password: 'web-group-vars-secret',
      web1_token: 'web1-host-vars-secret',
      vault_api_key: 'whole-file-api-key',
      vault_port: 5432,
      vault_list: ['one-secret-item'],
      plain_all: 'visible',
    });
    for (const s of ['all-group-secret', 'host-inline-secret', 'web-group-vars-secret', 'web1-host-vars-secret', 'whole-file-api-key', 'one-secret-item', 'in-a-list']) {
      expect(redact(`x ${s} y`)).toBe(`x ${REDACTED} y`);
    }
    expect(redact('visible plain')).toBe('visible plain');
  });

  it('an encrypted INI inventory file', async () => {
    const inv = await loadInventory(fixture('vault-ini/hosts'), { vaultSecrets: [wrong, yamlPass] });
    expect(inv.host('db1')!.vars).toEqual({ ansible_host: '10.0.1.1', db_password: 'ini-file-secret', db_port: 5432, db_user: 'postgres-admin' });
    expect(inv.host('db1')!.ssh.address).toBe('10.0.1.1');
  });

  it('1.2 texts with a vault-id label', async () => {
    const inv = await loadInventory(fixture('vault-label'), { vaultSecrets: [yamlPass, prodPass] });
    expect(inv.host('app1')!.vars).toEqual({ app_secret: 'labelled-secret', label_file_var: 'labelled-file-secret' });
  });

  it('no secret: the inventory loads (Ansible decrypts lazily); a !vault value is locked until read, an encrypted file is a problem at once', async () => {
    const dir = writeTree({ 'hosts.yml': readFileSync(fixture('vault-label/hosts.yml'), 'utf8') });
    const inv = await loadInventory(dir);
    expect(inv.host('app1')!.vars.app_secret).toBeInstanceOf(LockedVault);
    const locked = inv.host('app1')!.vars.app_secret as LockedVault;
    expect(locked.problem.message).toBe('this !vault value needs a vault password and none was given (Ansible: Attempting to decrypt but no vault secrets found.)');
    expect(locked.problem.hint).toContain('--vault-id prod@FILE');
    const err = await validationError(loadInventory(fixture('vault-yaml')));
    const f = fixture('vault-yaml');
    expect(err.problems.map((p) => p.where)).toEqual([`${f}/group_vars/all/vault.yml:1`]);
    expect(err.problems[0]!.message).toContain('this encrypted file needs a vault password and none was given');
  });

  it('a wrong password: the value is locked with Ansible\'s message and which secrets were tried; an encrypted file fails at once', async () => {
    const err = await validationError(loadInventory(fixture('vault-label'), { vaultSecrets: [wrong] }));
    expect(err.problems.map((p) => [p.where, p.message])).toEqual([[`${fixture('vault-label')}/group_vars/all.yml:1`, 'Decryption failed (no vault secrets were found that could decrypt).']]);
    const dir = writeTree({ 'hosts.yml': readFileSync(fixture('vault-label/hosts.yml'), 'utf8') });
    const locked = (await loadInventory(dir, { vaultSecrets: [wrong] })).host('app1')!.vars.app_secret as LockedVault;
    expect(locked.problem.message).toBe('Decryption failed (no vault secrets were found that could decrypt).');
    expect(locked.problem.hint).toBe('none of the vault passwords given (wrong.txt) opens this !vault value: check them, or add the right one (it was encrypted with vault id "prod": --vault-id prod@FILE)');
  });

  it('reading a locked value is the error, naming host, variable and file:line; values not read cost nothing', async () => {
    const { lazyVars } = await import('../../../src/runner/lazy-vars.ts');
    const dir = writeTree({ 'hosts.yml': readFileSync(fixture('vault-label/hosts.yml'), 'utf8').replace('all:\n', 'all:\n  vars:\n    plain: visible\n') });
    const inv = await loadInventory(dir);
    const vars = lazyVars(inv.host('app1')!.vars, { host: 'app1', templated: () => true, magic: () => undefined, origin: (n) => inv.varOrigin?.('app1', n) });
    expect(vars.plain).toBe('visible');
    expect(() => vars.app_secret).toThrow(/host app1: variable 'app_secret': this !vault value needs a vault password and none was given/);
    try {
      void vars.app_secret;
    } catch (e) {
      expect((e as { problems: { where: string }[] }).problems[0]!.where).toMatch(/hosts\.yml:\d+$/);
    }
  });

  it('display mode (rig inventory): !vault values stay encrypted and need no password, as ansible-inventory prints them', async () => {
    const dir = writeTree({ 'hosts.yml': readFileSync(fixture('vault-label/hosts.yml'), 'utf8') });
    const inv = await loadInventory(dir, { display: true });
    expect(toAnsibleHostText(inv, 'app1')).toMatch(/^\{\n {4}"app_secret": \{\n {8}"__ansible_vault": "\$ANSIBLE_VAULT;1\.2;AES256;prod\\n[0-9a-f\\n]+"\n {4}\}\n\}$/);
  });

  it('-e @file: a !vault value and a whole encrypted file', async () => {
    const dir = writeTree({ 'e.yml': readFileSync(fixture('vault-yaml/group_vars/web.yml'), 'utf8') });
    copyFileSync(fixture('vault-yaml/group_vars/all/vault.yml'), join(dir, 'enc.yml'));
    expect(await parseExtraVars(['@e.yml', '@enc.yml'], dir, { vaultSecrets: [yamlPass] })).toMatchObject({ web_db_password: 'web-group-vars-secret', web_port: 8080, vault_api_key: 'whole-file-api-key' });
    // without the password the -e value is locked: an error when a task reads it
    expect((await parseExtraVars(['@e.yml'], dir)).web_db_password).toBeInstanceOf(LockedVault);
    const err = await validationError(parseExtraVars(['@enc.yml'], dir));
    expect(err.problems.map((p) => p.where)).toEqual(['enc.yml:1']);
  });
});

describe('values of a whole encrypted file are secrets', () => {
  it('strings of 4 or more characters; numbers are not (a redacted 5432 would break JSON output and hide every port)', async () => {
    const { registerSecretStrings } = await import('../../../src/inventory/vault-load.ts');
    registerSecretStrings({ db_pin: 98765432, list: ['abcdefgh-vault', 7] });
    expect(redact('pin 98765432, abcdefgh-vault')).toBe(`pin 98765432, ${REDACTED}`);
  });
});
