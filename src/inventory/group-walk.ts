/** Ansible's order of a group's hosts (Group.get_hosts), shared by host patterns and the `groups` variable. */
import type { Group } from './types.ts';

/** Names that select Ansible's implicit localhost when the inventory has no host of that name. */
export const IMPLICIT_LOCALHOST: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * Hosts of `group` and its descendants: the group's own hosts, then those of its children level by level (breadth
 * first, each level in declaration order), each host once. Ansible walks a level's groups in set order; rig in the
 * order they were declared, so the result does not change from run to run.
 * Source: ansible/inventory/group.py, Group._get_hosts and _walk_relationship(preserve_ordering=True).
 */
export function groupWalk(groups: ReadonlyMap<string, Pick<Group, 'hosts' | 'children'>>, group: string): string[] {
  const order: string[] = [group];
  const seen = new Set(order);
  let level = [group];
  while (level.length) {
    const next: string[] = [];
    for (const g of level) {
      for (const c of groups.get(g)?.children ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        order.push(c);
        next.push(c);
      }
    }
    level = next;
  }
  return [...new Set(order.flatMap((g) => groups.get(g)?.hosts ?? []))];
}
