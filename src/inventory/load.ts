/** loadInventory: read an Ansible-format YAML or INI inventory (directory or file), resolve vars, validate, build hosts. */
import { dirname, join, relative, resolve } from 'node:path';
import { ValidationError, type Problem } from '../core/errors.ts';
import type { Host, Vars } from '../core/host.ts';
import { groupWalk, IMPLICIT_LOCALHOST } from './group-walk.ts';
import { unimplementedVarWarnings, unknownAnsibleVarWarnings } from './connection-vars.ts';
import { hostSettings } from './host-settings.ts';
import { InventoryData, type SourcedVars } from './inventory-data.ts';
import { mergeLayers, plain, varLayers } from './precedence.ts';
import type { Group, Inventory } from './types.ts';
import { groupVarConflicts } from './var-conflicts.ts';
import { inventoryFiles, isDir, readInventoryFile } from './source-files.ts';
import { findVarsFiles, listDir, loadVarsFiles, varsFileNames } from './vars-files.ts';
import { untag } from './tagged-values.ts';
import type { VaultSecret } from './vault.ts';
import type { YamlOptions } from './yaml-source.ts';

/** Options of loadInventory. */
export interface LoadOptions {
  /** Vault secrets, tried in order on `!vault` values and encrypted files (see src/cli/vault-secrets.ts). @default [] */
  readonly vaultSecrets?: readonly VaultSecret[];
  /**
   * Load for `rig inventory`: values as ansible-inventory prints them — `!vault` values stay encrypted (no password
   * needed, as ansible-inventory 2.19), `!unsafe` and integral floats are marked (tagged-values.ts). Not for running.
   * @default false
   */
  readonly display?: boolean;
}

/** One `-i` source: a directory or a file, with the directory its group_vars/ and host_vars/ are looked up in. */
interface Source {
  /** As the user wrote it (messages name files this way). */
  readonly path: string;
  readonly baseDir: string;
  readonly shownBase: string;
  readonly files: readonly string[];
  shown(abs: string): string;
}

async function openSource(path: string, problems: Problem[]): Promise<Source | undefined> {
  const source = resolve(path);
  const dirSource = await isDir(source);
  if (dirSource === undefined) {
    problems.push({ where: path, message: 'inventory not found', hint: 'pass -i DIR (with hosts.yml or an INI hosts file) or -i FILE' });
    return undefined;
  }
  const baseDir = dirSource ? source : dirname(source);
  const shownBase = dirSource ? path : dirname(path);
  const files = dirSource ? await inventoryFiles(source) : [source];
  if (dirSource && files.length === 0) {
    problems.push({ where: path, message: 'no inventory file in this directory', hint: 'add hosts.yml (Ansible YAML format: all: { hosts: ..., children: ... }) or an INI hosts file' });
  }
  return { path, baseDir, shownBase, files, shown: (abs) => (abs === source ? path : join(shownBase, relative(baseDir, abs))) };
}

/**
 * Load an inventory from one source or several (`-i a -i b`, as Ansible: read in order into one inventory, each with
 * the group_vars/ and host_vars/ beside it, a later source's files winning); every problem found is collected into one
 * ValidationError. Vault data follows Ansible: a `!vault` value or an encrypted file without a fitting secret is a
 * problem at its file:line (naming the flag to pass).
 */
export async function loadInventory(paths: string | readonly string[], options: LoadOptions = {}): Promise<Inventory> {
  const secrets = options.vaultSecrets ?? [];
  const yamlOpts: YamlOptions = { vault: secrets, display: options.display };
  const problems: Problem[] = [];
  const list = typeof paths === 'string' ? [paths] : [...paths];
  const opened = await Promise.all(list.map((p) => openSource(p, problems)));
  if (opened.includes(undefined)) throw new ValidationError(problems);
  const sources = opened as Source[];
  const source = resolve(list[0]!);
  // relative key paths in host vars resolve against the first source's directory
  const baseDir = sources[0]!.baseDir;

  const warnings: Problem[] = [];
  const inv = new InventoryData(list[0]!);
  for (const src of sources) for (const file of src.files) await readInventoryFile(inv, file, src.shown(file), problems, warnings, yamlOpts);
  inv.reconcile();
  problems.push(...inv.problems);
  for (const name of inv.hosts.keys()) {
    const g = inv.groups.get(name);
    if (g) {
      problems.push({
        where: g.definedAt,
        message: `"${name}" is both a host (${inv.hosts.get(name)!.definedAt}) and a group`,
        hint: 'rename one of them: patterns like --limit would be ambiguous (Ansible picks the group and only warns)',
      });
    }
  }

  // group_vars/ and host_vars/ next to each source, a later source's winning
  const filesVars = async (sub: 'group_vars' | 'host_vars', names: readonly string[]): Promise<Map<string, SourcedVars>> => {
    const out = new Map<string, SourcedVars>();
    const known = new Set(names);
    for (const src of new Map(sources.map((x) => [x.baseDir, x])).values()) {
      const dir = join(src.baseDir, sub);
      const entries = await listDir(dir);
      for (const n of names) {
        const found = await loadVarsFiles(await findVarsFiles(dir, n, entries), problems, src.shown, yamlOpts, warnings);
        const prev = out.get(n);
        out.set(n, prev && prev.size ? new Map([...prev, ...found]) : found);
      }
      for (const n of varsFileNames(entries)) {
        if (!known.has(n)) warnings.push({ where: join(src.shownBase, sub, n), message: `no ${sub === 'group_vars' ? 'group' : 'host'} named "${n}" in the inventory: these vars are ignored` });
      }
    }
    return out;
  };
  const groupFiles = await filesVars('group_vars', [...inv.groups.keys()]);
  const hostFiles = await filesVars('host_vars', [...inv.hosts.keys()]);

  // ansible_prot: 2222 is ignored by Ansible and rig alike
  for (const g of inv.groups.values()) {
    warnings.push(...unknownAnsibleVarWarnings(`group "${g.name}"`, g.vars), ...unknownAnsibleVarWarnings(`group "${g.name}"`, groupFiles.get(g.name) ?? new Map()));
  }
  for (const h of inv.hosts.values()) {
    warnings.push(...unknownAnsibleVarWarnings(`host "${h.name}"`, h.vars), ...unknownAnsibleVarWarnings(`host "${h.name}"`, hostFiles.get(h.name) ?? new Map()));
  }

  const depth = inv.depths();
  const groupNames = [...inv.groups.keys()];
  const hosts: Host[] = [];
  const origins = new Map<string, readonly SourcedVars[]>();
  const effective: { name: string; vars: SourcedVars }[] = [];
  const memberships = inv.memberships();
  const related = (a: string, b: string): boolean => a === b || inv.ancestors(a).has(b) || inv.ancestors(b).has(a);
  for (const h of inv.hosts.values()) {
    const mine = memberships.get(h.name)!;
    const layers = varLayers({
      all: inv.groups.get('all')!,
      groups: [...mine].filter((g) => g !== 'all').map((g) => inv.groups.get(g)!),
      depth,
      groupFiles: (g) => groupFiles.get(g) ?? new Map(),
      hostInline: h.vars,
      hostFiles: hostFiles.get(h.name) ?? new Map(),
    });
    const vars = mergeLayers(layers);
    warnings.push(...groupVarConflicts(h.name, h.definedAt, layers, related));
    // display mode: the settings are read from the plain values (a vault value no secret opens is left out)
    const settings = hostSettings(h.name, options.display ? untagVars(vars, secrets) : vars, baseDir, problems);
    hosts.push({ name: h.name, groups: groupNames.filter((g) => g === 'all' || mine.has(g)), vars: plain(vars), ...settings });
    effective.push({ name: h.name, vars });
    // where each var's winning value was set, for messages after loading (a missing key file, a bad role variable):
    // the host's layers, highest last, are kept rather than the merged map; the group layers are shared by all the
    // group's hosts, so this costs an array per host, and a lookup walks ~2 × (the host's groups) maps
    origins.set(h.name, layers.filter((l) => l.vars.size > 0).map((l) => l.vars));
  }
  if (problems.length > 0) throw new ValidationError(problems);
  // ansible_ssh_common_args & co.: Ansible reads them, rig does not
  warnings.push(...unimplementedVarWarnings(effective));

  const groups = new Map<string, Group>();
  for (const g of inv.groups.values()) {
    const own: SourcedVars = new Map([...g.vars, ...(groupFiles.get(g.name) ?? [])]);
    groups.set(g.name, { name: g.name, hosts: [...g.hosts], children: [...g.children], vars: plain(own), definedAt: g.definedAt });
  }
  return makeInventory(source, hosts, groups, warnings, origins);
}

function untagVars(vars: SourcedVars, secrets: readonly VaultSecret[]): SourcedVars {
  const out: SourcedVars = new Map();
  for (const [k, v] of vars) {
    const value = untag(v.value, secrets);
    if (value !== undefined) out.set(k, { ...v, value });
  }
  return out;
}

function makeInventory(source: string, hosts: Host[], groups: Map<string, Group>, warnings: Problem[], origins: ReadonlyMap<string, readonly SourcedVars[]>): Inventory {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const cache = new Map<string, readonly string[]>();
  // the highest layer that has the name set the value that won (mergeLayers: a later layer replaces an earlier one)
  const varOrigin = (host: string, name: string): string | undefined => {
    const layers = origins.get(host) ?? [];
    for (let i = layers.length - 1; i >= 0; i--) {
      const v = layers[i]!.get(name);
      if (v !== undefined) return v.where;
    }
    return undefined;
  };
  const groupHosts = (group: string): readonly string[] => {
    let hit = cache.get(group);
    if (!hit) cache.set(group, (hit = groups.has(group) ? groupWalk(groups, group) : []));
    return hit;
  };
  // Ansible's implicit localhost: made when a pattern or delegateTo names it and the inventory has no such host
  const host = (name: string): Host | undefined => {
    const found = byName.get(name);
    if (found || !IMPLICIT_LOCALHOST.has(name)) return found;
    const implicit = implicitLocalhost(name, groups.get('all')?.vars ?? {});
    byName.set(name, implicit);
    return implicit;
  };
  return { source, hosts, groups, warnings, host, groupHosts, varOrigin };
}

/** Ansible's implicit localhost (not in `all`, never listed): the vars of group `all`, run on the controller. */
function implicitLocalhost(name: string, allVars: Vars): Host {
  const become = allVars.ansible_become === true || allVars.ansible_become === 'yes' || allVars.ansible_become === 'true';
  return { name, groups: ['all'], vars: { ...allVars, ansible_connection: 'local' }, ssh: { address: name, port: 22 }, become, connection: 'local' };
}
