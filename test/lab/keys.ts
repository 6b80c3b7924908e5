/** SSH keys kept in the cache: the lab user's key and each VM's host key, so known_hosts is pinned before boot. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabPaths } from './config.ts';
import { must } from './exec.ts';

async function ensureKey(file: string, comment: string): Promise<void> {
  if (existsSync(file)) return;
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

/** The lab user's key pair (generated once); returns the public key line. */
export async function ensureLabKey(paths: LabPaths): Promise<string> {
  mkdirSync(paths.ssh, { recursive: true, mode: 0o700 });
  await ensureKey(paths.privateKey, 'rig-lab');
  return readFileSync(`${paths.privateKey}.pub`, 'utf8').trim();
}

/** A VM's ed25519 host key pair (generated once per VM name). */
export interface HostKey {
  privateFile: string;
  publicFile: string;
  /** "ssh-ed25519 AAAA…" without the comment. */
  publicKey: string;
}

/** The host key of VM `name`, generated on first use. */
export async function ensureHostKey(paths: LabPaths, name: string): Promise<HostKey> {
  const dir = join(paths.hostKeys, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateFile = join(dir, 'ssh_host_ed25519_key');
  await ensureKey(privateFile, `root@${name}`);
  const publicFile = `${privateFile}.pub`;
  const [type, key] = readFileSync(publicFile, 'utf8').trim().split(/\s+/);
  return { privateFile, publicFile, publicKey: `${type} ${key}` };
}

/** known_hosts lines pinning each forwarded port to its VM's host key. */
export function knownHostsText(entries: readonly { sshPort: number; publicKey: string }[]): string {
  return entries.map((e) => `[127.0.0.1]:${e.sshPort} ${e.publicKey}\n`).join('');
}
