/** group_vars/ and host_vars/ lookup, file by file as Ansible's host_group_vars plugin finds them. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem } from '../core/errors.ts';
import type { SourcedVars } from './inventory-data.ts';
import { readYaml, type YamlOptions } from './yaml-source.ts';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

async function kind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function extOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}

/** Entry names of a directory ([] when it does not exist), to skip stat calls for names without vars files. */
export async function listDir(dir: string): Promise<ReadonlySet<string>> {
  try {
    return new Set(await readdir(dir));
  } catch {
    return new Set();
  }
}

/**
 * Files for `name` in `dir`: `name` (dir first, then file), `name.yml`, `name.yaml`, `name.json`; the first that exists
 * wins. `entries` is the directory listing from listDir.
 */
export async function findVarsFiles(dir: string, name: string, entries: ReadonlySet<string>): Promise<string[]> {
  for (const ext of ['', ...EXTENSIONS]) {
    if (!entries.has(name + ext)) continue;
    const full = join(dir, name + ext);
    const k = await kind(full);
    if (k === 'dir') return dirVarsFiles(full);
    if (k === 'file') return [full];
  }
  return [];
}

async function dirVarsFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  // Python sorts by code point; so does a plain sort of ASCII names
  for (const entry of (await readdir(dir)).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const full = join(dir, entry);
    const ext = extOf(entry);
    const k = await kind(full);
    if (k === 'dir' && !ext) found.push(...(await dirVarsFiles(full)));
    else if (k === 'file' && (!ext || EXTENSIONS.includes(ext))) found.push(full);
  }
  return found;
}

/** Names that have vars files in a directory listing (to warn about files naming no known host or group). */
export function varsFileNames(entries: ReadonlySet<string>): string[] {
  const names = new Set<string>();
  for (const entry of entries) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const ext = extOf(entry);
    names.add(EXTENSIONS.includes(ext) ? entry.slice(0, -ext.length) : entry);
  }
  return [...names];
}

/**
 * Load and merge (later file wins per key) the vars files of one host or group; `opts` gives vault secrets (an encrypted
 * file is decrypted) and display mode; YAML warnings (duplicate keys) go to `warnings`.
 */
export async function loadVarsFiles(files: readonly string[], problems: Problem[], shown: (file: string) => string, opts: YamlOptions = {}, warnings: Problem[] = []): Promise<SourcedVars> {
  const vars: SourcedVars = new Map();
  for (const file of files) {
    const parsed = await readYaml(file, shown(file), opts);
    problems.push(...parsed.problems);
    warnings.push(...parsed.warnings);
    const root = parsed.root;
    if (!root || root.value === null) continue;
    if (root.kind !== 'map') {
      problems.push({ where: root.where, message: `a vars file must be a mapping of variable names to values, got a ${root.kind}` });
      continue;
    }
    for (const e of root.entries) {
      if (typeof e.key !== 'string') {
        problems.push({ where: e.where, message: `variable name must be a string, got ${JSON.stringify(e.key)}` });
        continue;
      }
      vars.set(e.key, { value: e.node.value, where: e.where });
    }
  }
  return vars;
}
