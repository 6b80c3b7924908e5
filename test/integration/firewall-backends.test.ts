/**
 * roles/firewall's iptables and ufw backends on real sshd hosts (own network + mount namespaces), through the real CLI:
 * rules live, SSH never cut (the next run over SSH works), re-run changed=0, a flushed RIG-INPUT repaired alone,
 * a port not allowed dropped (nc from another host), Docker's chains untouched, DOCKER-USER filled.
 * Container DNS to Consul on both backends: DNS to the host's address:53 reaches a listener on 8600 bound like Consul
 * (127.0.0.1 and the host address, not docker0's), over UDP and TCP, from the host itself, from a cluster host and from
 * a "container" (a network namespace behind a veth named docker0); across a Docker restart, a flushed RIG-DNS, ufw reload.
 * No systemd in the harness: firewall_boot_unit=false; the boot unit runs the same script (test/unit/roles).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { rig, tasksWithStatus } from './engine/cli.ts';
import { tempDir } from '../support/temp-dir.ts';
import { quote } from '../../src/core/quote.ts';

const avail = await sshdAvailability();
const has = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
// scripts/test-all.sh installs iptables, ufw and netcat-openbsd; nothing is installed silently here
const missing = ['iptables', 'ip6tables', 'ufw', 'nc', 'python3'].filter((b) => !has(b));
const reason = !avail.ok ? avail.reason : missing.length ? `${missing.join(', ')} not installed (run scripts/test-all.sh or apt-get install iptables ufw netcat-openbsd)` : undefined;
if (reason) console.warn(`SKIPPED firewall backends integration tests: ${reason}`);

const PLAYBOOK = 'test/fixtures/playbooks/firewall.ts';
// Docker's chains as dockerd creates them (filter + nat), made by hand before rig runs
const FAKE_DOCKER = [
  'iptables -N DOCKER',
  'iptables -N DOCKER-ISOLATION-STAGE-1',
  'iptables -A DOCKER-ISOLATION-STAGE-1 -j RETURN',
  'iptables -A FORWARD -j DOCKER-ISOLATION-STAGE-1',
  'iptables -A FORWARD -o docker0 -j DOCKER',
  'iptables -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
  'iptables -t nat -N DOCKER',
  'iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
  'iptables -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
].join(' && ');
// Docker's chains and rules (rig's own nat chain RIG-DNS and the jumps to it left out)
const DOCKER_STATE = 'iptables -S DOCKER; iptables -S DOCKER-ISOLATION-STAGE-1; iptables -S FORWARD; iptables -t nat -S | grep -v RIG-DNS';
// dockerd restarting: it deletes its nat jumps and chain, then creates them again and appends the jumps
const DOCKER_RESTART = [
  'iptables -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
  'iptables -t nat -F DOCKER',
  'iptables -t nat -X DOCKER',
  'iptables -t nat -N DOCKER',
  'iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
  'iptables -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
].join(' && ');
// a DNS-less echo on 8600 bound as Consul binds (client_addr 127.0.0.1 + the node address): answers "rig-dns-ok udp|tcp"
const ECHO_8600 = (address: string) => `
import socket, threading
def udp(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((a, 8600))
    while True:
        d, peer = s.recvfrom(512); s.sendto(b"rig-dns-ok udp", peer)
def tcp(a):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((a, 8600)); s.listen(8)
    while True:
        c, _ = s.accept(); c.recv(512); c.sendall(b"rig-dns-ok tcp"); c.close()
for a in ("127.0.0.1", "${address}"):
    for f in (udp, tcp): threading.Thread(target=f, args=(a,), daemon=True).start()
threading.Event().wait()
`;
// one query to address:53 (proto udp|tcp): prints the answer, or exits 1
const QUERY = (proto: string, address: string, port: number) => `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if "${proto}" == "udp" else socket.SOCK_STREAM); s.settimeout(2)
try:
    if "${proto}" == "udp": s.sendto(b"q", ("${address}", ${port})); print(s.recvfrom(512)[0].decode())
    else: s.connect(("${address}", ${port})); s.sendall(b"q"); print(s.recv(512).decode())
except OSError as e: print(e); sys.exit(1)
`;

let lab: TestHosts;
let inv: string;
let ipt: string; // iptables backend
let ufw: string; // ufw backend
let client: string; // outside cluster_cidr
let dockerBefore: string;
const addr = (n: string): string => lab.hosts.find((h) => h.name === n)!.address;
const containerPid: Record<string, string> = {};

/** The answer to a DNS-port query from `from` (a host, or `container@host`: the namespace behind that host's docker0) to `to`:53, or undefined. */
async function dnsAnswer(from: string, to: string, proto: 'udp' | 'tcp', port = 53): Promise<string | undefined> {
  const [inner, host] = from.includes('@') ? [true, from.split('@')[1]!] : [false, from];
  const py = `python3 -c ${quote(QUERY(proto, addr(to), port))}`;
  const r = await lab.exec(host, inner ? `nsenter -t ${containerPid[host]} -n ${py}` : py);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** The smallest network around a's address that holds b's and not c's (so the client stays outside cluster_cidr). */
function networkOf(a: string, b: string, c: string): string {
  const n = (ip: string): number => ip.split('.').reduce((x, o) => x * 256 + Number(o), 0);
  for (let bits = 31; bits >= 8; bits--) {
    const size = 2 ** (32 - bits);
    const base = (ip: string): number => Math.floor(n(ip) / size) * size;
    if (base(b) === base(a) && base(c) !== base(a)) return `${[24, 16, 8, 0].map((s) => Math.floor(base(a) / 2 ** s) % 256).join('.')}/${bits}`;
  }
  throw new Error(`no network holds ${a} and ${b} without ${c}`);
}

/** How often nat PREROUTING and OUTPUT jump to RIG-DNS, and whether first: e.g. 'PREROUTING 1 first, OUTPUT 1 first'. */
async function dnsJumps(host: string): Promise<string> {
  const out: string[] = [];
  for (const p of ['PREROUTING', 'OUTPUT']) {
    const rules = (await lab.exec(host, `iptables -t nat -S ${p}`)).stdout.split('\n').filter((l) => l.startsWith('-A '));
    out.push(`${p} ${rules.filter((l) => l === `-A ${p} -j RIG-DNS`).length}${rules[0] === `-A ${p} -j RIG-DNS` ? ' first' : ''}`);
  }
  return out.join(', ');
}

/** Every way in answers: UDP and TCP to host:53 from the host itself, the other cluster host and the host's container. */
async function dnsWorks(host: string, other: string): Promise<void> {
  for (const proto of ['udp', 'tcp'] as const) {
    for (const from of [host, other, `container@${host}`]) expect(`${from} ${proto}: ${await dnsAnswer(from, host, proto)}`).toBe(`${from} ${proto}: rig-dns-ok ${proto}`);
  }
}

/** Can `from` open a TCP connection to `to`:`port`? (a DROP times out) */
async function reaches(from: string, to: string, port: number): Promise<boolean> {
  return (await lab.exec(from, `nc -z -w 2 ${addr(to)} ${port}`)).code === 0;
}

const changedTasks = (run: Awaited<ReturnType<typeof rig>>) => Object.fromEntries(Object.entries(tasksWithStatus(run, 'changed')).map(([h, ts]) => [h, ts.map((t) => t.split('@')[0])]));

describe.skipIf(reason !== undefined)('firewall backends iptables and ufw over real SSH', () => {
  beforeAll(async () => {
    lab = await startTestHosts({ count: 3, prefix: 'fw' });
    [ipt, ufw, client] = lab.hosts.map((h) => h.name) as [string, string, string];
    // the cluster is ipt + ufw (cluster_cidr holds both: each finds its own cluster address for the DNS redirect);
    // the client's address is outside cluster_cidr
    const common = { cluster_cidr: networkOf(addr(ipt), addr(ufw), addr(client)), firewall_boot_unit: false };
    const dir = tempDir('rig-fw-inv-');
    inv = await lab.writeInventory(dir, {
      hostVars: {
        [ipt]: { ...common, firewall_backend: 'iptables', firewall_docker_published_from: [`${addr(ufw)}/32`] },
        [ufw]: { ...common, firewall_backend: 'ufw' },
      },
      groups: { firewalled: [ipt, ufw], managers: [ipt] },
    });
    const d = await lab.exec(ipt, FAKE_DOCKER);
    if (d.code !== 0) throw new Error(`fake Docker chains: ${d.stderr}`);
    dockerBefore = (await lab.exec(ipt, DOCKER_STATE)).stdout;
    // listeners: 8500 (Consul HTTP, cluster only) and 9999 (allowed nowhere) on both firewalled hosts
    for (const h of [ipt, ufw]) await lab.exec(h, 'for p in 8500 9999; do setsid nc -lk -p $p >/dev/null 2>&1 < /dev/null & done; sleep 0.2');
    expect(await reaches(client, ipt, 9999)).toBe(true);
    for (const h of [ipt, ufw]) {
      // Consul's DNS stand-in, and a "container": a network namespace behind a veth named docker0 (172.17.0.1, as Docker's bridge)
      await lab.exec(h, `setsid python3 -c ${quote(ECHO_8600(addr(h)))} >/dev/null 2>&1 < /dev/null &`);
      const c = await lab.exec(h, 'setsid unshare -n sleep 3600 >/dev/null 2>&1 < /dev/null & echo $!');
      containerPid[h] = c.stdout.trim();
      const net = await lab.exec(h, [
        'sleep 0.3',
        `ip link add docker0 type veth peer name c0 netns ${containerPid[h]}`,
        'ip addr add 172.17.0.1/16 dev docker0 && ip link set docker0 up',
        `nsenter -t ${containerPid[h]} -n sh -c 'ip link set lo up && ip addr add 172.17.0.2/16 dev c0 && ip link set c0 up && ip route add default via 172.17.0.1'`,
      ].join(' && '));
      if (net.code !== 0) throw new Error(`container namespace on ${h}: ${net.stderr}`);
    }
    // nothing answers on :53 before rig (the fault): only 8600 does
    for (const h of [ipt, ufw]) expect(await dnsAnswer(h, h, 'tcp', 8600)).toBe('rig-dns-ok tcp');
    expect(await dnsAnswer(ipt, ipt, 'udp')).toBeUndefined();
    expect(await dnsAnswer(`container@${ipt}`, ipt, 'tcp')).toBeUndefined();
  });
  afterAll(async () => lab?.dispose());

  it('first run: rig chains live and first, ufw enabled with the rules, over SSH', async () => {
    const t0 = Date.now();
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    console.log(`firewall first run (iptables + ufw host): ${Date.now() - t0} ms wall, ${run.report!.durationMs} ms inside rig`);
    const changed = tasksWithStatus(run, 'changed');
    expect(changed[ipt]!.map((t) => t.split('@')[0])).toEqual(['cluster firewall chains (ip6tables)', 'cluster firewall chains (iptables)', 'rig config dir']);
    expect(changed[ufw]!.map((t) => t.split('@')[0])).toEqual(['cluster firewall rules (ufw)']);
    const s = (await lab.exec(ipt, 'iptables -S INPUT; iptables -S DOCKER-USER; iptables -S RIG-INPUT; ip6tables -S INPUT')).stdout;
    expect(s).toMatch(/^-P INPUT ACCEPT\n-A INPUT -j RIG-INPUT\n/);
    expect(s).toContain('-A DOCKER-USER -j RIG-DOCKER-USER');
    expect(s).toContain('-A RIG-INPUT -p tcp -m tcp --dport 22 -m comment --comment "rig: ssh" -j ACCEPT');
    expect(s).toContain('-A RIG-INPUT -j DROP');
    expect(s).toMatch(/-P INPUT ACCEPT\n-A INPUT -j RIG-INPUT\n$/);
    const u = await lab.exec(ufw, 'ufw status verbose');
    expect(u.stdout).toContain('Status: active');
    expect(u.stdout).toContain('Default: deny (incoming)');
    expect(u.stdout).toMatch(/22\/tcp\s+ALLOW IN\s+Anywhere\s+# rig: ssh/);
  });

  it("Docker's chains and nat table are untouched", async () => {
    expect((await lab.exec(ipt, DOCKER_STATE)).stdout).toBe(dockerBefore);
  });

  it('a port not allowed is dropped, cluster ports only from cluster_cidr, SSH from anywhere', async () => {
    expect(await reaches(client, ipt, 9999)).toBe(false);
    expect(await reaches(client, ipt, 8500)).toBe(false);
    expect(await reaches(ufw, ipt, 8500)).toBe(true);
    expect(await reaches(client, ipt, 22)).toBe(true);
    expect(await reaches(client, ufw, 9999)).toBe(false);
    expect(await reaches(client, ufw, 8500)).toBe(false);
    expect(await reaches(ipt, ufw, 8500)).toBe(true);
    expect(await reaches(client, ufw, 22)).toBe(true);
  });

  it('second run over SSH: changed=0', async () => {
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(tasksWithStatus(run, 'changed')).toEqual({});
    const execs = Object.fromEntries(Object.entries(run.report!.recap).map(([h, r]) => [h, r.execs]));
    console.log(`firewall no-op re-run: ${run.report!.durationMs} ms inside rig; execs ${JSON.stringify(execs)}`);
    // the backend decided in the last run guesses which backend's state to read: all of it in the facts exec
    expect(execs).toEqual({ [ipt]: 1, [ufw]: 1 });
  });

  it('container DNS: UDP and TCP to <host>:53 reach the listener on 8600 from the host, a cluster host and a container (iptables and ufw)', async () => {
    await dnsWorks(ipt, ufw);
    await dnsWorks(ufw, ipt);
    // DNATed to 8600, which only cluster_cidr and the Docker bridges may reach: the client outside gets no answer
    expect(await dnsAnswer(client, ipt, 'tcp')).toBeUndefined();
    expect(await dnsAnswer(client, ufw, 'tcp')).toBeUndefined();
    expect(await dnsJumps(ipt)).toBe('PREROUTING 1 first, OUTPUT 1 first');
    expect(await dnsJumps(ufw)).toBe('PREROUTING 1 first, OUTPUT 1 first');
    expect((await lab.exec(ufw, 'grep -c "^# BEGIN RIG CONSUL DNS" /etc/ufw/before.rules')).stdout.trim()).toBe('1');
    // why DNAT: a REDIRECT (nft `redirect`) sends the container's query to docker0's 172.17.0.1, where Consul does not listen
    const redirect = `-d ${addr(ipt)}/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 8600`;
    expect((await lab.exec(ipt, `iptables -t nat -I RIG-DNS 1 ${redirect}`)).code).toBe(0);
    expect(await dnsAnswer(`container@${ipt}`, ipt, 'udp')).toBeUndefined();
    expect((await lab.exec(ipt, `iptables -t nat -D RIG-DNS ${redirect}`)).code).toBe(0);
  });

  it("Docker restarted (its nat chain and jump recreated, appended): rig's redirect stays first, re-run changed=0", async () => {
    expect((await lab.exec(ipt, DOCKER_RESTART)).code).toBe(0);
    expect((await lab.exec(ipt, DOCKER_STATE)).stdout).toBe(dockerBefore);
    expect(await dnsJumps(ipt)).toBe('PREROUTING 1 first, OUTPUT 1 first');
    expect(await dnsAnswer(`container@${ipt}`, ipt, 'udp')).toBe('rig-dns-ok udp');
    expect(tasksWithStatus(await rig(['run', PLAYBOOK, '-i', inv]), 'changed')).toEqual({});
  });

  it('RIG-DNS flushed by hand on both hosts: the next run repairs it alone (iptables: load script; ufw: reload), then changed=0', async () => {
    for (const h of [ipt, ufw]) expect((await lab.exec(h, 'iptables -t nat -F RIG-DNS')).code).toBe(0);
    expect(await dnsAnswer(`container@${ipt}`, ipt, 'udp')).toBeUndefined();
    expect(await dnsAnswer(`container@${ufw}`, ufw, 'tcp')).toBeUndefined();
    // check mode predicts exactly the tasks the run changes, and changes nothing
    const check = await rig(['run', PLAYBOOK, '-i', inv, '--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(changedTasks(check)).toEqual({ [ipt]: ['cluster firewall chains (iptables)'], [ufw]: ['cluster firewall rules (ufw)'] });
    expect(await dnsAnswer(`container@${ipt}`, ipt, 'udp')).toBeUndefined();
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(changedTasks(run)).toEqual({ [ipt]: ['cluster firewall chains (iptables)'], [ufw]: ['cluster firewall rules (ufw)'] });
    const results = (name: string, h: string) => run.report!.plays[0]!.tasks.find((t) => t.name === name)!.results[h]!.msg;
    expect(results('cluster firewall chains (iptables)', ipt)).toBe('RIG-DNS differs (2 of 2 rules missing, 0 live)');
    expect(results('cluster firewall rules (ufw)', ufw)).toBe('reloaded (RIG-DNS differs (2 of 2 rules missing, 0 live))');
    await dnsWorks(ipt, ufw);
    await dnsWorks(ufw, ipt);
    // ufw's reload restored before.rules with a second jump; rig kept the first only
    expect(await dnsJumps(ufw)).toBe('PREROUTING 1 first, OUTPUT 1 first');
    expect((await lab.exec(ipt, DOCKER_STATE)).stdout).toBe(dockerBefore);
    expect(tasksWithStatus(await rig(['run', PLAYBOOK, '-i', inv]), 'changed')).toEqual({});
  });

  it("ufw reload by hand adds a second jump (ufw restores before.rules with --noflush): DNS works, re-run changed=0", async () => {
    expect((await lab.exec(ufw, 'ufw reload')).code).toBe(0);
    expect(await dnsJumps(ufw)).toBe('PREROUTING 2 first, OUTPUT 2 first');
    expect(await dnsAnswer(`container@${ufw}`, ufw, 'udp')).toBe('rig-dns-ok udp');
    expect(tasksWithStatus(await rig(['run', PLAYBOOK, '-i', inv]), 'changed')).toEqual({});
  });

  it("RIG-INPUT flushed by hand: the next run reloads only rig's chains", async () => {
    expect((await lab.exec(ipt, 'iptables -F RIG-INPUT')).code).toBe(0);
    expect(await reaches(client, ipt, 9999)).toBe(true);
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(Object.fromEntries(Object.entries(tasksWithStatus(run, 'changed')).map(([h, ts]) => [h, ts.map((t) => t.split('@')[0])]))).toEqual({ [ipt]: ['cluster firewall chains (iptables)'] });
    expect(await reaches(client, ipt, 9999)).toBe(false);
    expect((await lab.exec(ipt, DOCKER_STATE)).stdout).toBe(dockerBefore);
    const again = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(tasksWithStatus(again, 'changed')).toEqual({});
  });

  // (flushing only ufw-user-input would drop new SSH connections under ufw's DROP policy: nothing could repair that remotely)
  it('ufw rules gone from the kernel (a boot where ufw.service did not run): ufw reload, then converged', async () => {
    const wipe = 'for t in iptables ip6tables; do $t -P INPUT ACCEPT && $t -P FORWARD ACCEPT && $t -F && $t -X || exit 1; done';
    expect((await lab.exec(ufw, wipe)).code).toBe(0);
    expect(await reaches(client, ufw, 9999)).toBe(true);
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(Object.keys(tasksWithStatus(run, 'changed'))).toEqual([ufw]);
    expect(run.report!.plays[0]!.tasks.find((t) => t.name === 'cluster firewall rules (ufw)')!.results[ufw]!.msg).toBe('reloaded (rules not in the kernel)');
    expect(await reaches(client, ufw, 9999)).toBe(false);
    expect(await reaches(ipt, ufw, 8500)).toBe(true);
    expect(tasksWithStatus(await rig(['run', PLAYBOOK, '-i', inv]), 'changed')).toEqual({});
  });

  it('ufw disabled by hand: enabled again, nothing else', async () => {
    expect((await lab.exec(ufw, 'ufw disable')).code).toBe(0);
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.report!.plays[0]!.tasks.find((t) => t.name === 'cluster firewall rules (ufw)')!.results[ufw]!.msg).toBe('enabled');
    expect((await lab.exec(ufw, 'ufw status')).stdout).toContain('Status: active');
    expect(await reaches(client, ufw, 9999)).toBe(false);
    // enabling restored before.rules again: still one jump to RIG-DNS, DNS answered
    expect(await dnsJumps(ufw)).toBe('PREROUTING 1 first, OUTPUT 1 first');
    await dnsWorks(ufw, ipt);
  });

  it('firewall_docker_dns turned off: RIG-DNS, its jumps and the before.rules block removed (re-run changed=0); on again: back', async () => {
    const off = ['-e', '{"firewall_docker_dns": false}'];
    // ip6tables too: its container-DNS allow rules (8600 from docker0) follow the same variable
    const toggled = { [ipt]: ['cluster firewall chains (ip6tables)', 'cluster firewall chains (iptables)'], [ufw]: ['cluster firewall rules (ufw)'] };
    const run = await rig(['run', PLAYBOOK, '-i', inv, ...off]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(changedTasks(run)).toEqual(toggled);
    for (const h of [ipt, ufw]) {
      expect((await lab.exec(h, 'iptables -t nat -S')).stdout).not.toContain('RIG-DNS');
      expect(await dnsAnswer(h, h, 'udp')).toBeUndefined();
    }
    expect((await lab.exec(ufw, 'grep -c RIG /etc/ufw/before.rules')).stdout.trim()).toBe('0');
    expect((await lab.exec(ipt, DOCKER_STATE)).stdout).toBe(dockerBefore);
    expect(tasksWithStatus(await rig(['run', PLAYBOOK, '-i', inv, ...off]), 'changed')).toEqual({});
    expect(changedTasks(await rig(['run', PLAYBOOK, '-i', inv]))).toEqual(toggled);
    await dnsWorks(ipt, ufw);
    await dnsWorks(ufw, ipt);
  });
});

// when it cannot run, the reason shows up in the report as a skipped test (never as a passed one)
if (reason !== undefined) it.skip(`SKIPPED firewall backends: ${reason}`, () => {});
