/** Vault format 1.1/1.2 parse and decrypt, as data; the vault texts were made with the real ansible-vault (see the fixture README). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptVault, parseVaultEnvelope, VaultError, type VaultSecret } from '../../../src/inventory/vault.ts';

const dir = join(import.meta.dirname, '../../fixtures/inventory/vault-unit');
const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
const pass = (f: string): Buffer => Buffer.from(read(f).trim());
const v11 = read('v11.vault');
const v12 = read('v12-label.vault');
const def: VaultSecret = { id: 'default', password: pass('default-pass.txt'), source: 'default-pass.txt' };
const dev: VaultSecret = { id: 'dev', password: pass('label-pass.txt'), source: 'label-pass.txt' };
const wrong: VaultSecret = { id: 'default', password: Buffer.from('not-it'), source: 'wrong' };
const devWrong: VaultSecret = { id: 'dev', password: Buffer.from('not-it'), source: 'wrong' };

// the body lines: salt, hmac and ciphertext are hex inside hex; flip one hex digit of the inner text at `at`
function tamper(text: string, part: 0 | 1 | 2): string {
  const [header, ...lines] = text.trimEnd().split('\n');
  const inner = Buffer.from(lines.join(''), 'hex').toString('latin1').split('\n');
  const p = inner[part]!;
  inner[part] = (p[0] === 'a' ? 'b' : 'a') + p.slice(1);
  return `${header}\n${Buffer.from(inner.join('\n'), 'latin1').toString('hex')}\n`;
}

describe('decryptVault', () => {
  const ok: [string, string, VaultSecret[], string, string][] = [
    ['1.1 with its password', v11, [def], 'multi\nline ünïcödé ☃\n', 'default'],
    ['1.1 after a wrong password (all secrets are tried)', v11, [wrong, def], 'multi\nline ünïcödé ☃\n', 'default'],
    ['1.2 with the labelled secret', v12, [def, dev], 'short', 'dev'],
    ['1.2 with a wrong labelled secret, then a fitting default one', read('v12-label.vault'), [devWrong, { ...dev, id: 'default' }], 'short', 'default'],
    ['an empty plaintext', read('empty.vault'), [def], '', 'default'],
    ['CRLF line ends', v11.replace(/\n/g, '\r\n'), [def], 'multi\nline ünïcödé ☃\n', 'default'],
  ];
  it.each(ok)('%s', (_name, text, secrets, plaintext, id) => {
    const d = decryptVault(text, secrets);
    expect([d.plaintext.toString('utf8'), d.vaultId]).toEqual([plaintext, id]);
  });

  const bad: [string, string, VaultSecret[], VaultError['kind'], string][] = [
    ['wrong password', v11, [wrong], 'failed', 'Decryption failed (no vault secrets were found that could decrypt).'],
    ['1.2 with only wrong secrets', v12, [def, devWrong], 'failed', 'Decryption failed (no vault secrets were found that could decrypt).'],
    ['no secrets', v11, [], 'no-secrets', 'Attempting to decrypt but no vault secrets found.'],
    ['tampered HMAC', tamper(v11, 1), [def], 'failed', 'Decryption failed (no vault secrets were found that could decrypt).'],
    ['tampered ciphertext', tamper(v11, 2), [def], 'failed', 'Decryption failed (no vault secrets were found that could decrypt).'],
    ['tampered salt', tamper(v11, 0), [def], 'failed', 'Decryption failed (no vault secrets were found that could decrypt).'],
    // both checked against `ansible-vault view` of the same cut files
    ['truncated inside the HMAC (odd number of hex digits)', v11.slice(0, 201), [def], 'format', 'Vault format unhexlify error.'],
    ['truncated before the ciphertext', v11.slice(0, 200), [def], 'format', 'Vault vaulttext format error.'],
    ['truncated to the header', '$ANSIBLE_VAULT;1.1;AES256\n', [def], 'format', 'Vault vaulttext format error.'],
    ['bad hex', v11.replace(/\n3/, '\nz'), [def], 'format', 'Vault format unhexlify error.'],
    ['format checked before the secrets', v11.replace(/\n3/, '\nz'), [], 'format', 'Vault format unhexlify error.'],
    ['no cipher in the header', '$ANSIBLE_VAULT;1.1\n6162\n', [def], 'format', 'Vault envelope format error.'],
    ['unknown cipher', v11.replace('AES256', 'AES128'), [def], 'format', "Cipher 'AES128' could not be found."],
    ['not vault data', 'plain text', [def], 'format', 'Input is not vault encrypted data.'],
  ];
  it.each(bad)('%s', (_name, text, secrets, kind, message) => {
    let caught: unknown;
    try {
      decryptVault(text, secrets);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(VaultError);
    expect([(caught as VaultError).kind, (caught as VaultError).message]).toEqual([kind, message]);
  });
});

describe('parseVaultEnvelope', () => {
  it.each([
    ['1.1', v11, { version: '1.1', cipher: 'AES256', vaultId: 'default' }],
    ['1.2 with a label', v12, { version: '1.2', cipher: 'AES256', vaultId: 'dev' }],
    ['header with spaces', '$ANSIBLE_VAULT;1.2;AES256; ops \n00\n', { version: '1.2', cipher: 'AES256', vaultId: 'ops' }],
  ])('%s', (_name, text, header) => {
    expect(parseVaultEnvelope(text)).toMatchObject(header);
  });
  it('joins the body lines', () => {
    expect(parseVaultEnvelope('$ANSIBLE_VAULT;1.1;AES256\nab\ncd\n').body).toBe('abcd');
  });
});
