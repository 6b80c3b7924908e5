import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { privateKeyFileProblem } from '../../../src/connection/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

const ec = (encoding: object): string =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: encoding as never }).privateKey as unknown as string;

/** `ssh-ed25519 AAAA… comment`: what ssh-keygen writes to id_ed25519.pub. */
function openSshPublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')} me@laptop\n`;
}

describe('privateKeyFileProblem: what an identity file must be before rig connects', () => {
  const dir = tempDir('rig-keys-');
  mkdirSync(path.join(dir, 'a-dir'));
  writeFileSync(path.join(dir, 'not-a-dir'), 'x');
  const files: Record<string, string> = {
    'pem-ec': ec({ type: 'sec1', format: 'pem' }),
    'pem-ec-encrypted': ec({ type: 'sec1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'secret' }),
    'id_ed25519.pub': openSshPublicKey(),
    'notes.txt': 'this is not a key\n',
    empty: '',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);

  const cases: [string, string | undefined | RegExp][] = [
    ['pem-ec', undefined],
    // locked: ssh-agent or a passphrase may open it, so it is not a problem here
    ['pem-ec-encrypted', undefined],
    ['id_ed25519.pub', `is a public key, not a private key (the private key is ${path.join(dir, 'id_ed25519')})`],
    ['notes.txt', 'is not a private key (Unsupported key format)'],
    ['empty', /^is not a private key \(/],
    ['missing', 'no such file'],
    ['not-a-dir/key', 'no such file (a parent is not a directory)'],
    ['a-dir', 'is a directory, not a key file'],
  ];
  for (const [name, expected] of cases) {
    it(`${name}: ${expected ?? 'fine'}`, async () => {
      const problem = await privateKeyFileProblem(path.join(dir, name));
      if (expected instanceof RegExp) expect(problem).toMatch(expected);
      else expect(problem).toBe(expected);
    });
  }

  it.skipIf(process.getuid?.() === 0)('an unreadable file (skipped as root: root reads every file)', async () => {
    const f = path.join(dir, 'locked');
    writeFileSync(f, files['pem-ec']!, { mode: 0o000 });
    expect(await privateKeyFileProblem(f)).toBe('cannot be read (permission denied)');
  });
});
