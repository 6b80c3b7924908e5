/** The vault flags of `rig run`, `rig inventory` and `rig facts`, as ansible-playbook spells them (commander only: --help stays fast). */
import type { Command } from 'commander';

/** Vault flags as commander parses them. */
export interface VaultFlags {
  /** `--vault-id [label@]SOURCE`, repeatable; SOURCE is a password file, an executable, or `prompt`. */
  readonly vaultId?: string[];
  /** `--vault-password-file FILE`, repeatable; an executable file is run and its stdout is the password. */
  readonly vaultPasswordFile?: string[];
  /** `-J` / `--ask-vault-pass`: prompt for the password (needs a terminal). */
  readonly askVaultPass?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** Add --vault-id, --vault-password-file and -J/--ask-vault-pass to a command. */
export function withVaultOptions(cmd: Command): Command {
  return cmd
    .option('--vault-id <[label@]source>', 'vault identity: a password file, an executable printing it, or "prompt" (repeatable)', collect, [])
    .option('--vault-password-file <file>', 'vault password file, or an executable printing it (repeatable; or ANSIBLE_VAULT_PASSWORD_FILE)', collect, [])
    .option('-J, --ask-vault-pass', 'ask for the vault password');
}
