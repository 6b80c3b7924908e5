/**
 * Ansible's INI inventory format (the `ini` inventory plugin of ansible-core 2.19), in two steps: `parseIni` turns the
 * text into entries or problems (file:line) without touching any inventory, so the loader can tell whether a file is
 * INI at all; `readIniInventory` then adds the entries to the inventory with the plugin's rules for groups named
 * before they are declared.
 */
import type { Problem } from '../core/errors.ts';
import { expandHostPattern } from './host-pattern.ts';
import type { InventoryData } from './inventory-data.ts';
import { iniValue, LiteralError } from './python-literal.ts';
import { shlexSplit } from './shlex.ts';

type SectionState = 'hosts' | 'children' | 'vars';

/** One meaningful line of an INI inventory. */
export type IniEntry =
  | { readonly kind: 'section'; readonly group: string; readonly state: SectionState; readonly where: string }
  | { readonly kind: 'hosts'; readonly hosts: readonly string[]; readonly port?: number; readonly vars: readonly (readonly [string, unknown])[]; readonly where: string }
  | { readonly kind: 'var'; readonly key: string; readonly value: unknown; readonly where: string }
  | { readonly kind: 'child'; readonly group: string; readonly where: string };

/** The entries of one INI text, in order, and every problem found (a bad line is left out, the rest still read). */
export interface IniParse {
  readonly entries: readonly IniEntry[];
  readonly problems: readonly Problem[];
}

// the plugin's patterns: `[name]`, `[name:tag]` with an optional `#` comment; a child group name alone on its line
const SECTION = /^\[([^:\]\s]+)(?::([\p{L}\p{N}_]+))?\]\s*(?:#.*)?$/u;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/u;
// Python's str.splitlines() line boundaries (line numbers count them all, as Ansible's do)
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

const HINTS = {
  section: 'a section header is [group], [group:vars] or [group:children], with no spaces inside the brackets',
  hostVar: 'host variables are key=value words after the host name; quote a value that has spaces: key="a b"',
  groupVar: 'a line of a [group:vars] section is one key=value',
  child: 'a line of a [group:children] section is one group name',
  quote: 'close the quote, or escape a lone quote or backslash with \\',
} as const;

/** Parse INI inventory text (`file` names it in messages as file:line). Pure: no inventory is changed. */
export function parseIni(text: string, file: string): IniParse {
  const entries: IniEntry[] = [];
  const problems: Problem[] = [];
  let state: SectionState = 'hosts';
  // after a bad section header its lines are skipped: reading them into the previous section would only add noise
  let skipping = false;
  text.split(LINE_BREAK).forEach((raw, i) => {
    const where = `${file}:${i + 1}`;
    const line = raw.trim();
    if (!line || line[0] === '#' || line[0] === ';') return;
    const problem = (message: string, hint?: string): void => {
      problems.push(hint ? { where, message, hint } : { where, message });
    };
    const m = SECTION.exec(line);
    if (m) {
      const tag = m[2] ?? 'hosts';
      skipping = tag !== 'hosts' && tag !== 'children' && tag !== 'vars';
      if (skipping) return problem(`Section [${m[1]}:${tag}] has unknown type: ${tag}`, HINTS.section);
      state = tag as SectionState;
      entries.push({ kind: 'section', group: m[1]!, state, where });
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      skipping = true;
      return problem(`Invalid section entry: '${line}'`, HINTS.section);
    }
    if (skipping) return;
    if (state === 'hosts') {
      const entry = hostLine(line, where, problem);
      if (entry) entries.push(entry);
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) return problem(`Expected key=value, got: ${line}`, HINTS.groupVar);
      const value = valueOf(line.slice(eq + 1).trim(), problem);
      if (value) entries.push({ kind: 'var', key: line.slice(0, eq).trim(), value: value.ok, where });
    } else {
      const g = GROUP_NAME.exec(line);
      if (!g) return problem(`Expected group name, got: ${line}`, HINTS.child);
      entries.push({ kind: 'child', group: g[1]!, where });
    }
  });
  return { entries, problems };
}

/** `name[:port] key=value …` (shlex-split; a host range expands to several hosts). */
function hostLine(line: string, where: string, problem: (message: string, hint?: string) => void): IniEntry | undefined {
  let tokens: string[];
  try {
    tokens = shlexSplit(line);
  } catch (e) {
    problem(`Error parsing host definition '${line}': ${(e as Error).message}`, HINTS.quote);
    return undefined;
  }
  const pattern = tokens[0] ?? '';
  let expanded: { hosts: string[]; port?: number };
  try {
    expanded = expandHostPattern(pattern);
  } catch (e) {
    problem((e as Error).message);
    return undefined;
  }
  if (pattern.trim().endsWith(':') && expanded.port === undefined) {
    problem(`Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`, 'write host:PORT, or remove the colon');
    return undefined;
  }
  if (expanded.hosts.some((h) => h.trim() === '---')) {
    problem(`Invalid host pattern '${pattern}' supplied, '---' is normally a sign this is a YAML file.`, 'name a YAML inventory *.yml or *.yaml');
    return undefined;
  }
  if (expanded.hosts.some((h) => h === '')) {
    problem('Invalid empty host name provided', HINTS.hostVar);
    return undefined;
  }
  const vars: [string, unknown][] = [];
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq < 0) {
      problem(`Expected key=value host variable assignment, got: ${t}`, HINTS.hostVar);
      return undefined;
    }
    const value = valueOf(t.slice(eq + 1), problem);
    if (!value) return undefined;
    vars.push([t.slice(0, eq), value.ok]);
  }
  const entry = { kind: 'hosts' as const, hosts: expanded.hosts, vars, where };
  return expanded.port === undefined ? entry : { ...entry, port: expanded.port };
}

/** The plugin's _parse_value: a Python literal's value, else the text. */
function valueOf(text: string, problem: (message: string, hint?: string) => void): { ok: unknown } | undefined {
  try {
    return { ok: iniValue(text) };
  } catch (e) {
    if (!(e instanceof LiteralError)) throw e;
    problem(`value ${text}: ${e.message}`, 'quote the value to keep it a string: key="\'…\'"');
    return undefined;
  }
}

interface Pending {
  readonly state: 'vars' | 'children';
  readonly where: string;
  readonly parents: { readonly group: string; readonly where: string }[];
}

/**
 * Add the entries of one parsed INI file to `inv`, as the plugin does: `[g]` and `[g:children]` declare a group;
 * `[g:vars]` and a child named in `[p:children]` may come before the group's declaration (in this file, or in a file
 * read earlier), but a group never declared is an error.
 */
export function readIniInventory(inv: InventoryData, parsed: IniParse): void {
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  const addPendingChildren = (child: string): void => {
    const decl = pending.get(child)!;
    pending.delete(child);
    for (const p of decl.parents) {
      inv.addChild(p.group, child, p.where);
      if (pending.get(p.group)?.state === 'children') addPendingChildren(p.group);
    }
  };
  for (const e of parsed.entries) {
    if (e.kind === 'section') {
      group = e.group;
      if (!inv.groups.has(group)) {
        if (e.state === 'vars' && !pending.has(group)) pending.set(group, { state: 'vars', where: e.where, parents: [] });
        inv.addGroup(group, e.where);
      }
      const decl = pending.get(group);
      if (decl && e.state !== 'vars') {
        if (decl.state === 'children') addPendingChildren(group);
        else pending.delete(group);
      }
    } else if (e.kind === 'hosts') {
      for (const name of e.hosts) {
        const host = inv.addHost(name, group, e.where, e.port);
        for (const [k, value] of e.vars) host.vars.set(k, { value, where: e.where });
      }
    } else if (e.kind === 'var') {
      inv.setGroupVar(group, e.key, e.value, e.where);
    } else if (inv.groups.has(e.group)) {
      inv.addChild(group, e.group, e.where);
    } else {
      const decl = pending.get(e.group);
      if (decl) decl.parents.push({ group, where: e.where });
      else pending.set(e.group, { state: 'children', where: e.where, parents: [{ group, where: e.where }] });
    }
  }
  for (const [name, decl] of pending) {
    if (decl.state === 'vars') {
      inv.problems.push({
        where: decl.where,
        message: `Section [${name}:vars] not valid for undefined group '${name}'`,
        hint: `declare the group with a [${name}] section (it may be empty), or in an inventory file read before this one`,
      });
    } else {
      inv.problems.push({
        where: decl.where,
        message: `Section [${decl.parents.at(-1)!.group}:children] includes undefined group '${name}'`,
        hint: `declare the group with a [${name}] section (it may be empty), or in an inventory file read before this one`,
      });
    }
  }
}
