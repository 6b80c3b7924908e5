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
