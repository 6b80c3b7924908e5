/** Who a task's commands run as on the host, and with which umask: what new files and directories get by default. */
import type { Fact } from '../core/fact.ts';

/** The user, primary group and umask of the shell a task's changes run in (with become: the become user's). */
export interface ExecIdentity {
  /** umask as a number, e.g. 0o022. */
  readonly umask: number;
  readonly user: string;
  readonly uid: number;
  readonly group: string;
  readonly gid: number;
}

/** `umask; id` in the task's privilege context (builtins and one `id` per field; read once per host and become). */
export const execIdentity: Fact<ExecIdentity, void> = {
  name: 'identity.exec',
  command: () => `umask; id -un; id -u; id -gn; id -g`,
  parse(out) {
    const [umask, user, uid, group, gid] = out.stdout.split('\n');
    if (!/^[0-7]{1,4}$/.test(umask ?? '') || !user || !/^\d+$/.test(uid ?? '') || !group || !/^\d+$/.test(gid ?? '')) {
      throw new Error(`cannot tell the user and umask commands run as: ${JSON.stringify(out.stdout.slice(0, 200))} ${out.stderr.trim()}`);
    }
    return { umask: Number.parseInt(umask as string, 8), user, uid: Number(uid), group, gid: Number(gid) };
  },
};
