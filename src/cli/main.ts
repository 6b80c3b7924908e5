/** rig's command line: argv parsing only; every command's code is imported when it runs so --help stays fast. */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode } from '../core/errors.ts';
import type { RunFlags } from './flags.ts';
import { withVaultOptions, type VaultFlags } from './vault-options.ts';

const collect = (v: string, prev: string[]) => [...prev, v];
const list = (v: string, prev: string[]) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];


function program(setCode: (c: number) => void): Command {
  const p = new Command('rig')
    .description('Ansible-style playbook runner with a typed TypeScript DSL')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run rig --help for usage)');
  withVaultOptions(p.command('run'))
    .description('run a playbook against an inventory')
    .argument('<playbook>', 'playbook .ts file (default export: definePlaybook(...))')
    .requiredOption('-i, --inventory <path>', 'Ansible-format inventory directory or YAML file')
    .option('-C, --check', 'predict changes, change nothing')
    .option('-D, --diff', 'show unified diffs of file changes')
    .option('-l, --limit <pattern>', 'limit to hosts/groups (globs, !exclude, &intersect, comma lists)')
    .option('-f, --forks <n>', 'hosts worked on in parallel', '50')
    .option('-T, --timeout <seconds>', 'SSH connection timeout (ansible_timeout / rig_timeout per host win)', '10')
    .option('-e, --extra-vars <vars>', 'k=v pairs, JSON, or @file.yml (repeatable)', collect, [])
    .option('-t, --tags <tags>', 'only tasks with these tags', list, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags', list, [])
    .option('-v, --verbose', 'show commands and their output')
    .option('--json <file>', 'write every task result to a JSON file')
    .option('-K, --ask-become-pass', 'ask for the sudo password (or set RIG_BECOME_PASSWORD)')
    .option('--accept-new-host-keys', 'accept and remember unknown host keys (changed keys are always refused)')
    .option('--force-handlers', 'run notified handlers even on hosts that failed')
    .option('--list-hosts', 'print the hosts each play targets, then exit')
    .option('--list-tasks', 'print the tasks of each play, then exit')
    .action(async (playbook: string, flags: RunFlags) => {
      const { runCommand } = await import('./run-command.ts');
      setCode(await runCommand(playbook, flags));
    });
  withVaultOptions(p.command('inventory'))
    .description('show an inventory as ansible-inventory does')
    .requiredOption('-i, --inventory <path>', 'inventory directory or YAML file')
    .addOption(new Option('--list', 'JSON like ansible-inventory --list').conflicts('graph'))
    .option('--graph [group]', 'tree like ansible-inventory --graph')
    .option('--host <name>', "one host's effective vars")
    .action(async (flags: { inventory: string; list?: boolean; graph?: string | boolean; host?: string } & VaultFlags) => {
      const { inventoryCommand } = await import('./inventory-command.ts');
      setCode(await inventoryCommand(flags));
    });
  withVaultOptions(p.command('facts'))
    .description("gather and print one host's facts as JSON")
    .argument('<host>', 'inventory host name')
    .requiredOption('-i, --inventory <path>', 'inventory directory or YAML file')
    .option('--accept-new-host-keys', 'accept and remember unknown host keys')
    .action(async (host: string, flags: { inventory: string; acceptNewHostKeys?: boolean } & VaultFlags) => {
      const { factsCommand } = await import('./facts-command.ts');
      setCode(await factsCommand(host, flags));
    });
  p.command('init')
    .description('create an infra repo to start from: package.json, tsconfig.json, an inventory, an example role and playbook, the cluster playbook')
    .argument('[dir]', 'directory to create it in (made if missing)', '.')
    .option('--rig <spec>', 'version spec of the rig dependency in package.json (default: ^ this rig\'s version; a path to a packed .tgz works)')
    .option('--force', 'overwrite files that exist')
    .action(async (dir: string, flags: { rig?: string; force?: boolean }) => {
      const { initCommand } = await import('./init-command.ts');
      setCode(await initCommand(dir, flags));
    });
  return p;
}

/** Run the CLI with argv (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = ExitCode.ok;
  try {
    await program((c) => (code = c)).parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    const { reportError } = await import('./errors.ts');
    return reportError(e);
  }
  return code;
}
