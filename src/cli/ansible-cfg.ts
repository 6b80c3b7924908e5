/**
 * The ansible.cfg subset rig reads, found and typed as ansible-core 2.19 does (config/manager.py find_ini_config_file,
 * config/base.yml): the first readable file of $ANSIBLE_CONFIG (a directory means its ansible.cfg), ./ansible.cfg
 * (skipped with a warning when the working directory is world-writable), ~/.ansible.cfg, /etc/ansible/ansible.cfg.
 * Each setting's environment variable (ANSIBLE_INVENTORY, ANSIBLE_FORKS, ANSIBLE_REMOTE_USER…) overrides the file;
 * command-line flags override both (see run-settings.ts). Paths in the file are relative to the file's directory,
 * paths in the environment to the working directory; `~` and `$VAR` are expanded; quotes around a value are removed.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Problem } from '../core/errors.ts';
import { parseIni } from './config-ini.ts';

/** A value and where it came from (`file:line`, or `$ANSIBLE_X` for the environment). */
export interface Sourced<T> {
  readonly value: T;
  readonly where: string;
}

type Kind = 'pathlist' | 'path' | 'int' | 'bool' | 'str';
/** What rig reads: [name in CfgSettings, section, key, environment variable, type]. */
const KEYS = [
  ['inventory', 'defaults', 'inventory', 'ANSIBLE_INVENTORY', 'pathlist'],
  ['forks', 'defaults', 'forks', 'ANSIBLE_FORKS', 'int'],
  ['remoteUser', 'defaults', 'remote_user', 'ANSIBLE_REMOTE_USER', 'str'],
  ['remotePort', 'defaults', 'remote_port', 'ANSIBLE_REMOTE_PORT', 'int'],
  ['privateKeyFile', 'defaults', 'private_key_file', 'ANSIBLE_PRIVATE_KEY_FILE', 'path'],
  ['timeout', 'defaults', 'timeout', 'ANSIBLE_TIMEOUT', 'int'],
  ['hostKeyChecking', 'defaults', 'host_key_checking', 'ANSIBLE_HOST_KEY_CHECKING', 'bool'],
  ['transport', 'defaults', 'transport', 'ANSIBLE_TRANSPORT', 'str'],
  ['askPass', 'defaults', 'ask_pass', 'ANSIBLE_ASK_PASS', 'bool'],
  ['become', 'privilege_escalation', 'become', 'ANSIBLE_BECOME', 'bool'],
  ['becomeUser', 'privilege_escalation', 'become_user', 'ANSIBLE_BECOME_USER', 'str'],
  ['becomeAskPass', 'privilege_escalation', 'become_ask_pass', 'ANSIBLE_BECOME_ASK_PASS', 'bool'],
  ['becomeMethod', 'privilege_escalation', 'become_method', 'ANSIBLE_BECOME_METHOD', 'str'],
  ['vaultPasswordFile', 'defaults', 'vault_password_file', 'ANSIBLE_VAULT_PASSWORD_FILE', 'path'],
] as const satisfies readonly (readonly [string, string, string, string, Kind])[];

type Key = (typeof KEYS)[number];
type ValueOf<K extends Kind> = K extends 'pathlist' ? string[] : K extends 'int' ? number : K extends 'bool' ? boolean : string;

/** The settings found, each with its origin; absent when neither the file nor the environment sets it. */
export type CfgSettings = { readonly [K in Key as K[0]]?: Sourced<ValueOf<K[4]>> };

/** What loadAnsibleCfg found. */
export interface AnsibleCfg {
  /** The file read, if any. */
  readonly file?: string;
  readonly settings: CfgSettings;
  /** Keys rig does not read (one each, file:line), a skipped world-writable ./ansible.cfg. */
  readonly warnings: readonly Problem[];
  /** Bad lines and bad values: the run must not start. */
  readonly problems: readonly Problem[];
}

/** Where to look: @default process.env, process.cwd(), os.homedir(). */
export interface CfgEnvironment {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly home?: string;
  /** @default '/etc/ansible/ansible.cfg' */
  readonly systemFile?: string;
}

// Ansible's boolean() (module_utils/parsing/convert_bool.py), strict
const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't', '1.0']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f', '0.0']);

const readable = (f: string): boolean => {
  try {
    accessSync(f, constants.R_OK);
    return statSync(f).isFile() || statSync(f).isFIFO();
  } catch {
    return false;
  }
};

/** Find the config file as Ansible does; `warnings` gets the world-writable-directory warning. */
export function findAnsibleCfg(o: CfgEnvironment, warnings: Problem[]): string | undefined {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const home = o.home ?? homedir();
  const candidates: string[] = [];
  const fromEnv = env.ANSIBLE_CONFIG;
  if (fromEnv !== undefined) {
    const p = expand(fromEnv, cwd, home, env);
    candidates.push(existsSync(p) && statSync(p).isDirectory() ? path.join(p, 'ansible.cfg') : p);
  }
  const local = path.join(cwd, 'ansible.cfg');
  let skippedLocal = false;
  try {
    // a world-writable directory: anyone could drop an ansible.cfg there (Ansible skips it too)
    if (statSync(cwd).mode & 0o002) skippedLocal = existsSync(local);
    else candidates.push(local);
  } catch {
    // no access to the working directory: not a config source
  }
  candidates.push(path.join(home, '.ansible.cfg'), o.systemFile ?? '/etc/ansible/ansible.cfg');
  const found = candidates.find(readable);
  if (skippedLocal && (fromEnv === undefined || found !== candidates[0])) {
    warnings.push({ where: local, message: `ignored: the working directory ${cwd} is world-writable, so rig (like Ansible) does not read an ansible.cfg from it`, hint: `chmod o-w ${cwd}, or point ANSIBLE_CONFIG at the file` });
  }
  if (fromEnv !== undefined && fromEnv !== '' && found !== candidates[0]) {
    warnings.push({ where: '$ANSIBLE_CONFIG', message: `${candidates[0]} is not a readable file; ${found ? `read ${found} instead` : 'no ansible.cfg is read'}`, hint: 'fix or unset ANSIBLE_CONFIG' });
  }
  return found;
}

/** Expand `~`, `$VAR`/`${VAR}` and resolve against `base` (Ansible's unfrackpath with follow=False). */
function expand(p: string, base: string, home: string, env: Readonly<Record<string, string | undefined>>): string {
  const vars = p.replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a?: string, b?: string) => env[(a ?? b) as string] ?? m);
  const tilde = vars === '~' ? home : vars.startsWith('~/') ? path.join(home, vars.slice(2)) : vars;
  return path.resolve(base, tilde);
}

const unquote = (s: string): string => (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.at(-1) === s[0] ? s.slice(1, -1) : s);

/** Type one raw value; a bad one is a problem at `where`. */
function typed(kind: Kind, raw: string, label: string, where: string, base: string, home: string, env: Readonly<Record<string, string | undefined>>, problems: Problem[]): unknown {
  const v = unquote(raw.trim());
  switch (kind) {
    case 'pathlist':
      return v.split(',').map((x) => x.trim()).filter(Boolean).map((x) => expand(x, base, home, env));
    case 'path':
      return expand(v, base, home, env);
    case 'int':
      if (/^[+-]?\d+$/.test(v)) return Number(v);
      problems.push({ where, message: `${label} must be an integer, got '${v}'` });
      return undefined;
    case 'bool':
      if (TRUE.has(v.toLowerCase())) return true;
      if (FALSE.has(v.toLowerCase())) return false;
      problems.push({ where, message: `${label} must be a boolean (yes/no, true/false, on/off, 1/0), got '${v}'` });
      return undefined;
    default:
      return v;
  }
}

/** Find and read the config file, then apply the environment over it; never throws. */
export function loadAnsibleCfg(o: CfgEnvironment = {}): AnsibleCfg {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const home = o.home ?? homedir();
  const warnings: Problem[] = [];
  const problems: Problem[] = [];
  const file = findAnsibleCfg(o, warnings);
  const settings: Record<string, Sourced<unknown>> = {};
  if (file) {
    const ini = parseIni(readFileSync(file, 'utf8'), file);
    problems.push(...ini.problems);
    const known = new Set(KEYS.map(([, s, k]) => `${s}\0${k}`));
    for (const e of ini.entries) {
      if (!known.has(`${e.section}\0${e.key}`)) {
        warnings.push({ where: e.where, message: `[${e.section}] ${e.key} is not read by rig: it has no effect here`, hint: 'rig reads [defaults] inventory, forks, remote_user, remote_port, private_key_file, timeout, host_key_checking, transport, ask_pass, vault_password_file and [privilege_escalation] become, become_user, become_ask_pass, become_method' });
      }
    }
    for (const [name, section, key, , kind] of KEYS) {
      const e = ini.get(section, key);
      if (!e) continue;
      const value = typed(kind, e.value, `[${section}] ${key}`, e.where, path.dirname(file), home, env, problems);
      if (value !== undefined) settings[name] = { value, where: e.where };
    }
  }
  for (const [name, , , variable, kind] of KEYS) {
    const raw = env[variable];
    if (raw === undefined) continue;
    const where = `$${variable}`;
    const value = typed(kind, raw, variable, where, cwd, home, env, problems);
    if (value !== undefined) settings[name] = { value, where };
  }
  return { ...(file && { file }), settings: settings as CfgSettings, warnings, problems };
}
