/** The loaded inventory as the runner and CLI see it. */
import type { Problem } from '../core/errors.ts';
import type { Host, Vars } from '../core/host.ts';

/** One inventory group. */
export interface Group {
  readonly name: string;
  /** Hosts listed directly in this group, in the order they were added. */
  readonly hosts: readonly string[];
  /** Direct child groups, in the order they were added. */
  readonly children: readonly string[];
  /** The group's own vars: inline vars < group_vars files (not inherited ones). */
  readonly vars: Vars;
  /** file:line of the group's first definition. */
  readonly definedAt: string;
}

/** A loaded, validated inventory. */
export interface Inventory {
  /** The -i path (directory or file), absolute; the first one when several were given. */
  readonly source: string;
  /** Command-line / ansible.cfg connection defaults applied to the hosts (inventoryWithDefaults), kept so hosts whose
   *  connection vars are rendered at run time get them too. */
  readonly connectionDefaults?: ConnectionDefaults;
  /** Every host, in order of first appearance. */
  readonly hosts: readonly Host[];
  /** Every group, `all` and `ungrouped` included, in creation order. */
  readonly groups: ReadonlyMap<string, Group>;
  /** Things Ansible accepts silently but that are probably mistakes: vars files for unknown hosts/groups, unknown
   *  `ansible_*` names, a host given different addresses by two unrelated groups. */
  readonly warnings: readonly Problem[];
  /** The host named `name`, if any. */
  host(name: string): Host | undefined;
  /** All hosts of a group and its descendants, in inventory order ([] for an unknown group). */
  groupHosts(group: string): readonly string[];
  /** file:line of the key that set the value of a host's inventory variable that won (by Ansible's precedence:
   *  host_vars, host entry, group_vars, group vars), for any variable; undefined when the host does not have it. */
  varOrigin?(host: string, name: string): string | undefined;
}

/** Defaults for every host, each used only where the host's vars do not set it. */
export interface ConnectionDefaults {
  /** -u / remote_user: the SSH login user. */
  readonly user?: string;
  /** --private-key / private_key_file: absolute path of a private key to try. */
  readonly privateKeyFile?: string;
  /** -k / RIG_SSH_PASSWORD: SSH password (registered as a secret). */
  readonly password?: string;
  /** -c / transport. @default 'ssh' */
  readonly connection?: 'ssh' | 'local';
  /** remote_port / ANSIBLE_REMOTE_PORT. @default 22 */
  readonly port?: number;
  /** -b / become: become for every play that does not say otherwise. @default false */
  readonly become?: boolean;
  /** --become-user / become_user. @default 'root' */
  readonly becomeUser?: string;
}
