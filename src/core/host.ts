/** Inventory host as the runner sees it. */

/** Plain variables as loaded from inventory, playbooks and -e. */
export type Vars = Readonly<Record<string, unknown>>;

/** How to reach a host over SSH (resolved from inventory vars and ~/.ssh/config). */
export interface SshSettings {
  /** Address to connect to (ansible_host / rig_host), defaults to the inventory name. */
  readonly address: string;
  /** TCP port. @default 22 */
  readonly port: number;
  /** Remote user (ansible_user / rig_user); undefined means ~/.ssh/config or the local user. */
  readonly user?: string;
  /** Private key files to try (ansible_ssh_private_key_file / rig_identity_file). */
  readonly identityFiles?: readonly string[];
  /** Extra known_hosts file given by the inventory (rig_known_hosts_file). */
  readonly knownHostsFile?: string;
  /** SSH password (ansible_password); a secret, never printed. */
  readonly password?: string;
  /** Jump host spec user@host:port (ProxyJump). */
  readonly proxyJump?: string;
}

/** One inventory host with its groups and effective (merged) variables. */
export interface Host {
  /** Inventory name. */
  readonly name: string;
  /** Groups the host belongs to, including `all` and ancestors, in inventory order. */
  readonly groups: readonly string[];
  /** Effective inventory variables (group_vars/host_vars merged by Ansible precedence). */
  readonly vars: Vars;
  /** Connection settings. */
  readonly ssh: SshSettings;
  /** How tasks reach the host: over SSH, or on the controller (ansible_connection: local). @default 'ssh' */
  readonly connection?: 'ssh' | 'local';
  /** Become root via sudo for every task unless a task says otherwise (ansible_become). @default false */
  readonly become: boolean;
  /** Become user. @default 'root' */
  readonly becomeUser?: string;
}
