/**
 * The settings of a command from its flags, the environment and ansible.cfg, in ansible-core's order: command line >
 * environment (ANSIBLE_*) > ansible.cfg > default. Connection settings (user, key, password, transport, port, become)
 * come out as defaults for the hosts: inventory variables still win per host (inventory/connection-defaults.ts).
 */
import path from 'node:path';
import type { Problem } from '../core/errors.ts';
import { BECOME_METHODS, connectionKind, CONNECTION_HINT, type ConnectionDefaults } from '../inventory/index.ts';
import type { AnsibleCfg } from './ansible-cfg.ts';
import type { ConnectionFlags } from './flags.ts';

/** The flags that take part (run's; facts has a subset). */
export interface SettingFlags extends ConnectionFlags {
  /** -i, repeatable (Ansible reads every source into one inventory). */
  readonly inventory?: readonly string[];
  readonly forks?: string;
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly askBecomePass?: boolean;
  readonly acceptNewHostKeys?: boolean;
}

/** Resolved settings. */
export interface Settings {
  /** -i (each), else [defaults] inventory / ANSIBLE_INVENTORY (a comma list). */
  readonly inventory: readonly string[];
  /** -f, else forks. @default 50 (Ansible's is 5) */
  readonly forks: number;
  /** -T, else timeout (seconds). @default 10 */
  readonly timeoutSec: number;
  /** Per-host defaults (the password is added after asking). */
  readonly defaults: ConnectionDefaults;
  /** -k or ask_pass: ask for the SSH password (RIG_SSH_PASSWORD answers instead). */
  readonly askPass: boolean;
  /** -K or become_ask_pass. */
  readonly askBecomePass: boolean;
  /** --accept-new-host-keys, or host_key_checking = False (a changed key is still refused). */
  readonly acceptNewHostKeys: boolean;
}

/** Resolve; every bad value is one problem (flag name, or the file:line / $VAR it came from). */
export function resolveSettings(flags: SettingFlags, cfg: AnsibleCfg, cwd = process.cwd()): { settings: Settings; problems: Problem[] } {
  const s = cfg.settings;
  const problems: Problem[] = [];
  let inventory: readonly string[] = flags.inventory ?? [];
  if (inventory.length === 0) {
    inventory = (s.inventory?.value ?? []).map(String);
    if (inventory.length === 0) problems.push({ where: '-i', message: 'no inventory given', hint: 'pass -i PATH, or set inventory = PATH under [defaults] in ansible.cfg (or ANSIBLE_INVENTORY)' });
  }

  const positive = (raw: string | undefined, from: Sourced | undefined, flag: string, fallback: number, integer: boolean): number => {
    const where = raw !== undefined ? flag : from?.where;
    const v = raw !== undefined ? Number(raw) : from !== undefined ? Number(from.value) : fallback;
    if ((integer ? Number.isInteger(v) : Number.isFinite(v)) && v > 0) return v;
    problems.push({ where, message: `${flag} must be a positive ${integer ? 'integer' : 'number of seconds'}, got '${raw ?? String(from?.value)}'` });
    return fallback;
  };
  const forks = positive(flags.forks, s.forks, '--forks', 50, true);
  const timeoutSec = positive(flags.timeout, s.timeout, '--timeout', 10, false);

  let connection: 'ssh' | 'local' | undefined;
  const conn = flags.connection !== undefined ? { value: flags.connection, where: '--connection' } : s.transport;
  if (conn) {
    connection = connectionKind(conn.value);
    if (!connection) problems.push({ where: conn.where, message: `connection '${conn.value}' is not one rig has: it connects over SSH or locally`, hint: CONNECTION_HINT });
  }
  const method = s.becomeMethod;
  if (method && !BECOME_METHODS.includes(method.value)) {
    problems.push({ where: method.where, message: `become_method '${method.value}': rig becomes another user only with sudo`, hint: `set it to one of: ${BECOME_METHODS.join(', ')} (or remove it)` });
  }
  const user = flags.user ?? s.remoteUser?.value;
  if (user !== undefined && user.trim() === '') {
    problems.push({ where: flags.user !== undefined ? '--user' : s.remoteUser!.where, message: 'the login user is empty', hint: 'name a user (-u deploy), or leave it out to use ansible_user, ~/.ssh/config or the local user' });
  }
  const key = flags.privateKey !== undefined ? path.resolve(cwd, flags.privateKey) : s.privateKeyFile?.value;
  const becomeUser = flags.becomeUser ?? s.becomeUser?.value;
  const become = flags.become ? true : s.become?.value;
  const port = s.remotePort?.value;
  if (port !== undefined && !(port >= 1 && port <= 65535)) problems.push({ where: s.remotePort!.where, message: `remote_port must be a port number 1–65535, got ${port}` });
  const defaults: ConnectionDefaults = {
    ...(user !== undefined && user !== '' && { user }),
    ...(key !== undefined && { privateKeyFile: key }),
    ...(connection !== undefined && { connection }),
    ...(port !== undefined && port >= 1 && port <= 65535 && { port }),
    ...(become !== undefined && { become }),
    ...(becomeUser !== undefined && becomeUser !== '' && { becomeUser }),
  };
  return {
    settings: {
      inventory,
      forks,
      timeoutSec,
      defaults,
      askPass: flags.askPass ?? s.askPass?.value ?? false,
      askBecomePass: flags.askBecomePass ?? s.becomeAskPass?.value ?? false,
      acceptNewHostKeys: flags.acceptNewHostKeys ?? (s.hostKeyChecking?.value === false),
    },
    problems,
  };
}

type Sourced = { readonly value: unknown; readonly where: string };

/** Where the private key default came from, for the controller-side key check. */
export function privateKeySource(flags: SettingFlags, cfg: AnsibleCfg): string | undefined {
  return flags.privateKey !== undefined ? '--private-key' : cfg.settings.privateKeyFile?.where;
}
