/** Vault data met while loading: problems in Ansible's words with file:line and the flag to pass, whole encrypted files. */
import type { Problem } from '../core/errors.ts';
import { secret } from '../core/secret.ts';
import { decryptVault, isVaultText, VaultError, type VaultSecret } from './vault.ts';

/** What to do with vault data: the secrets to try (CLI order), and whether `!vault` values stay encrypted for display. */
export interface VaultOptions {
  /** Secrets to try, as ansible-playbook orders them (--vault-id, then --vault-password-file, then prompts). @default [] */
  readonly secrets?: readonly VaultSecret[];
}

/** How to give rig a vault password. */
export const VAULT_FLAGS_HINT = 'pass --vault-password-file FILE (or --vault-id [label@]FILE, --vault-id prompt, --ask-vault-pass / -J), or set ANSIBLE_VAULT_PASSWORD_FILE';

/**
 * The problem for a vault text at `where` that could not be decrypted (`text` gives the 1.2 label for the hint):
 * Ansible's message plus what to do.
 */
export function vaultProblem(e: unknown, where: string, secrets: readonly VaultSecret[], what: 'vault value' | 'encrypted file' = 'vault value', text = ''): Problem {
  const subject = what === 'vault value' ? 'this !vault value' : 'this encrypted file';
  if (!(e instanceof VaultError)) return { where, message: `cannot decrypt ${subject}: ${(e as Error).message}` };
  const label = /^\$ANSIBLE_VAULT;[^;\n]*;[^;\n]*;([^\r\n]+)/.exec(text)?.[1]?.trim();
  const forLabel = label && label !== 'default' ? ` (it was encrypted with vault id "${label}": --vault-id ${label}@FILE)` : '';
  if (e.kind === 'no-secrets') return { where, message: `${subject} needs a vault password and none was given (Ansible: ${e.message})`, hint: `${VAULT_FLAGS_HINT}${forLabel}` };
  if (e.kind === 'failed') {
    const tried = secrets.map((s) => (s.id === 'default' ? s.source : `${s.id}@${s.source}`)).join(', ');
    return { where, message: e.message, hint: `none of the vault passwords given (${tried}) opens ${subject}: check them, or add the right one${forLabel || ' with --vault-id [label@]FILE'}` };
  }
  return { where, message: `bad vault data: ${e.message}`, hint: `re-create it with ansible-vault ${what === 'vault value' ? 'encrypt_string' : 'encrypt'}` };
}

/**
 * A file's text, decrypted when it is a whole vault-encrypted file (Ansible's DataLoader decrypts any file starting with
 * `$ANSIBLE_VAULT`); undefined, with a problem at `shown`:1, when it cannot be.
 */
export function openVaultFile(text: string, shown: string, secrets: readonly VaultSecret[], problems: Problem[]): { text: string; encrypted: boolean } | undefined {
  if (!isVaultText(text)) return { text, encrypted: false };
  try {
    return { text: decryptVault(text, secrets).plaintext.toString('utf8'), encrypted: true };
  } catch (e) {
    problems.push(vaultProblem(e, `${shown}:1`, secrets, 'encrypted file', text));
    return undefined;
  }
}

// shorter values are left visible: redacting them would blank those letters in every line of output
const MIN_SECRET = 4;

/** Register every string value (not keys) inside a value from an encrypted file as a secret; shorter than 4 chars are not. */
export function registerSecretStrings(value: unknown): void {
  if (typeof value === 'string') {
    if (value.length >= MIN_SECRET) secret(value);
  } else if (Array.isArray(value)) value.forEach(registerSecretStrings);
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(registerSecretStrings);
}

/**
 * A `!vault` value no given secret opens (none given, or the wrong ones): kept instead of failing the load, because
 * Ansible decrypts lazily — a run that never uses the value needs no password. Reading it (a task, a template, a
 * connection setting of a host the run targets) is the error, with `problem` (Ansible's words and the flag to pass).
 */
export class LockedVault {
  constructor(
    /** The vault text. */
    readonly ciphertext: string,
    /** Why it could not be opened (`where` is filled in by the reader: the variable's file:line). */
    readonly problem: Problem,
  ) {}
}

/** The first LockedVault in a value (itself, or inside lists and objects), if any. */
export function lockedVaultIn(value: unknown): LockedVault | undefined {
  if (value instanceof LockedVault) return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const l = lockedVaultIn(v);
      if (l) return l;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) {
      const l = lockedVaultIn(v);
      if (l) return l;
    }
  }
  return undefined;
}
