/**
 * One test host: its own network namespace on the harness bridge, a mount namespace whose root is an overlay of
 * (base layer, `/`) with a private upper dir, its own hostname, and a real sshd listening on port 22 inside.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { quote } from '../../../src/core/quote.ts';
import { names } from './cleanup.ts';
import { HOST_ENV, delay, must, run, type RunResult } from './proc.ts';

/** Runtime state of one test host. */
export interface HostRuntime {
  readonly name: string;
  readonly address: string;
  readonly netns: string;
  readonly dir: string;
  /** Overlay merged view, visible on the real machine. */
  readonly merged: string;
  holderPid: number;
  sshdPid: number | undefined;
}

// node's spawn, not zx (test/support/local-process.ts): the holder and sshd are detached, outlive the call (and may
// outlive the test process until cleanup), write to a log fd, and their pid is needed at once
function spawnDetached(argv: readonly string[], logFile: string): number {
  const fd = openSync(logFile, 'a');
  const [cmd, ...args] = argv;
  const child = spawn(cmd as string, args, { env: HOST_ENV, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`harness: could not start ${argv.join(' ')}`);
  return child.pid;
}

/** Prefix that enters every namespace of the host's holder process. */
function enter(h: HostRuntime): string[] {
  return ['nsenter', '-t', String(h.holderPid), '-m', '-u', '-i', '-n', '-r', '-w', '--'];
}

/** Create the host's network and filesystem and start its namespace holder (no sshd yet). */
export async function createHost(opts: { slot: number; index: number; name: string; base: string; root: string }): Promise<HostRuntime> {
  const { slot, index } = opts;
  const netns = names.netns(slot, index);
  const veth = names.veth(slot, index);
  const address = `${names.subnet(slot)}.${index + 1}`;
  const dir = join(opts.root, `h${index}`);
  const [upper, work, merged] = ['upper', 'work', 'merged'].map((d) => join(dir, d)) as [string, string, string];
  for (const d of [upper, work, merged]) mkdirSync(d, { recursive: true });

  await must(['ip', 'netns', 'add', netns]);
  const sw = names.switchNs(slot);
  await must(['ip', 'link', 'add', 'name', veth, 'netns', sw, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
  await must(['ip', '-n', sw, 'link', 'set', veth, 'master', 'br0', 'up']);
  await must(['ip', '-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
  await must(['ip', '-n', netns, 'link', 'set', 'eth0', 'up']);
  await must(['ip', '-n', netns, 'link', 'set', 'lo', 'up']);
  await must(['ip', '-n', netns, 'route', 'add', 'default', 'via', `${names.subnet(slot)}.1`]);

  await must(['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${opts.base}:/,upperdir=${upper},workdir=${work}`, merged]);
  const m = quote(merged);
  const setup = [
    'set -e',
    `mount -t proc proc ${m}/proc`,
    `mount -t sysfs sysfs ${m}/sys`,
    `mount --rbind /dev ${m}/dev`,
    `mount -t tmpfs -o mode=755 tmpfs ${m}/run`,
    `mkdir -m 755 ${m}/run/sshd ${m}/run/lock`,
    // hides the real /tmp (which holds every host's upper dir) and gives the host its own
    `mount -t tmpfs -o mode=1777 tmpfs ${m}/tmp`,
    // drop this private copy of the netns name mounts, or it would keep other hosts' namespaces alive
    'for f in /run/netns/*; do umount -l "$f" 2>/dev/null || true; done',
    `hostname ${quote(opts.name)}`,
    `exec chroot ${m} /bin/sleep infinity`,
  ].join('\n');
  const holderPid = spawnDetached(
    ['nsenter', `--net=/run/netns/${netns}`, '--', 'unshare', '-m', '-u', '-i', '--propagation', 'private', '--', '/bin/sh', '-c', setup],
    join(dir, 'holder.log'),
  );
  const h: HostRuntime = { name: opts.name, address, netns, dir, merged, holderPid, sshdPid: undefined };
  // chrooted once /proc/PID/root points at the merged dir
  for (let i = 0; ; i++) {
    try {
      if (readlinkSync(`/proc/${holderPid}/root`) === merged) break;
    } catch {
      throw new Error(`harness: host ${opts.name} setup died: ${readFileSync(join(dir, 'holder.log'), 'utf8')}`);
    }
    if (i > 500) throw new Error(`harness: host ${opts.name} did not come up: ${readFileSync(join(dir, 'holder.log'), 'utf8')}`);
    await delay(10);
  }
  return h;
}

/** Run a shell command inside the host (not over SSH). */
export function hostExec(h: HostRuntime, cmd: string): Promise<RunResult> {
  return run([...enter(h), '/bin/sh', '-c', cmd]);
}

/** Generate the host's SSH host key; returns the public key ("ssh-ed25519 AAAA… comment"). */
export async function generateHostKey(h: HostRuntime): Promise<string> {
  const r = await hostExec(
    h,
    `ssh-keygen -q -t ed25519 -N '' -C ${quote(h.name)} -f /etc/ssh/rig_host_ed25519_key && cat /etc/ssh/rig_host_ed25519_key.pub`,
  );
  if (r.code !== 0) throw new Error(`harness: ssh-keygen on ${h.name} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Wait until something answers with an SSH banner on address:22. */
async function waitForBanner(address: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = tcpConnect({ host: address, port: 22 });
      const done = (v: boolean): void => {
        s.destroy();
        resolve(v);
      };
      s.setTimeout(1000, () => done(false));
      s.on('data', (b: Buffer) => done(b.toString('latin1').startsWith('SSH-')));
      s.on('error', () => done(false));
    });
    if (ok) return true;
    await delay(20);
  }
  return false;
}

/** Start sshd in the foreground (-D) inside the host and wait for its banner. */
export async function startSshd(h: HostRuntime): Promise<void> {
  if (h.sshdPid !== undefined) return;
  const log = join(h.dir, 'sshd.log');
  h.sshdPid = spawnDetached([...enter(h), '/usr/sbin/sshd', '-D', '-e'], log);
  if (!(await waitForBanner(h.address, 10_000))) {
    throw new Error(`harness: sshd on ${h.name} did not answer: ${readFileSync(log, 'utf8').slice(-2000)}`);
  }
}

/** Descendants of pid (from /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const ent of readdirSync('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    try {
      const stat = readFileSync(`/proc/${ent}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(ent)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Kill sshd and every session it spawned (the host looks down: connections drop, new ones are refused). */
export async function stopSshd(h: HostRuntime): Promise<void> {
  const pid = h.sshdPid;
  if (pid === undefined) return;
  const all = [pid, ...descendants(pid)];
  for (const p of all) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  h.sshdPid = undefined;
  for (let i = 0; i < 200 && all.some((p) => existsPid(p)); i++) await delay(10);
}

function existsPid(p: number): boolean {
  try {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    // zombies count as gone
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
