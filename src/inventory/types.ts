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
  /** The -i path (directory or file), absolute. */
  readonly source: string;
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
