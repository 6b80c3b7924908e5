/** Mutable groups and hosts while inventory files are read; mirrors Ansible's InventoryData so results agree. */
import type { Problem } from '../core/errors.ts';

/** A variable value and the file:line that set it. */
export interface Sourced {
  readonly value: unknown;
  readonly where: string;
}

/** Ordered variables with their origins. */
export type SourcedVars = Map<string, Sourced>;

/** A group being built. */
export interface GroupData {
  readonly name: string;
  readonly definedAt: string;
  readonly hosts: string[];
  readonly children: string[];
  readonly parents: string[];
  readonly vars: SourcedVars;
  priority: number;
}

/** A host being built. */
export interface HostData {
  readonly name: string;
  readonly definedAt: string;
  readonly vars: SourcedVars;
}

/** Groups and hosts in the order Ansible creates them, plus the problems found so far. */
export class InventoryData {
  readonly groups = new Map<string, GroupData>();
  readonly hosts = new Map<string, HostData>();
  readonly problems: Problem[] = [];

  constructor(source: string) {
    this.addGroup('all', source);
    this.addGroup('ungrouped', source);
    this.addChild('all', 'ungrouped', source);
  }

  /** Create the group if it does not exist yet. */
  addGroup(name: string, where: string): GroupData {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, definedAt: where, hosts: [], children: [], parents: [], vars: new Map(), priority: 1 };
      this.groups.set(name, g);
    }
    return g;
  }

  /** Create the host if new (a port from `name:port` applies only then, as in Ansible) and add it to `group`. */
  addHost(name: string, group: string, where: string, port?: number): HostData {
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, definedAt: where, vars: new Map() };
      if (port !== undefined) h.vars.set('ansible_port', { value: port, where });
      this.hosts.set(name, h);
    }
    const g = this.groups.get(group)!;
    if (!g.hosts.includes(name)) g.hosts.push(name);
    return h;
  }

  /** Make `child` a subgroup of `parent`; a cycle is recorded as a problem and the edge left out. */
  addChild(parent: string, child: string, where: string): void {
    const p = this.groups.get(parent)!;
    const c = this.groups.get(child)!;
    if (p.children.includes(child)) return;
    const path = this.pathDown(child, parent);
    if (path) {
      this.problems.push({
        where,
        message: `cyclic group children: ${[parent, ...path].join(' → ')}`,
        hint: `remove "${child}" from the children of "${parent}" (or the edge that makes "${parent}" a descendant of it)`,
      });
      return;
    }
    p.children.push(child);
    if (!c.parents.includes(parent)) c.parents.push(parent);
  }

  /** Set a group variable; `ansible_group_priority` sets the group's priority instead, as in Ansible. */
  setGroupVar(group: string, key: string, value: unknown, where: string): void {
    const g = this.groups.get(group)!;
    if (key === 'ansible_group_priority') {
      const n = typeof value === 'string' && /^[-+]?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n === 'number' && Number.isInteger(n)) g.priority = n;
      else this.problems.push({ where, message: `ansible_group_priority of group "${group}" must be an integer, got ${JSON.stringify(value)}` });
      return;
    }
    g.vars.set(key, { value, where });
  }

  /** Path of group names from `from` down to `to` through children, if any (includes both ends). */
  private pathDown(from: string, to: string, seen = new Set<string>()): string[] | undefined {
    if (from === to) return [from];
    if (seen.has(from)) return undefined;
    seen.add(from);
    for (const kid of this.groups.get(from)?.children ?? []) {
      const rest = this.pathDown(kid, to, seen);
      if (rest) return [from, ...rest];
    }
    return undefined;
  }

  /** Ancestors of a group (parents, grandparents, …). */
  ancestors(group: string): Set<string> {
    const out = new Set<string>();
    const stack = [...(this.groups.get(group)?.parents ?? [])];
    while (stack.length) {
      const g = stack.pop()!;
      if (out.has(g)) continue;
      out.add(g);
      stack.push(...(this.groups.get(g)?.parents ?? []));
    }
    return out;
  }

  /** Groups of every host: its direct groups and all their ancestors (a snapshot; recompute after changes). */
  memberships(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>([...this.hosts.keys()].map((h) => [h, new Set<string>()]));
    for (const g of this.groups.values()) {
      if (g.hosts.length === 0) continue;
      const up = [g.name, ...this.ancestors(g.name)];
      for (const h of g.hosts) for (const a of up) out.get(h)?.add(a);
    }
    return out;
  }

  /** Ansible's reconcile_inventory: orphan groups go under `all`, hosts without a group into `ungrouped` (and out of it otherwise). */
  reconcile(): void {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name, g.definedAt);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    for (const [h, mine] of this.memberships()) {
      if (mine.has('ungrouped')) {
        if ([...mine].some((g) => g !== 'all' && g !== 'ungrouped')) ungrouped.hosts.splice(ungrouped.hosts.indexOf(h), 1);
      } else if (mine.size === 0 || (mine.size === 1 && mine.has('all'))) {
        ungrouped.hosts.push(h);
      }
    }
  }

  /** Depth of every group: the longest path from `all`, as Ansible computes it. */
  depths(): Map<string, number> {
    const depth = new Map<string, number>();
    const visit = (name: string, d: number): void => {
      if ((depth.get(name) ?? -1) >= d) return;
      depth.set(name, d);
      for (const kid of this.groups.get(name)?.children ?? []) visit(kid, d + 1);
    };
    visit('all', 0);
    return depth;
  }
}
