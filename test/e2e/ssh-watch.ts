/** Long-lived SSH sessions to lab VMs during a run: a session that ends while its VM did not reboot is an SSH drop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { sshArgs, type SshTarget } from '../lab/ssh.ts';

/** One ended session: the VM's boot id when it started, and when it ended. */
interface Ended {
  readonly host: string;
  readonly bootId: string;
  readonly at: Date;
}

/** A running watch; `stop` ends it and returns the drops (sessions that ended on a VM that is still in the same boot). */
export interface SshWatch {
  stop(currentBootIds: Record<string, string>): string[];
}

/** Keep one session open per host, reopening it whenever it ends (a reboot ends it; the VM is then briefly down). */
export function watchSsh(targets: Record<string, SshTarget>): SshWatch {
  const ended: Ended[] = [];
  const live = new Map<string, ChildProcess>();
  let stopped = false;
  const open = (host: string): void => {
    if (stopped) return;
    // ServerAlive: a VM that stops answering for 30 s (TCG under load is slow, not dead) ends the session
    const args = sshArgs(targets[host]!).map((a) => (a === 'ServerAliveCountMax=3' ? 'ServerAliveCountMax=6' : a));
    const child = spawn('ssh', [...args, '--', 'cat /proc/sys/kernel/random/boot_id; while sleep 2; do echo .; done'], { stdio: ['ignore', 'pipe', 'ignore'] });
    live.set(host, child);
    let bootId = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (!bootId) bootId = d.split('\n')[0]!.trim();
    });
    child.on('close', () => {
      if (stopped) return;
      if (bootId) ended.push({ host, bootId, at: new Date() });
      setTimeout(() => open(host), 2000);
    });
  };
  for (const h of Object.keys(targets)) open(h);
  return {
    stop(current) {
      stopped = true;
      for (const c of live.values()) c.kill();
      return ended.filter((e) => current[e.host] === e.bootId).map((e) => `${e.host}: SSH session dropped at ${e.at.toISOString()} without a reboot`);
    },
  };
}
