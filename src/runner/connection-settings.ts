/**
 * Connection settings whose variables are Jinja (`ansible_host: "{{ ip }}"`) or set by -e, rendered per host before
 * anything connects, as Ansible templates connection variables with the host's vars and extra vars. The inventory
 * itself keeps the raw templates (`rig inventory --list/--host` prints them, as ansible-inventory does).
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ValidationError, type Host, type Problem, type Vars } from '../core/index.ts';
import { hostSettings, isJinja, SETTING_VARS, withConnectionDefaults, type Inventory } from '../inventory/index.ts';
import { lazyVars } from './lazy-vars.ts';
import { hostvarsOf, magicVar } from './magic-vars.ts';

type Sourced = Parameters<typeof hostSettings>[1];

/**
 * `inv` with the connection settings of its hosts computed from rendered variables (host vars < -e) where any setting
 * variable is Jinja or given by -e; other hosts are kept as loaded.
 * @throws ValidationError naming host, variable and file:line, for the hosts in `targets` (the run's hosts) only: a
 *   host the run does not use keeps its load-time settings, as Ansible renders only what it uses.
 */
export function withRenderedConnections(inv: Inventory, extraVars: Vars, targets: readonly string[]): Inventory {
  const needs = (h: Host): boolean => SETTING_VARS.some((n) => Object.hasOwn(extraVars, n) || isJinja(h.vars[n]));
  const hosts = inv.hosts.filter(needs);
  if (!hosts.length) return inv;
  const views = new Map<string, Vars>();
  const origin = (host: string, n: string): string | undefined => (Object.hasOwn(extraVars, n) ? `-e ${n}` : inv.varOrigin?.(host, n));
  const hostvars = hostvarsOf(inv, (name) => varsOf(name));
  function varsOf(name: string): Vars {
    let v = views.get(name);
    if (!v) {
      v = lazyVars({ ...inv.host(name)!.vars, ...extraVars }, { host: name, templated: () => true, magic: (n) => magicVar(inv, name, n, () => hostvars), origin: (n) => origin(name, n) });
      views.set(name, v);
    }
    return v;
  }
  let baseDir = inv.source;
  try {
    if (!statSync(inv.source).isDirectory()) baseDir = dirname(inv.source);
  } catch {
    baseDir = dirname(inv.source);
  }
  const wanted = new Set(targets);
  const problems: Problem[] = [];
  const replaced = new Map<string, Host>();
  for (const host of hosts) {
    const mine: Problem[] = [];
    const vars = varsOf(host.name);
    const sourced: Sourced = new Map();
    for (const n of SETTING_VARS) {
      if (!Object.hasOwn(vars, n)) continue;
      try {
        sourced.set(n, { value: vars[n], where: origin(host.name, n) ?? host.name });
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        mine.push(...e.problems);
      }
    }
    const settings = hostSettings(host.name, sourced, baseDir, mine);
    if (mine.length) {
      if (wanted.has(host.name)) problems.push(...mine);
      continue;
    }
    const rendered: Host = { name: host.name, groups: host.groups, vars: host.vars, ...settings };
    // -u, --private-key, -c… still apply where the host's vars set nothing (they did on the host as loaded)
    replaced.set(host.name, inv.connectionDefaults ? withConnectionDefaults(rendered, inv.connectionDefaults) : rendered);
  }
  if (problems.length) throw new ValidationError(problems);
  return { ...inv, hosts: inv.hosts.map((h) => replaced.get(h.name) ?? h), host: (name) => replaced.get(name) ?? inv.host(name) };
}
