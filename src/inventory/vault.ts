/**
 * Ansible Vault format 1.1 / 1.2 (AES256) decryption with node's crypto, as ansible-core 2.19's
 * `ansible/parsing/vault/__init__.py` (VaultLib.decrypt_and_get_vault_id, VaultAES256.decrypt) reads it.
 */
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

/** The vault header every encrypted value or file starts with. */
export const VAULT_HEADER = '$ANSIBLE_VAULT';
/** Ansible's C.DEFAULT_VAULT_IDENTITY: the id of --vault-password-file secrets and of 1.1 vault texts. */
export const DEFAULT_VAULT_ID = 'default';

/** One vault secret: its vault id (`default` unless given as `--vault-id label@…`) and the password bytes. */
export interface VaultSecret {
  readonly id: string;
  readonly password: Buffer;
  /** Where it came from (a file name, `prompt`), for messages; never the password. */
  readonly source: string;
}

/** Why a vault text could not be decrypted: bad format, no secret given, or no secret fitting. */
export type VaultErrorKind = 'format' | 'no-secrets' | 'failed';

/** A vault text that could not be decrypted; `message` is Ansible's wording. */
export class VaultError extends Error {
  constructor(
    readonly kind: VaultErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

/** A parsed vault envelope: header fields and the hexlified body (lines joined). */
export interface VaultEnvelope {
  readonly version: string;
  readonly cipher: string;
  /** The 1.2 header's vault id; `default` for 1.1 (as Ansible's parse_vaulttext_envelope). */
  readonly vaultId: string;
  readonly body: string;
}

/** Whether a text is vault-encrypted data (starts with `$ANSIBLE_VAULT`, as Ansible's is_encrypted). */
export function isVaultText(text: string): boolean {
  return text.startsWith(VAULT_HEADER);
}

/** Header and body of a vault text; throws VaultError('format') as Ansible's parse_vaulttext_envelope does. */
export function parseVaultEnvelope(text: string): VaultEnvelope {
  if (!isVaultText(text)) throw new VaultError('format', 'Input is not vault encrypted data.');
  const lines = text.split(/\r\n|\r|\n/);
  const header = lines[0]!.trim().split(';');
  if (header.length < 3) throw new VaultError('format', 'Vault envelope format error.');
  const cipher = header[2]!.trim();
  if (cipher !== 'AES256') throw new VaultError('format', `Cipher '${cipher}' could not be found.`);
  return { version: header[1]!.trim(), cipher, vaultId: header.length >= 4 ? header[3]!.trim() : DEFAULT_VAULT_ID, body: lines.slice(1).join('') };
}

// Python's binascii.unhexlify: an even number of hex digits, nothing else
function unhexlify(hex: string): Buffer {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new VaultError('format', 'Vault format unhexlify error.');
  return Buffer.from(hex, 'hex');
}

interface VaultParts {
  readonly salt: Buffer;
  readonly hmac: Buffer;
  readonly ciphertext: Buffer;
}

/** Salt, HMAC and ciphertext of an envelope body (hex of "hex(salt)\nhex(hmac)\nhex(ciphertext)"). */
function vaultParts(body: string): VaultParts {
  const inner = unhexlify(body).toString('latin1');
  const first = inner.indexOf('\n');
  const second = first < 0 ? -1 : inner.indexOf('\n', first + 1);
  if (second < 0) throw new VaultError('format', 'Vault vaulttext format error.');
  return { salt: unhexlify(inner.slice(0, first)), hmac: unhexlify(inner.slice(first + 1, second)), ciphertext: unhexlify(inner.slice(second + 1)) };
}

interface Keys {
  readonly key: Buffer;
  readonly hmacKey: Buffer;
  readonly iv: Buffer;
}
// the same value is decrypted again for each host that has it (rig inventory's display mode): cache the ~10 ms PBKDF2
// per (password, salt), as Ansible's functools.cache on _gen_key_initctr does
const keyCache = new Map<string, Keys>();

/** AES key, HMAC key and CTR IV: PBKDF2-SHA256, 10000 iterations, 32 + 32 + 16 bytes (VaultAES256._gen_key_initctr). */
function deriveKeys(password: Buffer, salt: Buffer): Keys {
  const id = `${password.toString('hex')}:${salt.toString('hex')}`;
  const hit = keyCache.get(id);
  if (hit) return hit;
  const derived = pbkdf2Sync(password, salt, 10000, 80, 'sha256');
  const keys = { key: derived.subarray(0, 32), hmacKey: derived.subarray(32, 64), iv: derived.subarray(64, 80) };
  keyCache.set(id, keys);
  return keys;
}

/** Plaintext of the parts with one password, or undefined when the HMAC does not match (a wrong password). */
function decryptParts(parts: VaultParts, password: Buffer): Buffer | undefined {
  const { key, hmacKey, iv } = deriveKeys(password, parts.salt);
  const mac = createHmac('sha256', hmacKey).update(parts.ciphertext).digest();
  // constant-time comparison, as cryptography's HMAC.verify
  if (mac.length !== parts.hmac.length || !timingSafeEqual(mac, parts.hmac)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', key, iv);
  const padded = Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  const pad = padded.at(-1) ?? 0;
  // PKCS7 with 16-byte blocks: 1..16 bytes, each equal to the count
  if (pad < 1 || pad > 16 || pad > padded.length || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    throw new VaultError('format', 'Invalid padding bytes.');
  }
  return padded.subarray(0, padded.length - pad);
}

/** A decrypted vault text and the id of the secret that opened it. */
export interface Decrypted {
  readonly plaintext: Buffer;
  readonly vaultId: string;
}

/**
 * Decrypt a vault text with the first secret that fits. Secrets whose id is the envelope's vault id are tried first,
 * then the others in order (Ansible's DEFAULT_VAULT_ID_MATCH=False). Throws VaultError: 'format' (bad header, hex or
 * layout), 'no-secrets' ("Attempting to decrypt but no vault secrets found."), 'failed' ("Decryption failed (no vault
 * secrets were found that could decrypt).").
 */
export function decryptVault(text: string, secrets: readonly VaultSecret[]): Decrypted {
  const envelope = parseVaultEnvelope(text);
  // the format is checked before the secrets, as Ansible does
  const parts = vaultParts(envelope.body);
  if (secrets.length === 0) throw new VaultError('no-secrets', 'Attempting to decrypt but no vault secrets found.');
  const ordered = [...secrets.filter((s) => s.id === envelope.vaultId), ...secrets.filter((s) => s.id !== envelope.vaultId)];
  for (const s of ordered) {
    const plaintext = decryptParts(parts, s.password);
    if (plaintext) return { plaintext, vaultId: s.id };
  }
  throw new VaultError('failed', 'Decryption failed (no vault secrets were found that could decrypt).');
}
