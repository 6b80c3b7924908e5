/**
 * What `rig run` and `rig facts` share before connecting: ansible.cfg + environment + flags resolved (run-settings.ts),
 * the inventory loaded with the connection defaults merged in, the `--private-key` file checked, the SSH password asked.
 */
import { ValidationError, secret, type Problem } from '../core/index.ts';
import { privateKeyFileProblem } from '../connection/index.ts';
import { inventoryWithDefaults, loadInventory, type Inventory, type VaultSecret } from '../inventory/index.ts';
import type { VaultFlags } from './vault-options.ts';
import { loadVaultSecrets } from './vault-secrets.ts';
import { loadAnsibleCfg, type AnsibleCfg } from './ansible-cfg.ts';
import { printWarnings } from './errors.ts';
import { askSecret } from './prompt.ts';
import { privateKeySource, resolveSettings, type SettingFlags, type Settings } from './run-settings.ts';

/** Bad flags, environment or ansible.cfg: a usage error (ansible-playbook exits 5 for them, --syntax-check too). */
export class SettingsError extends ValidationError {}

/** Settings and the inventory they apply to. */
export interface Prepared {
  readonly settings: Settings;
  readonly inventory: Inventory;
  /** The vault secrets the flags gave (for -e @file too). */
  readonly vaultSecrets: readonly VaultSecret[];
}

/** Resolve the settings and load the inventory; every problem of both in one ValidationError. */
export async function prepare(flags: SettingFlags & VaultFlags, more: () => Promise<Problem[]> = async () => []): Promise<Prepared> {
  const cfg = loadAnsibleCfg();
  printWarnings(cfg.warnings);
  const { settings, problems } = resolveSettings(flags, cfg);
  problems.unshift(...cfg.problems);
  const keyFrom = privateKeySource(flags, cfg);
  if (settings.defaults.privateKeyFile !== undefined) {
    const p = await privateKeyFileProblem(settings.defaults.privateKeyFile);
    if (p) problems.push({ where: keyFrom, message: `private key ${settings.defaults.privateKeyFile}: ${p}`, hint: 'fix the path, or leave it out to use ssh-agent and ~/.ssh/id_*' });
  }
  // bad flags or config are usage errors (exit 5 even under --syntax-check, as Ansible's AnsibleOptionsError): before the inventory
  if (problems.length) throw new SettingsError(problems);
  const vaultSecrets = await loadVaultSecrets(flags, vaultEnv(cfg));
  const loaded = await loadInventory(settings.inventory, { vaultSecrets });
  const later = await more();
  if (later.length) throw new ValidationError(later);
  printWarnings(loaded.warnings);
  return { settings, inventory: inventoryWithDefaults(loaded, settings.defaults), vaultSecrets };
}

/** The environment vault secrets are read with: ansible.cfg's vault_password_file stands for ANSIBLE_VAULT_PASSWORD_FILE
 *  (the same Ansible setting; the variable, when set, already won over the file in loadAnsibleCfg). */
export function vaultEnv(cfg: AnsibleCfg, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = cfg.settings.vaultPasswordFile?.value;
  return file === undefined ? env : { ...env, ANSIBLE_VAULT_PASSWORD_FILE: file };
}

/** The SSH password for -k / ask_pass: RIG_SSH_PASSWORD if set (also without -k, like RIG_BECOME_PASSWORD), else asked. */
export async function sshPassword(ask: boolean): Promise<string | undefined> {
  const env = process.env.RIG_SSH_PASSWORD;
  if (env !== undefined) return secret(env);
  return ask ? secret(await askSecret('SSH password: ', 'RIG_SSH_PASSWORD')) : undefined;
}
