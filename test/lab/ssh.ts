/** The system ssh client against a lab VM: key auth, host-key checking on against the pinned known_hosts. */
import type { RunResult } from './exec.ts';
import { run } from './exec.ts';

/** Everything needed to reach one VM. */
export interface SshTarget {
  port: number;
  user: string;
  privateKey: string;
  knownHosts: string;
}

/** ssh arguments up to and including the destination; the user's ~/.ssh/config is ignored on purpose. */
export function sshArgs(t: SshTarget, connectTimeoutSec = 10): string[] {
  return [
    '-F', '/dev/null', '-i', t.privateKey, '-p', String(t.port),
    '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${t.knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', `ConnectTimeout=${connectTimeoutSec}`, '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3',
    '-o', 'LogLevel=ERROR',
    `${t.user}@127.0.0.1`,
  ];
}

/** Run a shell command on the VM; exit code 255 means ssh itself failed. */
export function sshRun(t: SshTarget, command: string, timeoutMs = 600_000, connectTimeoutSec = 10): Promise<RunResult> {
  return run('ssh', [...sshArgs(t, connectTimeoutSec), '--', command], { timeoutMs });
}
