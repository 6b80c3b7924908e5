/** `rig inventory`: --list / --graph / --host as ansible-inventory prints them. */
import { ExitCode, redact, ValidationError } from '../core/index.ts';
import { loadInventory, toAnsibleGraph, toAnsibleHostText, toAnsibleListText } from '../inventory/index.ts';
import { printWarnings, reportError } from './errors.ts';
import type { VaultFlags } from './vault-options.ts';
import { loadVaultSecrets } from './vault-secrets.ts';
import { loadAnsibleCfg } from './ansible-cfg.ts';
import { vaultEnv } from './connection-setup.ts';

/** Print the inventory; resolves to the exit code. */
export async function inventoryCommand(flags: { inventory?: readonly string[]; list?: boolean; graph?: string | boolean; host?: string } & VaultFlags): Promise<number> {
  try {
    // -i, else ansible.cfg's inventory / ANSIBLE_INVENTORY, as ansible-inventory
    const cfg = loadAnsibleCfg();
    printWarnings(cfg.warnings);
    const sources = flags.inventory?.length ? flags.inventory : (cfg.settings.inventory?.value ?? []);
    if (cfg.problems.length) throw new ValidationError(cfg.problems);
    if (sources.length === 0) throw new ValidationError({ where: '-i', message: 'no inventory given', hint: 'pass -i PATH, or set inventory = PATH under [defaults] in ansible.cfg (or ANSIBLE_INVENTORY)' });
    // as ansible-inventory: !vault values are shown encrypted, so no password is needed unless a whole file is encrypted
    const inv = await loadInventory(sources, { vaultSecrets: await loadVaultSecrets(flags, vaultEnv(cfg)), display: true });
    printWarnings(inv.warnings);
    if (flags.host) {
      if (!inv.host(flags.host)) throw new ValidationError({ where: sources.join(', '), message: `no host '${flags.host}' in the inventory` });
      process.stdout.write(`${redact(toAnsibleHostText(inv, flags.host))}\n`);
    } else if (flags.graph !== undefined) {
      process.stdout.write(`${toAnsibleGraph(inv, typeof flags.graph === 'string' ? flags.graph : undefined)}\n`);
    } else {
      process.stdout.write(`${redact(toAnsibleListText(inv))}\n`);
    }
    return ExitCode.ok;
  } catch (e) {
    return reportError(e);
  }
}
