/**
 * A host in two unrelated groups that give it different addresses (ports, users): Ansible silently takes the one of
 * the group that sorts last, which is rarely what was meant. A parent's value overridden by a child group, or any group
 * value overridden by the host's own vars, is deliberate and not reported.
 */
import type { Problem } from '../core/errors.ts';
import type { Sourced } from './inventory-data.ts';
import type { VarLayer } from './precedence.ts';

/** Connection variables whose conflicting group values are reported. */
export const CONFLICT_VARS = ['rig_host', 'ansible_host', 'ansible_ssh_host', 'rig_port', 'ansible_port', 'ansible_ssh_port', 'rig_user', 'ansible_user', 'ansible_ssh_user'];

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * Warnings for `host` whose layers (lowest precedence first, as varLayers returns them) set one of CONFLICT_VARS to
 * different values in groups where neither is an ancestor of the other. `related(a, b)`: a is b or an ancestor of it,
 * or the other way round.
 */
export function groupVarConflicts(host: string, where: string, layers: readonly VarLayer[], related: (a: string, b: string) => boolean): Problem[] {
  const out: Problem[] = [];
  for (const name of CONFLICT_VARS) {
    // set by the host itself: the groups' values do not matter
    if (layers.some((l) => l.group === undefined && l.vars.has(name))) continue;
    const sources: (Sourced & { group: string })[] = [];
    for (const l of layers) {
      const v = l.vars.get(name);
      if (l.group !== undefined && v !== undefined && v.value !== null) sources.push({ ...v, group: l.group });
    }
    const winner = sources.at(-1);
    if (!winner) continue;
    const losers = sources.filter((s) => !same(s.value, winner.value) && !related(s.group, winner.group));
    if (losers.length === 0) continue;
    const shown = (s: Sourced & { group: string }): string => `${JSON.stringify(s.value)} from group "${s.group}" (${s.where})`;
    out.push({
      where,
      message:
        `host "${host}": ${name} is ${[...losers, winner].map(shown).join(' and ')}; ` +
        `group "${winner.group}" wins (Ansible's group order: deeper, then higher ansible_group_priority, then later name)`,
      hint: `set ${name} for "${host}" in host_vars/${host}.yml (or its inventory entry), or remove it from one of the groups`,
    });
  }
  return out;
}
