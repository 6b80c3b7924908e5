/** The options `rig run`, `rig adhoc` and `rig shell` share (ansible-playbook's and ansible's common ones). */
import type { Command } from 'commander';
import { withVaultOptions } from './vault-options.ts';

const collect = (v: string, prev: readonly string[] | undefined) => [...(prev ?? []), v];

/** Add the inventory, limit, connection, privilege, vars, verbosity, report and vault options to a command. */
export function withHostOptions(cmd: Command): Command {
  const withOptions = cmd
    .option('-i, --inventory <path>', 'Ansible-format inventory directory or file, repeatable (default: ansible.cfg [defaults] inventory)', collect, undefined)
    .option('-C, --check', 'predict changes, change nothing')
    .option('-D, --diff', 'show unified diffs of file changes')
    .option('-l, --limit <pattern>', 'limit to hosts/groups (globs, !exclude, &intersect, comma lists, @retry-file)')
    .option('-f, --forks <n>', 'hosts worked on in parallel (default: ansible.cfg forks, else 50)')
    .option('-T, --timeout <seconds>', 'SSH connection timeout (default: ansible.cfg timeout, else 10; ansible_timeout / rig_timeout per host win)')
    .option('-u, --user <user>', 'login user for hosts without ansible_user')
    .option('--key-file, --private-key <file>', 'private key for hosts without ansible_ssh_private_key_file')
    .option('-k, --ask-pass', 'ask for the SSH password (or set RIG_SSH_PASSWORD)')
    .option('-c, --connection <type>', 'ssh or local, for hosts without ansible_connection')
    .option('-b, --become', 'become (sudo) where a play does not set become')
    .option('--become-user <user>', 'user to become for hosts without ansible_become_user (default root)')
    .option('-K, --ask-become-pass', 'ask for the sudo password (or set RIG_BECOME_PASSWORD)')
    .option('-e, --extra-vars <vars>', 'k=v pairs, JSON, or @file.yml (repeatable)', collect, [])
    .option('-v, --verbose', "more output, repeatable: -v results with changes and output, -vv also the commands, -vvv also every exec's script and timing", (_v: string, n: number) => n + 1, 0)
    .option('--json <file>', 'write every task result to a JSON file')
    .option('--accept-new-host-keys', 'accept and remember unknown host keys (changed keys are always refused)');
  return withVaultOptions(withOptions);
}
