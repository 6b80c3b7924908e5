/**
 * roles/firewall's firewalld backend on a real sshd host (own network + mount namespaces) with a real firewalld (nftables
 * backend) on a private D-Bus system bus: the harness has no systemd, so the test starts `dbus-daemon --system` and
 * `firewalld --nofork --nopid` inside the host, as systemd would (firewall_boot_unit=false). Proven: SSH never cut (the
 * next run over SSH works), cluster ports from cluster_cidr only (nc from a host inside and one outside), re-run
 * changed=0, `firewall-cmd --reload` and a firewalld restart keep everything (permanent = runtime), runtime drift
 * repaired alone and predicted exactly by check mode, an admin's own service kept.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { rig, tasksWithStatus, type CliRun } from './engine/cli.ts';
import { tempDir } from '../support/temp-dir.ts';

const avail = await sshdAvailability();
const has = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
// scripts/test-all.sh installs firewalld (it brings dbus) and netcat-openbsd; nothing is installed silently here
const missing = ['firewalld', 'firewall-cmd', 'dbus-daemon', 'nc'].filter((b) => !has(b));
const reason = !avail.ok ? avail.reason : missing.length ? `${missing.join(', ')} not installed (run scripts/test-all.sh in a container, or apt-get install firewalld netcat-openbsd, then systemctl disable --now firewalld so it does not guard this machine)` : undefined;
if (reason) console.warn(`SKIPPED firewalld backend integration tests: ${reason}`);

const PLAYBOOK = 'test/fixtures/playbooks/firewall.ts';
const TASK = 'cluster firewall rules (firewalld)';
// in the order tasksWithStatus lists them (by name)
const FIRST_RUN = [TASK, 'container DNS redirect (firewalld)', 'rig config dir'];
// what systemd does at boot: the system bus, then firewalld (which loads its permanent configuration)
const START_FIREWALLD = [
  'mkdir -p /run/dbus',
  '(test -S /run/dbus/system_bus_socket || dbus-daemon --system --fork)',
  '(setsid firewalld --nofork --nopid >/tmp/firewalld.log 2>&1 </dev/null & echo $! >/run/rig-test-firewalld.pid)',
  'for i in $(seq 100); do firewall-cmd --state >/dev/null 2>&1 && exit 0; sleep 0.1; done; cat /tmp/firewalld.log; exit 1',
].join(' && ');
// the pid START_FIREWALLD wrote (/run is the host's own tmpfs); firewalld cleans its rules up on exit
const STOP_FIREWALLD = 'kill "$(cat /run/rig-test-firewalld.pid)" && for i in $(seq 300); do firewall-cmd --state >/dev/null 2>&1 || exit 0; sleep 0.1; done; exit 1';

let lab: TestHosts;
let inv: string;
let fwd: string; // firewalld backend, a manager
let peer: string; // inside cluster_cidr
let client: string; // outside cluster_cidr
const addr = (n: string): string => lab.hosts.find((h) => h.name === n)!.address;
const CIDR = (): string => `${addr(fwd)}/31`;
const changedTasks = (run: CliRun): Record<string, string[]> => Object.fromEntries(Object.entries(tasksWithStatus(run, 'changed')).map(([h, ts]) => [h, ts.map((t) => t.split('@')[0]!)]));
const result = (run: CliRun) => run.report!.plays[0]!.tasks.find((t) => t.name === TASK)!.results[fwd]!;

/** Can `from` open a TCP connection to `to`:`port`? (firewalld rejects, so a refusal is quick) */
async function reaches(from: string, to: string, port: number): Promise<boolean> {
  return (await lab.exec(from, `nc -z -w 2 ${addr(to)} ${port}`)).code === 0;
}
const cmd = async (host: string, c: string): Promise<string> => {
  const r = await lab.exec(host, c);
  if (r.code !== 0) throw new Error(`${host}: ${c}: ${r.stdout}${r.stderr}`);
  return r.stdout;
};

describe.skipIf(reason !== undefined)('firewall backend firewalld over real SSH', () => {
  beforeAll(async () => {
    lab = await startTestHosts({ count: 3, prefix: 'fd' });
    [fwd, peer, client] = lab.hosts.map((h) => h.name) as [string, string, string];
    if (!addr(fwd).endsWith('.2') || !addr(peer).endsWith('.3')) throw new Error(`unexpected harness addresses ${addr(fwd)} ${addr(peer)}`);
    const dir = tempDir('rig-fwd-inv-');
    inv = await lab.writeInventory(dir, {
      // fwd (.2) and peer (.3) are in the /31, the client (.4) is not
      hostVars: { [fwd]: { cluster_cidr: CIDR(), firewall_backend: 'firewalld', firewall_boot_unit: false, firewall_allow_esp: true } },
      groups: { firewalled: [fwd], managers: [fwd] },
    });
    await cmd(fwd, START_FIREWALLD);
    // the admin's own entries, runtime and permanent: service http and port 9090
    await cmd(fwd, 'for l in "" --permanent; do firewall-cmd $l --add-service=http && firewall-cmd $l --add-port=9090/tcp || exit 1; done');
    // listeners: 8500 (Consul HTTP, cluster only), 8600 (Consul DNS, reached on 53 by the redirect), 9999 (allowed nowhere), 9090 (the admin's)
    await cmd(fwd, 'for p in 8500 8600 9999 9090; do setsid nc -lk -p $p >/dev/null 2>&1 < /dev/null & done; sleep 0.2');
    expect(await reaches(peer, fwd, 8500)).toBe(false);
  }, 60_000);
  afterAll(async () => lab?.dispose());

  it('check mode first: predicts the rules and changes nothing', async () => {
    const before = await cmd(fwd, 'firewall-cmd --list-all; firewall-cmd --permanent --list-all');
    const run = await rig(['run', PLAYBOOK, '-i', inv, '--check']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(changedTasks(run)).toEqual({ [fwd]: FIRST_RUN });
    expect(result(run).msg).toBe('zone public: 11 runtime + 11 permanent element(s) added');
    expect(await cmd(fwd, 'firewall-cmd --list-all; firewall-cmd --permanent --list-all')).toBe(before);
  });

  it('first run: rich rules from cluster_cidr in the zone of eth0 (public), runtime and permanent, over SSH', async () => {
    const t0 = Date.now();
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    console.log(`firewalld first run: ${Date.now() - t0} ms wall, ${run.report!.durationMs} ms inside rig`);
    expect(changedTasks(run)).toEqual({ [fwd]: FIRST_RUN });
    expect(result(run).msg).toBe('zone public: 11 runtime + 11 permanent element(s) added');
    for (const layer of ['', '--permanent']) {
      const rich = await cmd(fwd, `firewall-cmd ${layer} --zone=public --list-rich-rules`);
      expect(rich).toContain(`rule family="ipv4" source address="${CIDR()}" port port="2377" protocol="tcp" accept`);
      expect(rich).toContain(`rule family="ipv4" source address="${CIDR()}" port port="8301-8302" protocol="udp" accept`);
      expect(rich).toContain(`rule family="ipv4" source address="${CIDR()}" protocol value="esp" accept`);
      expect(rich.trim().split('\n')).toHaveLength(11);
    }
  });

  it('cluster ports from cluster_cidr only, SSH from anywhere, other ports rejected', async () => {
    expect(await reaches(peer, fwd, 8500)).toBe(true);
    expect(await reaches(client, fwd, 8500)).toBe(false);
    expect(await reaches(client, fwd, 9999)).toBe(false);
    expect(await reaches(peer, fwd, 9999)).toBe(false);
    expect(await reaches(client, fwd, 22)).toBe(true);
  });

  it("DNS to the node's address on 53 reaches Consul's 8600 (rig's own nft table beside firewalld's), from the cluster only", async () => {
    expect(await reaches(peer, fwd, 53)).toBe(true);
    expect(await reaches(client, fwd, 53)).toBe(false);
    expect(await cmd(fwd, 'nft list tables')).toMatch(/table inet firewalld[\s\S]*table inet rig|table inet rig[\s\S]*table inet firewalld/);
  });

  it("the admin's own service and port are kept, runtime and permanent", async () => {
    for (const layer of ['', '--permanent']) {
      expect(await cmd(fwd, `firewall-cmd ${layer} --zone=public --list-services`)).toMatch(/\bhttp\b/);
      expect(await cmd(fwd, `firewall-cmd ${layer} --zone=public --list-services`)).toMatch(/\bssh\b/);
      expect(await cmd(fwd, `firewall-cmd ${layer} --zone=public --list-ports`)).toContain('9090/tcp');
    }
    expect(await reaches(client, fwd, 9090)).toBe(true);
  });

  it('second run over SSH: changed=0', async () => {
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(tasksWithStatus(run, 'changed')).toEqual({});
    console.log(`firewalld no-op re-run: ${run.report!.durationMs} ms inside rig`);
  });

  it('`firewall-cmd --reload` keeps everything (the permanent layer is complete): re-run changed=0', async () => {
    await cmd(fwd, 'firewall-cmd --reload');
    expect(await reaches(peer, fwd, 8500)).toBe(true);
    // firewalld replaces only its own table
    expect(await reaches(peer, fwd, 53)).toBe(true);
    expect(await reaches(client, fwd, 8500)).toBe(false);
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(tasksWithStatus(run, 'changed')).toEqual({});
  });

  it('firewalld restarted (as at boot: permanent configuration only): re-run changed=0', async () => {
    await cmd(fwd, STOP_FIREWALLD);
    await cmd(fwd, START_FIREWALLD);
    expect(await reaches(peer, fwd, 8500)).toBe(true);
    expect(await reaches(client, fwd, 8500)).toBe(false);
    expect(await reaches(peer, fwd, 53)).toBe(true);
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(tasksWithStatus(run, 'changed')).toEqual({});
  });

  it('firewalld stopped: check mode plans against its permanent configuration (nothing to add); a run fails, naming the host', async () => {
    await cmd(fwd, STOP_FIREWALLD);
    try {
      const check = await rig(['run', PLAYBOOK, '-i', inv, '--check']);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(tasksWithStatus(check, 'changed')).toEqual({});
      expect(result(check).msg).toBe('firewalld not running yet: planned against its permanent configuration; nothing to add');
      const run = await rig(['run', PLAYBOOK, '-i', inv]);
      expect(run.code).not.toBe(0);
      expect(result(run).msg).toMatch(new RegExp(`^host ${fwd}: firewalld is not running: install and start it`));
    } finally {
      await cmd(fwd, START_FIREWALLD);
    }
    expect(tasksWithStatus(await rig(['run', PLAYBOOK, '-i', inv]), 'changed')).toEqual({});
  });

  it('runtime drift (a rule removed by hand, runtime only): check mode predicts exactly the runtime re-add, the run does it', async () => {
    await cmd(fwd, `firewall-cmd --zone=public --remove-rich-rule='rule family="ipv4" source address="${CIDR()}" port port="8500" protocol="tcp" accept'`);
    expect(await reaches(peer, fwd, 8500)).toBe(false);
    const check = await rig(['run', PLAYBOOK, '-i', inv, '--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(result(check).msg).toBe('zone public: 1 runtime element(s) added');
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(changedTasks(run)).toEqual(changedTasks(check));
    expect(result(run).msg).toBe(result(check).msg);
    expect(await reaches(peer, fwd, 8500)).toBe(true);
    expect(tasksWithStatus(await rig(['run', PLAYBOOK, '-i', inv]), 'changed')).toEqual({});
  });

  it('zone target ACCEPT set by hand: back to default (after the permanent rules), reloaded, SSH still up', async () => {
    await cmd(fwd, 'firewall-cmd --permanent --zone=public --set-target=ACCEPT && firewall-cmd --reload');
    expect(await reaches(client, fwd, 9999)).toBe(true);
    const run = await rig(['run', PLAYBOOK, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(result(run).msg).toBe('target default, reloaded');
    expect(await reaches(client, fwd, 9999)).toBe(false);
    expect(await reaches(peer, fwd, 8500)).toBe(true);
    expect(await reaches(client, fwd, 22)).toBe(true);
    expect(tasksWithStatus(await rig(['run', PLAYBOOK, '-i', inv]), 'changed')).toEqual({});
  });
});

// when it cannot run, the reason shows up in the report as a skipped test (never as a passed one)
if (reason !== undefined) it.skip(`SKIPPED firewalld backend: ${reason}`, () => {});
