/** Connection settings of a host from its effective vars (rig_* names win over ansible_* ones), validated. */
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { Problem } from '../core/errors.ts';
import type { SshSettings, Vars } from '../core/host.ts';
import { secret } from '../core/secret.ts';
import type { Sourced, SourcedVars } from './inventory-data.ts';
import { connectionType } from './connection-type.ts';
import { isUnsafeText } from '../core/unsafe.ts';
import { lockedVaultIn } from './vault-load.ts';

/** Connection-related settings of one host. */
export interface HostSettings {
  readonly ssh: SshSettings;
  readonly become: boolean;
  readonly becomeUser?: string;
  readonly connection?: 'ssh' | 'local';
}

// later names in each list lose: rig's own name first, then Ansible's in the reverse of its plugin docs' `vars:` order
// (Ansible's ConfigManager takes the last listed var that is set, so the legacy ansible_ssh_* names win)
const NAMES = {
  address: ['rig_host', 'ansible_ssh_host', 'ansible_host'],
  port: ['rig_port', 'ansible_ssh_port', 'ansible_port'],
  user: ['rig_user', 'ansible_ssh_user', 'ansible_user'],
  identityFiles: ['rig_identity_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file'],
  knownHostsFile: ['rig_known_hosts_file'],
  password: ['rig_password', 'ansible_ssh_pass', 'ansible_password'],
  proxyJump: ['rig_proxy_jump'],
  become: ['rig_become', 'ansible_become'],
  becomeUser: ['rig_become_user', 'ansible_become_user'],
  becomePassword: ['rig_become_password', 'ansible_become_password', 'ansible_become_pass'],
  becomeMethod: ['ansible_become_method'],
  connection: ['ansible_connection'],
  timeout: ['rig_timeout', 'ansible_timeout'],
} as const;

/** A connection setting read from host vars. */
export type HostSetting = keyof typeof NAMES;

/** Every variable name rig reads connection settings from. */
export const SETTING_VARS: readonly string[] = Object.values(NAMES).flat();

/** Become methods rig implements (Ansible's default, sudo), with their FQCN spelling. */
export const BECOME_METHODS = ['sudo', 'ansible.builtin.sudo'];

// Ansible's boolean(): y/yes/on/1/true/t and n/no/off/0/false/f (an empty string is false for become too)
const TRUE = new Set(['yes', 'true', 'on', '1', 'y', 't']);
const FALSE = new Set(['no', 'false', 'off', '0', 'n', 'f', '']);

/** The variable that sets `setting` for a host with these effective vars (rig's name before Ansible's), if any. */
export function settingVar(vars: Vars, setting: HostSetting): string | undefined {
  return NAMES[setting].find((n) => vars[n] !== undefined && vars[n] !== null);
}

/** Whether a value holds Jinja (`{{ ip }}`, also inside a list) or a vault value no secret opened: resolved per host
 *  before connecting (the runner's connection-settings.ts, for the run's hosts only), so at load it is neither used nor
 *  validated. */
export function isJinja(v: unknown): boolean {
  if (lockedVaultIn(v)) return true;
  if (typeof v === 'string') return /\{[{%#]/.test(v) && !isUnsafeText(v);
  return Array.isArray(v) && v.some(isJinja);
}

function pick(vars: SourcedVars, names: readonly string[]): (Sourced & { name: string }) | undefined {
  for (const name of names) {
    const v = vars.get(name);
    if (v !== undefined && v.value !== null && v.value !== undefined) return isJinja(v.value) ? undefined : { ...v, name };
  }
  return undefined;
}

/** Expand `~` and resolve a relative path against the inventory directory. */
export function resolvePath(p: string, baseDir: string): string {
  const expanded = p === '~' ? homedir() : p.startsWith('~/') ? resolve(homedir(), p.slice(2)) : p;
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
}

/**
 * rig_known_hosts_file: an absolute path or ~/…, nothing else. A relative path is refused rather than resolved: against
 * the inventory directory, accept-new would write the file into it, and `-i DIR` then reads it as an inventory source;
 * against the working directory (ssh's UserKnownHostsFile), which file is trusted would depend on where rig runs.
 */
function knownHostsPath(host: string, v: (Sourced & { name: string }) | undefined, problems: Problem[]): string | undefined {
  if (!v) return undefined;
  const hint = 'give an absolute path or one under your home directory, e.g. rig_known_hosts_file: ~/.ssh/known_hosts_lab';
  if (typeof v.value !== 'string' || v.value.trim() === '') {
    problems.push({ where: v.where, message: `host "${host}": ${v.name} must be the path of a known_hosts file, got ${JSON.stringify(v.value) ?? String(v.value)}`, hint });
    return undefined;
  }
  const p = v.value;
  if (!(isAbsolute(p) || p === '~' || p.startsWith('~/'))) {
    problems.push({ where: v.where, message: `host "${host}": ${v.name} is the relative path ${JSON.stringify(p)}: rig takes an absolute path or ~/… (a relative one would be written inside the inventory directory, which -i reads as inventory)`, hint });
    return undefined;
  }
  return resolvePath(p, '/');
}

/** Build and validate the connection settings of `host`; problems name the file:line of the offending var. A Jinja
 *  value is left out here (the setting keeps its default) until it is rendered with the host's vars and -e. */
export function hostSettings(host: string, vars: SourcedVars, baseDir: string, problems: Problem[]): HostSettings {
  const bad = (v: Sourced & { name: string }, expected: string): void => {
    problems.push({ where: v.where, message: `host "${host}": ${v.name} must be ${expected}, got ${JSON.stringify(v.value)}` });
  };
  const str = (names: readonly string[]): string | undefined => {
    const v = pick(vars, names);
    if (!v) return undefined;
    if (typeof v.value === 'string' && v.value.length > 0) return v.value;
    if (typeof v.value === 'number') return String(v.value);
    bad(v, 'a non-empty string');
    return undefined;
  };

  const address = str(NAMES.address) ?? host;
  let port = 22;
  const p = pick(vars, NAMES.port);
  if (p) {
    const n = typeof p.value === 'string' && /^\s*\d+\s*$/.test(p.value) ? Number(p.value) : p.value;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) port = n;
    else bad(p, 'a port number 1–65535');
  }
  const user = str(NAMES.user);
  let identityFiles: string[] | undefined;
  const idf = pick(vars, NAMES.identityFiles);
  if (idf) {
    const list = typeof idf.value === 'string' ? [idf.value] : idf.value;
    if (Array.isArray(list) && list.length > 0 && list.every((x) => typeof x === 'string' && x.length > 0)) {
      identityFiles = (list as string[]).map((f) => resolvePath(f, baseDir));
    } else bad(idf, 'a path or a list of paths');
  }
  const khf = knownHostsPath(host, pick(vars, NAMES.knownHostsFile), problems);
  const password = str(NAMES.password);
  const proxyJump = str(NAMES.proxyJump);
  const becomePassword = str(NAMES.becomePassword);
  if (becomePassword !== undefined) secret(becomePassword);

  let become = false;
  const b = pick(vars, NAMES.become);
  if (b) {
    if (typeof b.value === 'boolean') become = b.value;
    else if (typeof b.value === 'number' && (b.value === 0 || b.value === 1)) become = b.value === 1;
    else if (typeof b.value === 'string' && (TRUE.has(b.value.toLowerCase()) || FALSE.has(b.value.toLowerCase()))) {
      become = TRUE.has(b.value.toLowerCase());
    } else bad(b, 'a boolean (yes/no/true/false/1/0)');
  }
  const becomeUser = str(NAMES.becomeUser);
  // rig only becomes with sudo: another method must not silently turn into sudo
  const bm = pick(vars, NAMES.becomeMethod);
  if (bm && !(typeof bm.value === 'string' && BECOME_METHODS.includes(bm.value))) {
    problems.push({
      where: bm.where,
      message: `host "${host}": ansible_become_method is ${JSON.stringify(bm.value)}, but rig becomes another user only with sudo`,
      hint: `set it to one of: ${BECOME_METHODS.join(', ')} (or remove it: sudo is the default)`,
    });
  }
  const conn = pick(vars, NAMES.connection);
  const connection = conn ? connectionType(host, conn, problems) : undefined;
  const t = pick(vars, NAMES.timeout);
  if (t) {
    const n = typeof t.value === 'string' && t.value.trim() !== '' ? Number(t.value) : t.value;
    if (!(typeof n === 'number' && Number.isFinite(n) && n > 0)) bad(t, 'a positive number of seconds');
  }

  const ssh: SshSettings = {
    address,
    port,
    ...(user !== undefined && { user }),
    ...(identityFiles !== undefined && { identityFiles }),
    ...(khf !== undefined && { knownHostsFile: khf }),
    ...(password !== undefined && { password: secret(password) }),
    ...(proxyJump !== undefined && { proxyJump }),
  };
  return { ssh, become, ...(becomeUser !== undefined && { becomeUser }), ...(connection !== undefined && { connection }) };
}
