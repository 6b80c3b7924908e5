/** Whether a delegateTo value names a host of the inventory; the problem (with "did you mean" and the hosts that exist) when not. */
import type { Problem } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { suggest } from '../schema/suggest.ts';

/** Up to this many host names are listed in a hint. */
const LISTED = 8;

/** The problem of `delegateTo: name` at `where` (the task's file:line), or undefined when the inventory has that host;
 *  `dynamic`: the name came from a function (the hint says what to return, not what to write). */
export function delegateHostProblem(name: unknown, inventory: Inventory, where: string, dynamic = true): Problem | undefined {
  if (typeof name !== 'string' || name === '') {
    return { where, message: `delegateTo gave ${JSON.stringify(name) ?? String(name)}, not a host name`, hint: `return the name of one inventory host${hostsHint(inventory)}` };
  }
  if (inventory.host(name)) return undefined;
  const members = inventory.groups.has(name) ? inventory.groupHosts(name) : undefined;
  if (members) {
    return {
      where,
      message: `delegateTo: '${name}' is a group of the inventory ${inventory.source}, not a host`,
      hint: `delegateTo takes one host${members.length ? `, e.g. '${members[0]}'` : ''} (to run on every host of a group, target it with the play's hosts)`,
    };
  }
  const close = suggest(name, inventory.hosts.map((h) => h.name));
  return {
    where,
    message: `delegateTo: no host '${name}' in the inventory ${inventory.source}${close ? ` (did you mean '${close}'?)` : ''}`,
    hint: close ? (dynamic ? `return '${close}'` : `write delegateTo: '${close}'`) : `delegate to a host of the inventory${hostsHint(inventory)}, or add the host to it`,
  };
}

function hostsHint(inventory: Inventory): string {
  const names = inventory.hosts.map((h) => h.name);
  if (names.length === 0) return ' (it has no hosts)';
  return ` (it has ${names.slice(0, LISTED).join(', ')}${names.length > LISTED ? ` and ${names.length - LISTED} more` : ''}; rig inventory -i INVENTORY --list shows them)`;
}
