/** `rig inventory`: --list / --graph / --host as ansible-inventory prints them. */
import { ExitCode, redact, ValidationError } from '../core/index.ts';
import { loadInventory, toAnsibleGraph, toAnsibleList } from '../inventory/index.ts';
import { printWarnings, reportError } from './errors.ts';

/** Print the inventory; resolves to the exit code. */
export async function inventoryCommand(flags: { inventory: string; list?: boolean; graph?: string | boolean; host?: string }): Promise<number> {
  try {
    const inv = await loadInventory(flags.inventory);
    printWarnings(inv.warnings);
    if (flags.host) {
      const h = inv.host(flags.host);
      if (!h) throw new ValidationError({ where: flags.inventory, message: `no host '${flags.host}' in the inventory` });
      process.stdout.write(`${redact(JSON.stringify(h.vars, null, 4))}\n`);
    } else if (flags.graph !== undefined) {
      process.stdout.write(`${toAnsibleGraph(inv, typeof flags.graph === 'string' ? flags.graph : undefined)}\n`);
    } else {
      process.stdout.write(`${redact(JSON.stringify(toAnsibleList(inv), null, 4))}\n`);
    }
    return ExitCode.ok;
  } catch (e) {
    return reportError(e);
  }
}
