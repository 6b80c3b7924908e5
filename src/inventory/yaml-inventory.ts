/** Ansible's YAML inventory format (the `yaml` inventory plugin): groups with hosts, vars and children. */
import type { InventoryData } from './inventory-data.ts';
import { expandHostPattern } from './host-pattern.ts';
import type { YEntry, YNode } from './yaml-source.ts';

const SECTIONS = ['vars', 'children', 'hosts'] as const;

/** Add the groups and hosts of one parsed YAML inventory file to `inv` (problems go to `inv.problems`). */
export function readYamlInventory(inv: InventoryData, root: YNode | undefined, file: string): void {
  if (!root || root.value === null) {
    inv.problems.push({ where: file, message: 'empty inventory file', hint: 'start it with `all:` and list hosts under `hosts:`' });
    return;
  }
  if (root.kind !== 'map') {
    inv.problems.push({ where: root.where, message: `an inventory file must be a mapping of groups, got a ${root.kind}` });
    return;
  }
  if (root.entries.some((e) => e.key === 'plugin')) {
    inv.problems.push({
      where: root.where,
      message: 'inventory plugin configuration files are not supported',
      hint: 'export it with `ansible-inventory -i FILE --list -y > hosts.yml` and use that',
    });
    return;
  }
  for (const e of root.entries) parseGroup(inv, e);
}

function groupName(inv: InventoryData, e: YEntry): string | undefined {
  if (typeof e.key === 'string' && e.key.length > 0) return e.key;
  inv.problems.push({ where: e.where, message: `group name must be a non-empty string, got ${JSON.stringify(e.key)}` });
  return undefined;
}

function parseGroup(inv: InventoryData, e: YEntry): string | undefined {
  const name = groupName(inv, e);
  if (name === undefined) return undefined;
  const node = e.node;
  if (node.kind !== 'map' && node.value !== null) {
    inv.problems.push({
      where: e.where,
      message: `group "${name}" must be a mapping with hosts/vars/children, got ${JSON.stringify(node.value)}`,
      hint: 'write `name: { hosts: {...} }`, or `name:` alone for an empty group',
    });
    return undefined;
  }
  inv.addGroup(name, e.where);
  for (const section of node.entries) {
    const key = section.key;
    if (!SECTIONS.includes(key as (typeof SECTIONS)[number])) {
      inv.problems.push({
        where: section.where,
        message: `unexpected key "${String(key)}" in group "${name}"`,
        hint: 'only "hosts", "vars" and "children" are valid (is it a group that belongs under "children:"?)',
      });
      continue;
    }
    const v = section.node;
    if (v.value === null) continue;
    // a bare string is a one-entry mapping for hosts and children, as Ansible allows
    const entries: YEntry[] =
      typeof v.value === 'string' && key !== 'vars'
        ? [{ key: v.value, where: v.where, node: { kind: 'scalar', where: v.where, value: null, entries: [] } }]
        : v.kind === 'map'
          ? [...v.entries]
          : [];
    if (entries.length === 0 && v.kind !== 'map') {
      inv.problems.push({ where: section.where, message: `"${String(key)}" of group "${name}" must be a mapping, got ${JSON.stringify(v.value)}` });
      continue;
    }
    if (key === 'vars') {
      for (const ve of entries) setVar(inv, ve, (k, val, where) => inv.setGroupVar(name, k, val, where));
    } else if (key === 'children') {
      for (const ce of entries) {
        const child = parseGroup(inv, ce);
        if (child !== undefined) inv.addChild(name, child, ce.where);
      }
    } else {
      for (const he of entries) parseHost(inv, name, he);
    }
  }
  return name;
}

function parseHost(inv: InventoryData, group: string, e: YEntry): void {
  if (typeof e.key !== 'string' || e.key.length === 0) {
    inv.problems.push({ where: e.where, message: `host pattern ${JSON.stringify(e.key)} must be a string`, hint: 'quote numbers and addresses' });
    return;
  }
  let expanded: { hosts: string[]; port?: number };
  try {
    expanded = expandHostPattern(e.key);
  } catch (err) {
    inv.problems.push({ where: e.where, message: (err as Error).message });
    return;
  }
  const vars = e.node;
  if (vars.value !== null && vars.kind !== 'map') {
    inv.problems.push({
      where: e.where,
      message: `variables of host "${e.key}" must be a mapping, got ${JSON.stringify(vars.value)}`,
      hint: 'write `host: { var: value }`, or `host:` alone',
    });
    return;
  }
  for (const h of expanded.hosts) {
    const host = inv.addHost(h, group, e.where, expanded.port);
    for (const ve of vars.entries) setVar(inv, ve, (k, val, where) => host.vars.set(k, { value: val, where }));
  }
}

function setVar(inv: InventoryData, e: YEntry, set: (key: string, value: unknown, where: string) => void): void {
  if (typeof e.key !== 'string') {
    inv.problems.push({ where: e.where, message: `variable name must be a string, got ${JSON.stringify(e.key)}` });
    return;
  }
  set(e.key, e.node.value, e.where);
}
