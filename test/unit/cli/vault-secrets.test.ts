/** Vault secrets from flags and environment: order, ids and sources as ansible-playbook's setup_vault_secrets builds them. */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.ts';
import { loadVaultSecrets } from '../../../src/cli/vault-secrets.ts';
import type { VaultFlags } from '../../../src/cli/vault-options.ts';
import { tempDir } from '../../support/temp-dir.ts';

const dir = tempDir('rig-vault-secrets-');
const file = (name: string, content: string, mode = 0o644): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  chmodSync(p, mode);
  return p;
};
const a = file('a.txt', '  pass-a \n');
const b = file('b.txt', 'pass-b\n');
const script = file('pw.sh', '#!/bin/sh\nprintf "script-pass\\r\\n"\n', 0o755);
const client = file('pw-client.sh', '#!/bin/sh\n[ "$1" = --vault-id ] && printf "client-for-%s" "$2"\n', 0o755);

describe('loadVaultSecrets', () => {
  const cases: [string, VaultFlags, Record<string, string>, [string, string, string][]][] = [
    ['nothing given', {}, {}, []],
    ['a password file (whitespace stripped)', { vaultPasswordFile: [a] }, {}, [['default', 'pass-a', a]]],
    ['--vault-id before --vault-password-file before the environment', { vaultPasswordFile: [a], vaultId: [`prod@${b}`] }, { ANSIBLE_VAULT_PASSWORD_FILE: script }, [['prod', 'pass-b', b], ['default', 'pass-a', a], ['default', 'script-pass', script]]],
    ['--vault-id without a label is the default id', { vaultId: [b] }, {}, [['default', 'pass-b', b]]],
    ['an executable is run (trailing CR/LF stripped)', { vaultPasswordFile: [script] }, {}, [['default', 'script-pass', script]]],
    ['a *-client script gets --vault-id LABEL', { vaultId: [`dev@${client}`] }, {}, [['dev', 'client-for-dev', client]]],
  ];
  it.each(cases)('%s', async (_name, flags, env, expected) => {
    const secrets = await loadVaultSecrets(flags, env);
    expect(secrets.map((s) => [s.id, s.password.toString('utf8'), s.source])).toEqual(expected);
  });

  const bad: [string, VaultFlags, string][] = [
    ['a missing file', { vaultPasswordFile: [join(dir, 'nope')] }, `The vault password file ${join(dir, 'nope')} was not found`],
    ['a directory', { vaultPasswordFile: [dir] }, `The vault password file provided '${dir}' can not be a directory`],
    ['an empty file', { vaultPasswordFile: [file('empty.txt', '\n')] }, `Invalid vault password was provided from file (${join(dir, 'empty.txt')})`],
    ['a failing script', { vaultPasswordFile: [file('fail.sh', '#!/bin/sh\necho nope >&2\nexit 3\n', 0o755)] }, `Vault password script ${join(dir, 'fail.sh')} returned non-zero (3): nope`],
    ['a prompt without a terminal', { askVaultPass: true }, 'cannot ask for the vault password: there is no terminal'],
    ['-J with --vault-password-file (exclusive in Ansible)', { askVaultPass: true, vaultPasswordFile: [a] }, 'argument --vault-password-file/--vault-pass-file: not allowed with argument -J/--ask-vault-password/--ask-vault-pass'],
  ];
  it.each(bad)('%s is an error', async (_name, flags, message) => {
    const err = await loadVaultSecrets(flags, {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems.map((p) => p.message)).toEqual([message]);
  });
});
