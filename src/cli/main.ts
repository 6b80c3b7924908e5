/** rig's command line: argv parsing only; every command's code is imported when it runs so --help stays fast. */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode } from '../core/errors.ts';
import type { FactsFlags, RunFlags } from './flags.ts';
import { withHostOptions } from './host-options.ts';
import { withVaultOptions, type VaultFlags } from './vault-options.ts';

const collect = (v: string, prev: readonly string[] | undefined) => [...(prev ?? []), v];
const list = (v: string, prev: string[]) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];


function program(setCode: (c: number) => void): Command {
  const p = new Command('rig')
    .description('Ansible-style playbook runner with a typed TypeScript DSL')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run rig --help for usage)');
  withHostOptions(p.command('run'))
    .description('run a playbook against an inventory')
    .argument('<playbook>', 'playbook .ts file (default export: definePlaybook(...))')
    .option('--start-at-task <name>', 'start at the first task with this name (glob allowed)')
    .option('--step', 'confirm each task before running it (y/n/c)')
    .option('--syntax-check', 'load and validate the playbook and inventory, connect to nothing')
    .option('--flush-cache', "forget the saved facts of the inventory's hosts first")
    .option('-t, --tags <tags>', 'only tasks with these tags', list, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags', list, [])
    .option('--force-handlers', 'run notified handlers even on hosts that failed')
    .option('--no-segments', 'one exec per changed task (default: a task and the tasks after it that plan on the state it leaves share one exec)')
    .option('--list-hosts', 'print the hosts each play targets, then exit')
    .option('--list-tasks', 'print the tasks of each play, then exit')
    .option('--report <file>', 'write the run as one self-contained HTML page (recap, timeline, diffs, failures)')
    .action(async (playbook: string, flags: RunFlags) => {
      const { runCommand } = await import('./run-command.ts');
      setCode(await runCommand(playbook, flags));
    });
  withHostOptions(p.command('adhoc'))
    .description('run one module on the hosts of a pattern, as Ansible\'s `ansible PATTERN -m MODULE -a ARGS`')
    .argument('<pattern>', 'host pattern (names, groups, globs, !exclude, &intersect)')
    .option('-m, --module-name <name>', 'module, by Ansible\'s name (command, shell, copy, file, apt, service, ping, setup, debug…)', 'command')
    .option('-a, --args <args>', "module args: k=v k2='v 2', JSON {\"k\": …}, or the command of command/shell/raw")
    .option('--list-hosts', 'print the hosts the pattern matches, then exit')
    .action(async (pattern: string, flags: import('./adhoc-command.ts').AdhocFlags) => {
      const { adhocCommand } = await import('./adhoc-command.ts');
      setCode(await adhocCommand(pattern, flags));
    });
  withHostOptions(p.command('shell'))
    .description("run a shell command on the hosts of a pattern: rig adhoc PATTERN -m shell -a CMD")
    .argument('<pattern>', 'host pattern')
    .argument('<command>', 'shell command (one argument: quote it)')
    .action(async (pattern: string, command: string, flags: import('./adhoc-command.ts').AdhocFlags) => {
      const { adhocCommand } = await import('./adhoc-command.ts');
      setCode(await adhocCommand(pattern, { ...flags, moduleName: 'shell', args: command }));
    });
  p.command('report')
    .description('render a --json report as one self-contained HTML page (the page --report writes)')
    .argument('<json>', 'a report written by rig run --json')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .action(async (json: string, flags: { output: string }) => {
      const { reportCommand } = await import('./report-command.ts');
      setCode(await reportCommand(json, flags.output));
    });
  withVaultOptions(p.command('inventory'))
    .description('show an inventory as ansible-inventory does')
    .option('-i, --inventory <path>', 'inventory directory or file, repeatable (default: ansible.cfg [defaults] inventory)', collect, undefined)
    .addOption(new Option('--list', 'JSON like ansible-inventory --list').conflicts('graph'))
    .option('--graph [group]', 'tree like ansible-inventory --graph')
    .option('--host <name>', "one host's effective vars")
    .action(async (flags: { inventory?: readonly string[]; list?: boolean; graph?: string | boolean; host?: string } & VaultFlags) => {
      const { inventoryCommand } = await import('./inventory-command.ts');
      setCode(await inventoryCommand(flags));
    });
  withVaultOptions(p.command('facts'))
    .description("gather and print one host's facts as JSON")
    .argument('<host>', 'inventory host name')
    .option('-i, --inventory <path>', 'inventory directory or file, repeatable (default: ansible.cfg [defaults] inventory)', collect, undefined)
    .option('--accept-new-host-keys', 'accept and remember unknown host keys')
    .option('-u, --user <user>', 'login user if the host has no ansible_user')
    .option('--key-file, --private-key <file>', 'private key if the host has no ansible_ssh_private_key_file')
    .option('-k, --ask-pass', 'ask for the SSH password (or set RIG_SSH_PASSWORD)')
    .option('-c, --connection <type>', 'ssh or local, if the host has no ansible_connection')
    .option('-T, --timeout <seconds>', 'SSH connection timeout (default: ansible.cfg timeout, else 10)')
    .action(async (host: string, flags: FactsFlags) => {
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
