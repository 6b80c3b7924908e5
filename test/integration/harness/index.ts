/**
 * Integration-test hosts: each is a real OpenSSH sshd in its own network namespace (10.231.SLOT.I on a per-harness
 * bridge), mount namespace with an overlay root over `/`, hostname and IPC namespace — a separate machine as far as
 * files, users, dpkg state, sysctls and iptables go. Nothing is mocked.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { HARNESS_ROOT, cleanupSlot, cleanupStale, names, processStartTime } from './cleanup.ts';
import { buildBaseLayer } from './base-layer.ts';
import { run, must } from './proc.ts';
import { createHost, generateHostKey, hostExec, startSshd, stopSshd, type HostRuntime } from './test-host.ts';
import { inventoryYaml } from './inventory.ts';
import { quote } from '../../../src/core/quote.ts';

/** One started test host. */
export interface TestHost {
  /** Inventory name (also its hostname). */
  readonly name: string;
  /** IPv4 address reachable from this machine and from the other hosts. */
  readonly address: string;
  /** 22; sshd also listens on 2222 (for non-standard-port tests). */
  readonly port: number;
  /** Host-side path of the host's overlay merged view (its `/`, minus /proc /sys /dev /run /tmp). */
  readonly root: string;
  /** The host's known_hosts line (`address ssh-ed25519 AAAA…`). */
  readonly hostKeyLine: string;
}

/** A set of running test hosts sharing one test user, client key and known_hosts file. */
export interface TestHosts {
  readonly hosts: readonly TestHost[];
  readonly user: string;
  /** Private key (ed25519, no passphrase) the test user accepts. */
  readonly keyFile: string;
  /** known_hosts with every host's key. */
  readonly knownHostsFile: string;
  /** The test user's password (sudo asks for it when started with sudo: 'password'). */
  readonly sudoPassword: string;
  /** Write an Ansible-format inventory dir (hosts.yml) for these hosts into `dir`; returns `dir`. */
  writeInventory(dir: string, extra?: { hostVars?: Record<string, Record<string, unknown>>; groups?: Record<string, string[]> }): Promise<string>;
  /** Run a shell command inside a host as root, directly (not over SSH). */
  exec(host: string, cmd: string): Promise<{ stdout: string; stderr: string; code: number }>;
  /** Kill the host's sshd and all its sessions. */
  stop(host: string): Promise<void>;
  /** Start the host's sshd again (same host key). */
  start(host: string): Promise<void>;
  /** Tear everything down. */
  dispose(): Promise<void>;
}

/** Options for startTestHosts. */
export interface StartOptions {
  readonly count: number;
  /** Host name prefix: `${prefix}1`…; @default 'host' */
  readonly prefix?: string;
  /** @default 'nopasswd' */
  readonly sudo?: 'nopasswd' | 'password';
  /** @default 'rigtest' */
  readonly user?: string;
}

const live = new Set<number>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const slot of live) cleanupSlot(slot);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      for (const slot of live) cleanupSlot(slot);
      live.clear();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/** Claim a free slot (1..250): mkdir is the atomic lock, the bridge is created right after. */
function claimSlot(): number {
  mkdirSync(HARNESS_ROOT, { recursive: true });
  for (let slot = 1; slot <= 250; slot++) {
    try {
      mkdirSync(names.dir(slot));
    } catch {
      continue;
    }
    return slot;
  }
  throw new Error(`harness: no free slot under ${HARNESS_ROOT} (250 harnesses running?)`);
}

let availability: Promise<{ ok: true } | { ok: false; reason: string }> | undefined;

/** Check (and if needed install with apt-get) what the harness needs: root, sshd, sudo, ip netns, overlayfs. */
export function sshdAvailability(): Promise<{ ok: true } | { ok: false; reason: string }> {
  availability ??= (async () => {
    if (process.platform !== 'linux') return { ok: false, reason: 'test hosts need Linux namespaces' };
    if (process.getuid?.() !== 0) return { ok: false, reason: 'test hosts need root (namespaces, mounts, veth)' };
    const has = async (bin: string): Promise<boolean> => (await run(['sh', '-c', `command -v ${bin}`])).code === 0;
    for (const bin of ['ip', 'unshare', 'nsenter', 'chroot', 'mount']) {
      if (!(await has(bin))) return { ok: false, reason: `${bin} is missing (iproute2/util-linux)` };
    }
    if (!(await has('/usr/sbin/sshd')) || !(await has('sudo')) || !(await has('ssh-keygen'))) {
      if (!(await has('apt-get'))) return { ok: false, reason: 'openssh-server/sudo missing and apt-get unavailable' };
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const lock = ['-o', 'DPkg::Lock::Timeout=600'];
      let r = await run(['apt-get', ...lock, 'install', '-y', '-q', '--no-install-recommends', 'openssh-server', 'openssh-client', 'sudo'], { env });
      if (r.code !== 0) {
        await run(['apt-get', ...lock, 'update', '-q'], { env });
        r = await run(['apt-get', ...lock, 'install', '-y', '-q', '--no-install-recommends', 'openssh-server', 'openssh-client', 'sudo'], { env });
      }
      if (r.code !== 0) return { ok: false, reason: `apt-get install openssh-server sudo failed: ${r.stderr.trim().slice(-500)}` };
    }
    const probe = await run(['unshare', '-m', '-n', '--', 'sh', '-c', 'ip link add rigprobe type veth peer name rigprobe2 && mount -t tmpfs t /mnt']);
    if (probe.code !== 0) return { ok: false, reason: `namespaces/veth/mount not permitted here: ${probe.stderr.trim()}` };
    return { ok: true };
  })();
  return availability;
}

/** Start `count` isolated test hosts, each running sshd on port 22 of its own address. */
export async function startTestHosts(opts: StartOptions): Promise<TestHosts> {
  const avail = await sshdAvailability();
  if (!avail.ok) throw new Error(`harness: cannot start test hosts: ${avail.reason}`);
  installExitHandlers();
  cleanupStale();
  const slot = claimSlot();
  live.add(slot);
  const root = names.dir(slot);
  const user = opts.user ?? 'rigtest';
  const prefix = opts.prefix ?? 'host';
  const sudoPassword = `pw-${randomBytes(9).toString('base64url')}`;
  const runtimes = new Map<string, HostRuntime>();
  try {
    // overlayfs refuses a layer inside another layer (base and upper dirs inside lowerdir=/): keep them on a tmpfs
    await must(['mount', '-t', 'tmpfs', '-o', 'mode=700', `rig-harness-${slot}`, root]);
    writeFileSync(join(root, 'owner'), `${process.pid} ${processStartTime(process.pid)}\n`);
    // the bridge lives in its own namespace, linked to this machine by a veth (rigbrN, 10.231.N.1)
    const sw = names.switchNs(slot);
    await must(['ip', 'netns', 'add', sw]);
    await must(['ip', '-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    await must(['ip', '-n', sw, 'link', 'set', 'br0', 'up']);
    await must(['ip', 'link', 'add', names.bridge(slot), 'type', 'veth', 'peer', 'name', 'up0', 'netns', sw]);
    await must(['ip', '-n', sw, 'link', 'set', 'up0', 'master', 'br0', 'up']);
    await must(['ip', 'addr', 'add', `${names.subnet(slot)}.1/24`, 'dev', names.bridge(slot)]);
    await must(['ip', 'link', 'set', names.bridge(slot), 'up']);
    const clientDir = join(root, 'client');
    mkdirSync(clientDir, { mode: 0o700 });
    const keyFile = join(clientDir, 'id_ed25519');
    await must(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'rig-test-client', '-f', keyFile]);
    const authorizedKey = (await must(['cat', `${keyFile}.pub`])).trim();
    const base = await buildBaseLayer({ dir: root, user, password: sudoPassword, authorizedKey, sudo: opts.sudo ?? 'nopasswd' });

    const hosts = await Promise.all(
      Array.from({ length: opts.count }, async (_, i) => {
        const name = `${prefix}${i + 1}`;
        const h = await createHost({ slot, index: i + 1, name, base, root });
        runtimes.set(name, h);
        // /etc/hosts names every host of this harness, like a LAN with DNS (sudo also wants its own name)
        const etcHosts = [
          '127.0.0.1 localhost',
          '::1 localhost ip6-localhost ip6-loopback',
          ...Array.from({ length: opts.count }, (_, j) => `${names.subnet(slot)}.${j + 2} ${prefix}${j + 1}`),
        ].join('\n');
        const w = await hostExec(h, `printf '%s\\n' ${quote(etcHosts)} > /etc/hosts`);
        if (w.code !== 0) throw new Error(`harness: cannot write /etc/hosts on ${name}: ${w.stderr}`);
        const pub = await generateHostKey(h);
        await startSshd(h);
        const [type, key] = pub.split(' ');
        return { name, address: h.address, port: 22, root: h.merged, hostKeyLine: `${h.address} ${type} ${key}` };
      }),
    );
    const knownHostsFile = join(clientDir, 'known_hosts');
    writeFileSync(knownHostsFile, hosts.map((h) => `${h.hostKeyLine}\n`).join(''));

    const get = (name: string): HostRuntime => {
      const h = runtimes.get(name);
      if (!h) throw new Error(`harness: no test host named ${name} (have ${[...runtimes.keys()].join(', ')})`);
      return h;
    };
    let disposed = false;
    return {
      hosts,
      user,
      keyFile,
      knownHostsFile,
      sudoPassword,
      async writeInventory(dir, extra = {}) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'hosts.yml'), inventoryYaml({ hosts, user, keyFile, knownHostsFile, ...extra }));
        return dir;
      },
      exec: (host, cmd) => hostExec(get(host), cmd),
      stop: (host) => stopSshd(get(host)),
      start: (host) => startSshd(get(host)),
      async dispose() {
        if (disposed) return;
        disposed = true;
        cleanupSlot(slot);
        live.delete(slot);
      },
    };
  } catch (e) {
    cleanupSlot(slot);
    live.delete(slot);
    throw e;
  }
}
