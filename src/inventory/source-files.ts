/**
 * Which files of an inventory source are read, and as which format: Ansible's default plugin chain (ansible-core 2.19:
 * host_list, script, auto, yaml, ini, toml), each file going to the first plugin that parses it.
 */
import { access, constants, readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Problem } from '../core/errors.ts';
import { parseIni, readIniInventory, type IniParse } from './ini-source.ts';
import type { InventoryData } from './inventory-data.ts';
import { openVaultFile, registerSecretStrings } from './vault-load.ts';
import { readYamlInventory } from './yaml-inventory.ts';
import { parseYaml, type YamlOptions } from './yaml-source.ts';

// the yaml plugin's yaml_extensions; it also takes files with no extension
const YAML_EXTS = ['.yml', '.yaml', '.json'];
// what Ansible skips when a directory is the inventory source (IGNORED_ALWAYS + INVENTORY_IGNORE_EXTS)
const IGNORED = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.cfg|\.retry)$/;
const CONVERT = 'export it with `ansible-inventory -i FILE --list -y > hosts.yml` and use that';

/** Whether `p` is a directory (undefined when it does not exist). */
export async function isDir(p: string): Promise<boolean | undefined> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return undefined;
  }
}

/** Inventory files of a directory source, in Ansible's order (sorted, recursing into subdirectories). */
export async function inventoryFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    if (IGNORED.test(entry)) continue;
    const full = join(dir, entry);
    if (await isDir(full)) out.push(...(await inventoryFiles(full)));
    else out.push(full);
  }
  return out;
}

async function executable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Read one inventory file (`shown` in messages) into `inv`. As in Ansible, a `.yml`/`.yaml`/`.json` file or one with no
 * extension is YAML when it parses as a YAML mapping, and any file but `.toml` is otherwise tried as INI. Where both
 * fail, the problems reported are the YAML ones for a YAML extension and the INI ones otherwise. A vault-encrypted
 * file is decrypted first with `opts.vault` (as Ansible's DataLoader does), and its values become secrets.
 */
export async function readInventoryFile(inv: InventoryData, file: string, shown: string, problems: Problem[], warnings: Problem[], opts: YamlOptions = {}): Promise<void> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (e) {
    problems.push({ where: shown, message: `cannot read: ${(e as Error).message}` });
    return;
  }
  const opened = openVaultFile(raw, shown, opts.vault ?? [], problems);
  if (!opened) return;
  const text = opened.text;
  const ext = extname(file);
  if (ext === '.toml') {
    problems.push({ where: shown, message: 'TOML inventories are not supported (rig reads the YAML and INI formats)', hint: CONVERT });
    return;
  }
  // Ansible runs an executable file as an inventory script first; rig runs none
  if (text.startsWith('#!') && (await executable(file))) {
    problems.push({ where: shown, message: 'inventory scripts are not supported (rig reads the YAML and INI formats)', hint: CONVERT });
    return;
  }
  const yamlExt = YAML_EXTS.includes(ext);
  if (yamlExt || ext === '') {
    const yaml = parseYaml(text, shown, opts);
    const root = yaml.root;
    if (opened.encrypted) registerSecretStrings(root?.value);
    // an empty YAML-named file stays an error (Ansible would read it as an empty INI file)
    const isYaml = (root && root.kind === 'map') || (yamlExt && yaml.problems.length === 0 && (!root || root.value === null));
    if (isYaml) {
      problems.push(...yaml.problems);
      warnings.push(...yaml.warnings);
      readYamlInventory(inv, root, shown);
      return;
    }
    const ini = parseIni(text, shown);
    if (yamlExt && ini.problems.length > 0) {
      problems.push(...yaml.problems);
      if (yaml.problems.length === 0 && root) readYamlInventory(inv, root, shown);
      return;
    }
    if (yamlExt) {
      warnings.push({ where: shown, message: 'read as an INI inventory: it is not YAML (Ansible reads it as INI too)', hint: `rename it to ${shown.slice(0, -ext.length)}.ini` });
    }
    readIni(inv, ini, problems, opened.encrypted);
    return;
  }
  readIni(inv, parseIni(text, shown), problems, opened.encrypted);
}

function readIni(inv: InventoryData, ini: IniParse, problems: Problem[], encrypted: boolean): void {
  problems.push(...ini.problems);
  if (encrypted) for (const e of ini.entries) registerSecretStrings(e.kind === 'hosts' ? e.vars.map(([, v]) => v) : e.kind === 'var' ? e.value : undefined);
  readIniInventory(inv, ini);
}
