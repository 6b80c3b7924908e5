/** The shared base layer every test host of one harness stacks on top of `/`: test user, sudo, sshd config. */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from '../../../src/core/quote.ts';
import { must, run } from './proc.ts';

/** What the base layer contains. */
export interface BaseLayerOptions {
  readonly dir: string;
  readonly user: string;
  readonly password: string;
  readonly authorizedKey: string;
  readonly sudo: 'nopasswd' | 'password';
}

/** OpenSSH ≥ 9.8 penalises sources after failed auths; tests fail auth on purpose, so switch it off there. */
async function sshdExtraOptions(): Promise<string[]> {
  const v = await run(['ssh', '-V']);
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(v.stderr + v.stdout);
  const major = Number(m?.[1] ?? 0);
  const minor = Number(m?.[2] ?? 0);
  return major > 9 || (major === 9 && minor >= 8) ? ['PerSourcePenalties no'] : [];
}

/** Build the base layer in `dir/base` (an overlay upper dir over `/`); returns its path. */
export async function buildBaseLayer(o: BaseLayerOptions): Promise<string> {
  const upper = join(o.dir, 'base');
  const work = join(o.dir, 'base-work');
  const merged = join(o.dir, 'base-merged');
  for (const d of [upper, work, merged]) mkdirSync(d, { recursive: true });
  const sshdConf = [
    '# rig test host',
    'HostKey /etc/ssh/rig_host_ed25519_key',
    'ListenAddress 0.0.0.0:22',
    // a second port, for tests of [host]:port known_hosts entries and ssh config Port
    'ListenAddress 0.0.0.0:2222',
    'PidFile none',
    'UsePAM no',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    'UseDNS no',
    'MaxSessions 10',
    'MaxStartups 100:30:200',
    'LogLevel VERBOSE',
    ...(await sshdExtraOptions()),
  ].join('\n');
  const sudoers =
    o.sudo === 'nopasswd'
      ? `${o.user} ALL=(ALL:ALL) NOPASSWD: ALL`
      : `Defaults:${o.user} timestamp_timeout=0\n${o.user} ALL=(ALL:ALL) ALL`;
  const u = quote(o.user);
  const script = [
    'set -e',
    `useradd -m -s /bin/bash ${u}`,
    `printf '%s\\n' ${quote(`${o.user}:${o.password}`)} | chpasswd`,
    `install -d -m 700 -o ${u} -g ${u} /home/${u}/.ssh`,
    `printf '%s\\n' ${quote(o.authorizedKey)} > /home/${u}/.ssh/authorized_keys`,
    `chown ${u}:${u} /home/${u}/.ssh/authorized_keys && chmod 600 /home/${u}/.ssh/authorized_keys`,
    `printf '%s\\n' ${quote(sudoers)} > /etc/sudoers.d/rig-test && chmod 440 /etc/sudoers.d/rig-test`,
    'mkdir -p /etc/ssh/sshd_config.d',
    `printf '%s\\n' ${quote(sshdConf)} > /etc/ssh/sshd_config.d/00-rig-test.conf`,
    // the real machine's host keys must not leak into test hosts
    'rm -f /etc/ssh/ssh_host_*',
  ].join('\n');
  const outer = [
    'set -e',
    `mount -t overlay overlay -o ${quote(`lowerdir=/,upperdir=${upper},workdir=${work}`)} ${quote(merged)}`,
    `exec chroot ${quote(merged)} /bin/sh -c ${quote(script)}`,
  ].join('\n');
  await must(['unshare', '-m', '--propagation', 'private', '--', '/bin/sh', '-c', outer]);
  rmSync(work, { recursive: true, force: true });
  rmSync(merged, { recursive: true, force: true });
  return upper;
}
