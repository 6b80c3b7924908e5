/**
 * Ansible's inventory variable precedence (VariableManager.get_vars with the default VARIABLE_PRECEDENCE), low → high:
 *   1. inline vars of `all` (hosts.yml `all.vars`)
 *   2. inline vars of the host's other groups, in sort_groups order
 *   3. group_vars/all files
 *   4. group_vars/<group> files, in sort_groups order
 *   5. the host's inline vars (incl. the port of a `name:port` key)
 *   6. host_vars/<host> files
 * sort_groups orders by (depth, ansible_group_priority, name): deeper, higher-priority and alphabetically later groups win.
 * Note that every inline group var loses to every group_vars file, even group_vars/all: that is what Ansible does.
 * Merging replaces whole top-level values (hash_behaviour=replace).
 */
import type { GroupData, SourcedVars } from './inventory-data.ts';

/** Order groups as Ansible's sort_groups: by depth, then priority, then name. */
export function sortGroups(groups: readonly GroupData[], depth: ReadonlyMap<string, number>): GroupData[] {
  return [...groups].sort(
    (a, b) =>
      (depth.get(a.name) ?? 0) - (depth.get(b.name) ?? 0) ||
      a.priority - b.priority ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/** The layers that make up one host's inventory vars. */
export interface HostLayers {
  readonly all: GroupData;
  /** The host's groups except `all`, in any order. */
  readonly groups: readonly GroupData[];
  readonly depth: ReadonlyMap<string, number>;
  readonly groupFiles: (group: string) => SourcedVars;
  readonly hostInline: SourcedVars;
  readonly hostFiles: SourcedVars;
}

/** One source of a host's vars, in precedence order; `group` is unset for the host's own vars. */
export interface VarLayer {
  readonly group?: string;
  readonly vars: SourcedVars;
}

/** The layers of one host's vars, lowest precedence first (see the order above). */
export function varLayers(l: HostLayers): VarLayer[] {
  const sorted = sortGroups(l.groups, l.depth);
  return [
    { group: 'all', vars: l.all.vars },
    ...sorted.map((g) => ({ group: g.name, vars: g.vars })),
    { group: 'all', vars: l.groupFiles('all') },
    ...sorted.map((g) => ({ group: g.name, vars: l.groupFiles(g.name) })),
    { vars: l.hostInline },
    { vars: l.hostFiles },
  ];
}

/** Effective inventory vars of one host, each with the file:line that set the winning value. */
export function effectiveVars(l: HostLayers): SourcedVars {
  return mergeLayers(varLayers(l));
}

/** Merge layers, later ones replacing earlier values. */
export function mergeLayers(layers: readonly VarLayer[]): SourcedVars {
  const out: SourcedVars = new Map();
  for (const layer of layers) for (const [k, v] of layer.vars) out.set(k, v);
  return out;
}

/** Plain object of sourced vars. */
export function plain(vars: SourcedVars): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of vars) out[k] = v.value;
  return out;
}
