/** `rig facts HOST`: connect, gather the core facts in one exec, print them as JSON. */
import { ExitCode, redact, UnreachableError, ValidationError } from '../core/index.ts';
import { connect } from '../connection/index.ts';
import { hostFacts } from '../facts/host.ts';
import { loadInventory } from '../inventory/index.ts';
import { withRenderedConnections } from '../runner/index.ts';
import { reportError } from './errors.ts';

/** Print one host's facts; resolves to the exit code. */
export async function factsCommand(name: string, flags: { inventory: string; acceptNewHostKeys?: boolean }): Promise<number> {
  try {
    const loaded = await loadInventory(flags.inventory);
    // Jinja in ansible_host & co. rendered for this host
    const host = loaded.host(name) && withRenderedConnections(loaded, {}, [name]).host(name);
    if (!host) throw new ValidationError({ where: flags.inventory, message: `no host '${name}' in the inventory`, hint: 'see rig inventory -i INV --list' });
    const conn = await connect({ host, acceptNewHostKeys: flags.acceptNewHostKeys });
    try {
      const facts = hostFacts.parse(await conn.exec(hostFacts.command()));
      process.stdout.write(`${redact(JSON.stringify(facts, null, 2))}\n`);
    } finally {
      await conn.close();
    }
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof UnreachableError) {
      process.stderr.write(`UNREACHABLE: ${e.host}: ${e.message}\n`);
      return ExitCode.hostUnreachable;
    }
    return reportError(e);
  }
}
