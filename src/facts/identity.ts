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

/** `umask; id` in the task's privilege context (a builtin and one process; read once per host and become). */
export const execIdentity: Fact<ExecIdentity, void> = {
  name: 'identity.exec',
  command: () => `umask; id`,
  parse(out) {
    const [umask, id] = out.stdout.split('\n');
    // `uid=0(root) gid=0(root) groups=…`; no name in parentheses for an id without a passwd/group entry
    const m = /^uid=(\d+)(?:\(([^)]*)\))? gid=(\d+)(?:\(([^)]*)\))?/.exec(id ?? '');
    if (!/^[0-7]{1,4}$/.test(umask ?? '') || !m) {
      throw new Error(`cannot tell the user and umask commands run as: ${JSON.stringify(out.stdout.slice(0, 200))} ${out.stderr.trim()}`);
    }
    const [, uid, user, gid, group] = m as unknown as [string, string, string | undefined, string, string | undefined];
    return { umask: Number.parseInt(umask as string, 8), user: user ?? uid, uid: Number(uid), group: group ?? gid, gid: Number(gid) };
  },
};
