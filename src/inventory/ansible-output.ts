/** `ansible-inventory --list` and `--graph` renderings of an inventory, shaped exactly as ansible-core 2.19 prints them. */
import { ValidationError } from '../core/errors.ts';
import { pythonJson } from './python-json.ts';
import { PyFloat, UnsafeValue, VaultValue } from './tagged-values.ts';
import type { Inventory } from './types.ts';

/** JSON-like value with object keys sorted (Python's json.dumps(sort_keys=True)). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof VaultValue || value instanceof UnsafeValue || value instanceof PyFloat) return value;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** The object `ansible-inventory -i SRC --list` prints: one entry per non-empty group plus `_meta.hostvars`. */
export function toAnsibleList(inv: Inventory): object {
  const results: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (name: string): void => {
    const g = inv.groups.get(name)!;
    const entry: { hosts?: string[]; children?: string[] } = {};
    if (name !== 'all' && g.hosts.length > 0) entry.hosts = [...g.hosts];
    if (g.children.length > 0) entry.children = [...g.children];
    // Ansible drops empty groups from the top level but still names them in their parent's children
    if (entry.hosts || entry.children) results[name] = entry;
    for (const c of g.children) {
      if (seen.has(c)) continue;
      format(c);
      seen.add(c);
    }
  };
  format('all');
  const hostvars: Record<string, unknown> = {};
  for (const h of inv.hosts) if (Object.keys(h.vars).length > 0) hostvars[h.name] = h.vars;
  results._meta = { hostvars, profile: 'inventory_legacy' };
  return sortKeys(results) as object;
}

/**
 * The exact text `ansible-inventory -i SRC --list` prints (without the final newline): Python's json.dumps layout, floats
 * as Python prints them, `!vault` values as `{"__ansible_vault": …}` when loaded with `display: true`.
 */
export function toAnsibleListText(inv: Inventory): string {
  return pythonJson(toAnsibleList(inv));
}

/** The exact text `ansible-inventory -i SRC --host NAME` prints (without the final newline); unknown host → ValidationError. */
export function toAnsibleHostText(inv: Inventory, name: string): string {
  const h = inv.host(name);
  if (!h) throw new ValidationError({ where: inv.source, message: `no host '${name}' in the inventory`, hint: 'see rig inventory -i INV --list' });
  return pythonJson(h.vars, false);
}

/** The text `ansible-inventory -i SRC --graph [group]` prints (without a trailing newline). */
export function toAnsibleGraph(inv: Inventory, group = 'all'): string {
  if (!inv.groups.has(group)) {
    throw new ValidationError({ message: `no group "${group}" in the inventory`, hint: `--graph takes a group name: ${[...inv.groups.keys()].join(', ')}` });
  }
  const lines: string[] = [];
  const name = (text: string, depth: number): string => (depth ? `${'  |'.repeat(depth)}--${text}` : text);
  const walk = (g: string, depth: number): void => {
    const grp = inv.groups.get(g)!;
    lines.push(name(`@${g}:`, depth));
    for (const c of grp.children) walk(c, depth + 1);
    if (g !== 'all') for (const h of grp.hosts) lines.push(name(h, depth + 1));
  };
  walk(group, 0);
  return lines.join('\n');
}
