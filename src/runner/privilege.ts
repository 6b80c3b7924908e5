/**
 * How a task's commands run on a host: one value that the exec, the read cache key, read batching and the place of the
 * pending-handler record all take (Ansible's become / become_user; the method is sudo).
 */
import type { Task } from '../core/index.ts';
import type { HostRuntime } from './host-runtime.ts';
import type { TaskScope } from './run-state.ts';

/** Who commands run as. */
export interface Privilege {
  /** Through sudo. */
  readonly become: boolean;
  /** The user sudo switches to (only with `become`). @default 'root' */
  readonly becomeUser: string;
}

/** The login user's own privilege (no sudo). */
export const LOGIN: Privilege = { become: false, becomeUser: 'root' };

/** A task's privilege on a host: task option > play > inventory (ansible_become / ansible_become_user). */
export function privilegeOf(task: Task, scope: TaskScope, rt: HostRuntime): Privilege {
  return {
    become: task.options.become ?? scope.play.become ?? rt.host.become,
    becomeUser: task.options.becomeUser ?? rt.host.becomeUser ?? 'root',
  };
}

/** A play's privilege on a host (facts, pending-handler clean-up). */
export function playPrivilege(play: { readonly become?: boolean }, rt: HostRuntime): Privilege {
  return { become: play.become ?? rt.host.become, becomeUser: rt.host.becomeUser ?? 'root' };
}

/** Cache and batching key: reads under different privileges see different things (a file only postgres can read). */
export function privilegeKey(p: Privilege): string {
  return p.become ? `B:${p.becomeUser}` : 'U';
}

/** Commands run as root: become root, or the login user is root. */
export function asRoot(p: Privilege, rt: HostRuntime): boolean {
  return p.become ? p.becomeUser === 'root' : rt.host.ssh.user === 'root';
}

/** The options of Connection.exec for this privilege. */
export function execOptions(p: Privilege): { become: boolean; becomeUser?: string } {
  return p.become ? { become: true, becomeUser: p.becomeUser } : { become: false };
}
