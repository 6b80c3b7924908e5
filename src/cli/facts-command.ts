/** `rig facts HOST`: connect (over SSH, or locally for ansible_connection: local), gather the core facts in one exec, print them as JSON. */
import { ExitCode, redact, UnreachableError, ValidationError } from '../core/index.ts';
import { knownHostsFileProblem, openConnection } from '../connection/index.ts';
import { hostFacts } from '../facts/host.ts';
import { inventoryWithDefaults } from '../inventory/index.ts';
import { withRenderedConnections } from '../runner/index.ts';
import { reportError } from './errors.ts';
import type { FactsFlags } from './flags.ts';
import { prepare, sshPassword } from './connection-setup.ts';

/** Print one host's facts; resolves to the exit code. */
export async function factsCommand(name: string, flags: FactsFlags): Promise<number> {
  try {
    const { settings, inventory: loaded } = await prepare(flags);
    const password = await sshPassword(settings.askPass);
    const inv = password === undefined ? loaded : inventoryWithDefaults(loaded, { password });
    // Jinja in ansible_host & co. rendered for this host
    const host = inv.host(name) && withRenderedConnections(inv, {}, [name]).host(name);
    if (!host) throw new ValidationError({ where: settings.inventory.join(', '), message: `no host '${name}' in the inventory`, hint: 'see rig inventory -i INV --list' });
    const khf = host.ssh.knownHostsFile;
    const khp = khf === undefined ? undefined : knownHostsFileProblem(khf, { acceptNew: settings.acceptNewHostKeys });
    if (khp) throw new ValidationError({ where: inv.varOrigin?.(name, 'rig_known_hosts_file') ?? `host ${name}`, message: `host "${name}": rig_known_hosts_file ${khf} ${khp.reason}`, hint: khp.hint });
    const timeout = Number(host.vars.rig_timeout ?? host.vars.ansible_timeout ?? settings.timeoutSec);
    const conn = await openConnection({ host, acceptNewHostKeys: settings.acceptNewHostKeys, connectTimeoutMs: timeout * 1000 });
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
