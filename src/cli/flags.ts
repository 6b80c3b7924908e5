/** Parsed flags of the CLI commands. */

import type { VaultFlags } from './vault-options.ts';

/** Connection flags shared by `rig run` and `rig facts` (ansible-playbook's connection options). */
export interface ConnectionFlags {
  /** -u/--user: login user for hosts without ansible_user. */
  readonly user?: string;
  /** --private-key/--key-file: key for hosts without ansible_ssh_private_key_file. */
  readonly privateKey?: string;
  /** -k/--ask-pass: ask for the SSH password (RIG_SSH_PASSWORD answers instead). */
  readonly askPass?: boolean;
  /** -c/--connection: ssh or local, for hosts without ansible_connection. */
  readonly connection?: string;
  /** -T/--timeout: SSH connect timeout in seconds. */
  readonly timeout?: string;
  readonly acceptNewHostKeys?: boolean;
}

/** Options of `rig run`, as commander parses them. */
export interface RunFlags extends ConnectionFlags, VaultFlags {
  /** -i, repeatable; ansible.cfg's inventory when absent. */
  readonly inventory?: readonly string[];
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly limit?: string;
  readonly forks?: string;
  readonly extraVars: string[];
  readonly tags: string[];
  readonly skipTags: string[];
  /** How many -v were given (0–3 and more, Ansible's verbosity). */
  readonly verbose: number;
  readonly json?: string;
  /** --report FILE: the HTML run report. */
  readonly report?: string;
  readonly askBecomePass?: boolean;
  readonly forceHandlers?: boolean;
  /** --no-segments: false (commander's negated option; true by default). */
  readonly segments?: boolean;
  readonly listHosts?: boolean;
  readonly listTasks?: boolean;
  /** -b/--become: the default of every play's become. */
  readonly become?: boolean;
  readonly becomeUser?: string;
  /** --start-at-task NAME (glob). */
  readonly startAtTask?: string;
  /** --step: confirm each task. */
  readonly step?: boolean;
  /** --syntax-check: load and validate, connect to nothing. */
  readonly syntaxCheck?: boolean;
  /** --flush-cache: forget the fact cache of the inventory's hosts first. */
  readonly flushCache?: boolean;
}

/** Options of `rig facts`. */
export interface FactsFlags extends ConnectionFlags, VaultFlags {
  readonly inventory?: readonly string[];
}
