/** `rig inventory`: --list / --graph / --host as ansible-inventory prints them. */
import { ExitCode, redact, ValidationError } from '../core/index.ts';
import { loadInventory, toAnsibleGraph, toAnsibleHostText, toAnsibleListText } from '../inventory/index.ts';
import { printWarnings, reportError } from './errors.ts';
import type { VaultFlags } from './vault-options.ts';
import { loadVaultSecrets } from './vault-secrets.ts';

/** Print the inventory; resolves to the exit code. */
export async function inventoryCommand(flags: { inventory: readonly string[]; list?: boolean; graph?: string | boolean; host?: string } & VaultFlags): Promise<number> {
  try {
    // as ansible-inventory: !vault values are shown encrypted, so no password is needed unless a whole file is encrypted
    const inv = await loadInventory(flags.inventory, { vaultSecrets: await loadVaultSecrets(flags), display: true });
    printWarnings(inv.warnings);
    if (flags.host) {
      if (!inv.host(flags.host)) throw new ValidationError({ where: flags.inventory.join(', '), message: `no host '${flags.host}' in the inventory` });
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
