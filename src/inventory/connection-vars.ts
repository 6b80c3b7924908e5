/**
 * The `ansible_*` variable names Ansible itself reads (connection, privilege escalation, shell, interpreter and magic
 * variables, from ansible-core 2.19's plugin docs and constants.MAGIC_VARIABLE_MAPPING): any other `ansible_*` name in
 * an inventory is probably a typo that both Ansible and rig silently ignore (`ansible_prot: 2222`).
 */
import type { Problem } from '../core/errors.ts';
import { suggest } from '../schema/suggest.ts';
import type { SourcedVars } from './inventory-data.ts';

// names without the `ansible_` prefix, grouped by who reads them
const KNOWN_SUFFIXES = [
  // connection, common to the ssh/paramiko plugins (MAGIC_VARIABLE_MAPPING and the ssh plugin's options)
  'host', 'port', 'user', 'password', 'connection', 'timeout', 'pipelining', 'private_key_file', 'private_key',
  'private_key_passphrase', 'host_key_checking', 'control_path', 'control_path_dir', 'sftp_batch_mode',
  'scp_executable', 'scp_extra_args', 'sftp_executable', 'sftp_extra_args', 'sshpass_prompt', 'module_compression',
  'connection_user', 'network_os', 'docker_extra_args',
  // ssh plugin, ansible_ssh_* spellings (current and legacy aliases)
  'ssh_host', 'ssh_port', 'ssh_user', 'ssh_pass', 'ssh_password', 'ssh_password_mechanism', 'ssh_private_key_file',
  'ssh_private_key', 'ssh_private_key_passphrase', 'ssh_args', 'ssh_common_args', 'ssh_extra_args', 'ssh_executable',
  'ssh_retries', 'ssh_timeout', 'ssh_pipelining', 'ssh_transfer_method', 'ssh_use_tty', 'ssh_host_key_checking',
  'ssh_pkcs11_provider', 'ssh_verbosity',
  // paramiko_ssh plugin
  'paramiko_host', 'paramiko_port', 'paramiko_user', 'paramiko_pass', 'paramiko_password', 'paramiko_private_key_file',
  'paramiko_proxy_command', 'paramiko_timeout', 'paramiko_host_key_checking', 'paramiko_use_rsa_sha2_algorithms',
  // privilege escalation (become keywords and the sudo, su and runas plugins)
  'become', 'become_method', 'become_user', 'become_password', 'become_pass', 'become_exe', 'become_flags',
  'sudo_user', 'sudo_exe', 'sudo_flags', 'sudo_pass', 'su_user', 'su_exe', 'su_flags', 'su_pass', 'su_prompt_l10n',
  'runas_user', 'runas_flags', 'runas_pass',
  // shell plugins, interpreters, module execution
  'shell_type', 'shell_executable', 'remote_tmp', 'system_tmpdirs', 'async_dir', 'admin_users', 'common_remote_group',
  'shell_allow_world_readable_temp', 'interpreter_python_fallback', 'facts_modules', 'no_target_syslog',
  'python_module_rlimit_nofile', 'target_log_info', 'win_async_startup_timeout', 'syslog_facility',
  // network connection plugins' common settings
  'command_timeout', 'connect_timeout',
  // inventory
  'group_priority',
  // magic variables (special_variables.rst), facts containers
  'check_mode', 'diff_mode', 'collection_name', 'config_file', 'dependent_role_names', 'forks', 'index_var',
  'inventory_sources', 'limit', 'loop', 'loop_var', 'parent_role_names', 'parent_role_paths', 'play_batch',
  'play_hosts', 'play_hosts_all', 'play_name', 'play_role_names', 'playbook_python', 'role_name', 'role_names',
  'run_tags', 'skip_tags', 'search_path', 'verbosity', 'version', 'facts', 'local', 'env', 'delegated_vars',
  'failed_task', 'failed_result', 'current_hosts', 'failed_hosts',
];

/** Every known `ansible_*` name. */
export const KNOWN_ANSIBLE_VARS: readonly string[] = KNOWN_SUFFIXES.map((s) => `ansible_${s}`);
const known = new Set(KNOWN_ANSIBLE_VARS);

// plugins that take any variable with their prefix (winrm and psrp pass extras through; the network and container
// connection plugins have many options); ansible_<name>_interpreter is interpreter discovery for any language
const PREFIXES = ['winrm', 'psrp', 'httpapi', 'netconf', 'network_cli', 'persistent', 'libssh', 'docker', 'podman', 'kubectl', 'aws_ssm', 'lxc', 'lxd', 'incus', 'vmware'];
const PREFIXED = new RegExp(`^ansible_(?:(?:${PREFIXES.join('|')})_[a-z0-9_]+|[a-z0-9_]+_interpreter)$`);

// ansible_pyhton_interpreter fits ansible_<language>_interpreter, but is a typo (ansible_python3_interpreter is not)
const misspeltPython = (name: string): boolean => {
  const lang = /^ansible_([a-z0-9_]+)_interpreter$/.exec(name)?.[1];
  return lang !== undefined && !/^python[0-9.]*$/.test(lang) && suggest(lang, ['python']) !== undefined;
};

/** Whether `name` is an `ansible_*` variable Ansible reads (true for every name without the `ansible_` prefix). */
export function isKnownAnsibleVar(name: string): boolean {
  return !name.startsWith('ansible_') || known.has(name) || (PREFIXED.test(name) && !misspeltPython(name));
}

/** "did you mean" for an unknown `ansible_*` name, compared without the shared prefix so distances mean something. */
export function suggestAnsibleVar(name: string): string | undefined {
  if (misspeltPython(name)) return 'ansible_python_interpreter';
  const s = suggest(name.slice('ansible_'.length), KNOWN_SUFFIXES);
  return s === undefined ? undefined : `ansible_${s}`;
}

/** One warning for each unknown `ansible_*` variable of a host or group (`owner` is e.g. `group "web"`). */
export function unknownAnsibleVarWarnings(owner: string, vars: SourcedVars): Problem[] {
  const out: Problem[] = [];
  for (const [name, v] of vars) {
    if (isKnownAnsibleVar(name)) continue;
    const s = suggestAnsibleVar(name);
    out.push({
      where: v.where,
      message: `${owner}: unknown variable '${name}'${s ? ` (did you mean '${s}'?)` : ''}: no Ansible connection, become or magic variable has this name, so Ansible and rig ignore it`,
      hint: s ? `rename it to ${s}` : 'ansible_* names are Ansible\'s own; give your variable a name without the ansible_ prefix',
    });
  }
  return out;
}

// What rig's SSH client reads of ~/.ssh/config (src/connection/ssh-config.ts resolveTarget).
const SSH_CONFIG_KEYS = 'HostName, Port, User, IdentityFile, ProxyJump and UserKnownHostsFile';
const SSH_ARGS = `rig connects with its own SSH client (ssh2) and passes no ssh/scp/sftp command-line options; of ~/.ssh/config it reads ${SSH_CONFIG_KEYS} only (no ProxyCommand, no other options)`;
const NO_PROGRAMS = 'rig runs no ssh, scp or sftp program: it connects with its own SSH client (ssh2) and sends files over the SSH exec channel';
const HOST_KEYS = 'rig always checks host keys against known_hosts (~/.ssh/known_hosts, UserKnownHostsFile, rig_known_hosts_file): an unknown key is refused unless --accept-new-host-keys (or host_key_checking = False in ansible.cfg) is given, a changed key always';
const SUDO_ONLY = 'rig becomes another user only with sudo (ansible_become_method other than sudo is an error)';
const SUDO_CMD = 'rig runs `sudo -H -n -u USER -- sh -c …` (-S and its own prompt instead of -n when a become password is set), the sudo in the PATH of the SSH session';
const rename = (to: string): Unimplemented => ({ instead: `rig reads ${to} instead`, hint: `rename it to ${to.split(/,| or /)[0]!.trim()} (Ansible reads that name too)` });

/** An Ansible variable rig does not implement: what rig does instead, and what to do. */
interface Unimplemented {
  readonly instead: string;
  readonly hint: string;
}

/**
 * Connection and become variables Ansible reads that rig does not implement: set in an inventory they change nothing
 * in rig, which must be said (a `-o ProxyJump=bastion` in ansible_ssh_common_args that rig ignores connects directly,
 * bypassing the bastion). Variables rig has no use for at all (interpreters, remote_tmp, module execution, magic
 * variables) are not listed: rig runs no Python and copies no modules, so they have nothing to do.
 */
const UNIMPLEMENTED: Readonly<Record<string, Unimplemented>> = {
  ...Object.fromEntries(
    ['ansible_ssh_args', 'ansible_ssh_common_args', 'ansible_ssh_extra_args', 'ansible_scp_extra_args', 'ansible_sftp_extra_args'].map((n) => [
      n,
      { instead: SSH_ARGS, hint: 'set what rig supports as variables (rig_proxy_jump, ansible_ssh_private_key_file, rig_known_hosts_file, ansible_port, ansible_user) or in ~/.ssh/config' },
    ]),
  ),
  ...Object.fromEntries(
    ['ansible_ssh_executable', 'ansible_scp_executable', 'ansible_sftp_executable', 'ansible_ssh_transfer_method', 'ansible_sftp_batch_mode'].map((n) => [
      n,
      { instead: NO_PROGRAMS, hint: 'remove it for rig, or keep it for Ansible only' },
    ]),
  ),
  ...Object.fromEntries(
    ['ansible_pipelining', 'ansible_ssh_pipelining'].map((n) => [
      n,
      { instead: 'rig sends its commands as sh scripts over SSH exec and copies no module files to the host, so there is nothing to pipeline', hint: 'remove it for rig, or keep it for Ansible only' },
    ]),
  ),
  ...Object.fromEntries(
    ['ansible_private_key_passphrase', 'ansible_ssh_private_key_passphrase'].map((n) => [
      n,
      { instead: 'rig does not decrypt key files: an encrypted key is skipped unless ssh-agent holds it', hint: 'load the key into ssh-agent (ssh-add KEYFILE) before running rig' },
    ]),
  ),
  ...Object.fromEntries(
    ['ansible_private_key', 'ansible_ssh_private_key'].map((n) => [
      n,
      { instead: 'rig reads private keys from files (and ssh-agent) only, not from a variable', hint: 'write the key to a file (mode 0600) and set ansible_ssh_private_key_file to its path' },
    ]),
  ),
  ...Object.fromEntries(
    ['ansible_host_key_checking', 'ansible_ssh_host_key_checking', 'ansible_paramiko_host_key_checking'].map((n) => [
      n,
      { instead: HOST_KEYS, hint: 'accept a new host once with --accept-new-host-keys, or add its key to known_hosts (ssh-keyscan)' },
    ]),
  ),
  ...Object.fromEntries(
    ['ansible_control_path', 'ansible_control_path_dir'].map((n) => [
      n,
      { instead: 'rig keeps one SSH connection per host for the whole run; it opens no ControlMaster socket', hint: 'remove it for rig, or keep it for Ansible only' },
    ]),
  ),
  ansible_ssh_retries: { instead: 'rig does not retry a failed connection: the host is reported unreachable', hint: 'rerun rig (a run converges from where it stopped), or raise -T / ansible_timeout for slow hosts' },
  ansible_ssh_use_tty: { instead: 'rig runs commands without a TTY (sudo with requiretty in sudoers fails)', hint: 'remove it for rig; if sudo needs a TTY, allow it without (Defaults !requiretty)' },
  ansible_ssh_verbosity: { instead: 'rig has no SSH debug output', hint: 'use rig run -v to see the commands run and their output' },
  ansible_ssh_pkcs11_provider: { instead: 'rig cannot use a PKCS#11 token directly', hint: 'add the token\'s keys to ssh-agent (ssh-add -s PROVIDER): rig uses the agent' },
  ansible_ssh_password_mechanism: { instead: 'rig sends a password by SSH password authentication itself (no sshpass)', hint: 'remove it for rig, or keep it for Ansible only' },
  ansible_sshpass_prompt: { instead: 'rig sends a password by SSH password authentication itself (no sshpass)', hint: 'remove it for rig, or keep it for Ansible only' },
  ansible_paramiko_proxy_command: { instead: `rig runs no proxy command: it connects directly unless rig_proxy_jump or a ProxyJump in ~/.ssh/config names a jump host`, hint: 'set rig_proxy_jump: JUMPHOST (user@host:port, a comma-separated chain) or ProxyJump in ~/.ssh/config' },
  ansible_ssh_password: rename('ansible_password, ansible_ssh_pass or rig_password'),
  ansible_ssh_timeout: rename('ansible_timeout or rig_timeout'),
  ansible_paramiko_host: rename('ansible_host or rig_host'),
  ansible_paramiko_port: rename('ansible_port or rig_port'),
  ansible_paramiko_user: rename('ansible_user or rig_user'),
  ansible_paramiko_pass: rename('ansible_password or rig_password'),
  ansible_paramiko_password: rename('ansible_password or rig_password'),
  ansible_paramiko_private_key_file: rename('ansible_ssh_private_key_file or rig_identity_file'),
  ansible_paramiko_timeout: rename('ansible_timeout or rig_timeout'),
  ansible_sudo_user: rename('ansible_become_user or rig_become_user'),
  ansible_sudo_pass: rename('ansible_become_password or rig_become_password'),
  ...Object.fromEntries(
    ['ansible_become_exe', 'ansible_sudo_exe'].map((n) => [n, { instead: SUDO_CMD, hint: 'make sure sudo is in the PATH on the host; remove it for rig, or keep it for Ansible only' }]),
  ),
  ...Object.fromEntries(
    ['ansible_become_flags', 'ansible_sudo_flags'].map((n) => [n, { instead: `${SUDO_CMD}: other flags (-i, -E, …) are not passed`, hint: 'remove it for rig, or keep it for Ansible only; set what the command needs in sudoers (Defaults env_keep…)' }]),
  ),
  ...Object.fromEntries(
    ['ansible_su_user', 'ansible_su_exe', 'ansible_su_flags', 'ansible_su_pass', 'ansible_su_prompt_l10n', 'ansible_runas_user', 'ansible_runas_flags', 'ansible_runas_pass'].map((n) => [
      n,
      { instead: SUDO_ONLY, hint: 'use sudo: ansible_become_user, ansible_become_password' },
    ]),
  ),
  ...Object.fromEntries(
    ['ansible_shell_type', 'ansible_shell_executable'].map((n) => [n, { instead: 'rig runs every command as `sh -c …` with the sh in the PATH of the SSH session (a POSIX shell)', hint: 'remove it for rig, or keep it for Ansible only' }]),
  ),
};

/** Ansible variables rig does not implement (see UNIMPLEMENTED). */
export const UNIMPLEMENTED_VARS: readonly string[] = Object.keys(UNIMPLEMENTED);

const fileOf = (where: string): string => where.replace(/:\d+$/, '');

// `-o ProxyJump=bastion`, `-oProxyJump bastion`, `-o 'ProxyJump bastion'`, `-J bastion`: the jump host a user counted on
const PROXY_JUMP = /(?:^|\s)(?:-o\s*["']?ProxyJump(?:\s*=\s*|\s+)|-J\s*)["']?([^\s"']+)/i;
const PROXY_COMMAND = /(?:^|\s)-o\s*["']?ProxyCommand/i;

function hostList(hosts: readonly string[]): string {
  const shown = hosts.slice(0, 3).map((h) => `"${h}"`).join(', ');
  return `${hosts.length === 1 ? 'host' : 'hosts'} ${shown}${hosts.length > 3 ? ` and ${hosts.length - 3} more` : ''}`;
}

/**
 * One warning per unimplemented variable per file (a group var that applies to 1000 hosts, or 1000 host entries of one
 * file that set it, is one warning), naming the variable, the file:line of its first occurrence in that file, the hosts
 * it applies to and what rig does instead. `hosts` are the hosts with their effective vars (a value overridden for every
 * host is ignored by Ansible too, and not reported).
 */
export function unimplementedVarWarnings(hosts: Iterable<{ readonly name: string; readonly vars: SourcedVars }>): Problem[] {
  const found = new Map<string, { name: string; where: string; lines: Set<string>; hosts: string[]; jump?: string; proxyCommand: boolean; bypass: boolean }>();
  for (const host of hosts) {
    for (const [name, v] of host.vars) {
      if (!Object.hasOwn(UNIMPLEMENTED, name) || v.value === null || v.value === undefined) continue;
      const key = `${name}\0${fileOf(v.where)}`;
      let f = found.get(key);
      if (!f) found.set(key, (f = { name, where: v.where, lines: new Set(), hosts: [], proxyCommand: false, bypass: false }));
      f.lines.add(v.where);
      f.hosts.push(host.name);
      const text = typeof v.value === 'string' ? v.value : '';
      const jump = PROXY_JUMP.exec(text)?.[1];
      const proxyCommand = PROXY_COMMAND.test(text);
      f.jump ??= jump;
      f.proxyCommand ||= proxyCommand;
      // a jump host or proxy only ansible knows about: rig connects directly unless rig_proxy_jump is set for the host
      f.bypass ||= (jump !== undefined || proxyCommand) && host.vars.get('rig_proxy_jump')?.value == null;
    }
  }
  return [...found.values()].map((f) => {
    const u = UNIMPLEMENTED[f.name]!;
    const times = f.lines.size > 1 ? `; set on ${f.lines.size} lines of this file, the first is here` : '';
    const via = f.jump !== undefined ? `the jump host ${f.jump}` : 'the ProxyCommand';
    if (f.bypass) {
      return {
        where: f.where,
        message: `${f.name} is ignored by rig (${hostList(f.hosts)}${times}): ${via} is NOT used, rig connects to these hosts directly. ${u.instead}`,
        hint: `set rig_proxy_jump: ${f.jump ?? 'JUMPHOST'} beside it (or ProxyJump for these hosts in ~/.ssh/config)`,
      };
    }
    return { where: f.where, message: `${f.name} is ignored by rig (${hostList(f.hosts)}${times}): ${u.instead}`, hint: u.hint };
  });
}
