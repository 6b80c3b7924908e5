/** The names Ansible gives every template besides the host's variables: inventory_hostname, groups, hostvars, facts. */
import type { HostFacts, Vars } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { MISSING } from '../templates/index.ts';
import { ansibleFacts, ansibleFactVar } from './ansible-facts.ts';

const groupsCache = new WeakMap<Inventory, Readonly<Record<string, readonly string[]>>>();
/** `groups`: every group (all and ungrouped included) → its hosts, in inventory order. */
export function groupsOf(inv: Inventory): Readonly<Record<string, readonly string[]>> {
  let g = groupsCache.get(inv);
  if (!g) {
    g = Object.fromEntries([...inv.groups.keys()].map((name) => [name, inv.groupHosts(name)]));
    groupsCache.set(inv, g);
  }
  return g;
}

/** `hostvars`: other hosts' variables, each rendered for its own host when read (`hostvars['db1'].ansible_host`). */
export function hostvarsOf(inv: Inventory, varsOf: (host: string) => Vars): Readonly<Record<string, Vars>> {
  const names = (): string[] => inv.hosts.map((h) => h.name);
  return new Proxy({} as Record<string, Vars>, {
    get: (_t, name) => (typeof name === 'string' && inv.host(name) ? varsOf(name) : undefined),
    has: (_t, name) => typeof name === 'string' && inv.host(name) !== undefined,
    ownKeys: () => names(),
    getOwnPropertyDescriptor: (_t, name) => (typeof name === 'string' && inv.host(name) ? { enumerable: true, configurable: true, value: varsOf(name) } : undefined),
  });
}

/** The magic name `name` for `host`, or MISSING. */
export function magicVar(inv: Inventory, host: string, name: string, hostvars: () => Readonly<Record<string, Vars>>, facts?: HostFacts): unknown {
  switch (name) {
    case 'inventory_hostname':
      return host;
    case 'inventory_hostname_short':
      return host.split('.')[0];
    case 'group_names':
      return (inv.host(host)?.groups ?? []).filter((g) => g !== 'all').sort();
    case 'groups':
      return groupsOf(inv);
    case 'hostvars':
      return hostvars();
    case 'ansible_facts':
      // Ansible's names (unprefixed) over rig's own keys, which stay readable where Ansible has none (os, memory…)
      return facts ? { ...facts, ...ansibleFacts(facts) } : MISSING;
    default: {
      const fact = facts ? ansibleFactVar(facts, name) : undefined;
      return fact === undefined ? MISSING : fact;
    }
  }
}
