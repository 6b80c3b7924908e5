/**
 * Values as `ansible-inventory --list` shows them (loadInventory's `display` mode): a `!vault` value stays encrypted,
 * `!unsafe` is marked, a YAML float keeps being a float (`3.0`). The runner never sees these: its values are plain.
 */
import { secret } from '../core/secret.ts';
import { decryptVault, type VaultSecret } from './vault.ts';

/** A `!vault` value kept encrypted; printed `{"__ansible_vault": text}` as ansible-inventory 2.19 prints it. */
export class VaultValue {
  constructor(
    /** The vault text as written (header line, hex lines, final newline). */
    readonly text: string,
  ) {}
}

/** A `!unsafe` string; printed `{"__ansible_unsafe": value}`. */
export class UnsafeValue {
  constructor(readonly value: string) {}
}

/** A YAML float with an integral value (`3.0`, `1.0e+3`); printed as Python prints floats (`3.0`, `1000.0`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/**
 * The plain value of a display-mode value: wrappers replaced by what the runner would see; a vault value is decrypted
 * with `secrets` (a registered secret), or is `undefined` when none opens it.
 */
export function untag(value: unknown, secrets: readonly VaultSecret[]): unknown {
  if (value instanceof VaultValue) {
    try {
      return secret(decryptVault(value.text, secrets).plaintext.toString('utf8'));
    } catch {
      return undefined;
    }
  }
  if (value instanceof UnsafeValue || value instanceof PyFloat) return value.value;
  if (Array.isArray(value)) return value.map((v) => untag(v, secrets));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, untag(v, secrets)]));
  }
  return value;
}
