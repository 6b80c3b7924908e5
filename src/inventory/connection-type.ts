/**
 * `ansible_connection` / `-c`: which transport reaches a host. rig has two: SSH (its own client) and local (the
 * controller itself, Ansible's `local` plugin). Anything else (docker, winrm, network_cli…) is an error, never a silent SSH.
 */
import type { Problem } from '../core/errors.ts';
import type { Sourced } from './inventory-data.ts';

/** Connection plugins that mean "over SSH". */
export const SSH_CONNECTIONS: readonly string[] = ['ssh', 'smart', 'paramiko', 'paramiko_ssh', 'ansible.builtin.ssh', 'ansible.builtin.paramiko_ssh'];
/** Connection plugins that mean "on the controller". */
export const LOCAL_CONNECTIONS: readonly string[] = ['local', 'ansible.builtin.local'];

/** The transport a connection plugin name means in rig, or undefined when rig has none for it. */
export function connectionKind(value: unknown): 'ssh' | 'local' | undefined {
  if (typeof value !== 'string') return undefined;
  if (SSH_CONNECTIONS.includes(value)) return 'ssh';
  return LOCAL_CONNECTIONS.includes(value) ? 'local' : undefined;
}

/** The hint for an unsupported connection name (variable, flag or config key). */
export const CONNECTION_HINT = `set it to one of: ${[...SSH_CONNECTIONS, ...LOCAL_CONNECTIONS].join(', ')} (or remove it)`;

/** The transport `ansible_connection` asks for on `host`; an unsupported one is a problem at the var's file:line. */
export function connectionType(host: string, v: Sourced & { readonly name: string }, problems: Problem[]): 'ssh' | 'local' | undefined {
  const kind = connectionKind(v.value);
  if (kind === undefined) {
    problems.push({
      where: v.where,
      message: `host "${host}": ${v.name} is ${JSON.stringify(v.value)}, but rig connects only over SSH or locally (ssh, local)`,
      hint: CONNECTION_HINT,
    });
  }
  return kind;
}
