// The flagship on real VMs (issue 4): the cluster playbook against a pristine 3-VM lab (lab1 manager, lab2/lab3 workers),
// run as a user runs it (issue 15): rig packed, installed into a project made by its `rig init`, whose
// playbooks/cluster.ts imports the roles from the installed `rig/roles`.
// The steps depend on each other (check → converge → no-op → reboot → check → drift), so they run in order in one suite.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../src/core/quote.ts';
import { rig, type CliRun } from '../integration/engine/cli.ts';
import { labSkipReason, useLab, type Lab } from './lab-harness.ts';
import { watchSsh } from './ssh-watch.ts';
import { CONSUL_SERVICE, OVERLAYS, diagnostics, ensureServices, importImage, memoryLimits, reachedFrom, registerConsulService, resolveInTask, resolveOnBridge, until } from './cluster-proofs.ts';
import { tempDir } from '../support/temp-dir.ts';
import { initProject, packRig, projectRig } from '../support/packed-rig.ts';
import { PRIVATE_CIDR } from '../lab/config.ts';

const skip = labSkipReason();
if (skip) console.warn(`SKIPPED cluster e2e: ${skip}`);
// dev loop only: RIG_E2E_CLUSTER_CONVERGED=1 reuses a lab this suite already converged (no reset, steps 1–2 skipped)
const converged = process.env['RIG_E2E_CLUSTER_CONVERGED'] === '1';
if (converged) console.warn('SKIPPED cluster e2e steps 1-2 and the reset: RIG_E2E_CLUSTER_CONVERGED=1 (reusing a converged lab)');


const HOSTS = ['lab1', 'lab2', 'lab3'] as const;
const TOKENS = ['cgroup_enable=memory', 'swapaccount=1'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** host → sorted "task@file:line" the report marks changed (predicted or real); handlers included. */
function changedSet(run: CliRun): Record<string, string[]> {
  const out: Record<string, string[]> = Object.fromEntries(HOSTS.map((h) => [h, [] as string[]]));
  for (const play of run.report?.plays ?? []) {
    for (const t of play.tasks) {
      for (const [host, r] of Object.entries(t.results)) if (r.status === 'changed') (out[host] ??= []).push(`${t.name}@${t.definedAt}`);
    }
  }
  for (const k of Object.keys(out)) out[k] = [...new Set(out[k])].sort();
  return out;
}

/** host → "task (n)" for every task that spent an exec on that host: where a run's execs beyond the first went. */
function execsBy(run: CliRun): Record<string, string[]> {
  const out: Record<string, string[]> = Object.fromEntries(HOSTS.map((h) => [h, [] as string[]]));
  for (const play of run.report?.plays ?? []) {
    for (const t of play.tasks) for (const [host, r] of Object.entries(t.results)) if (r.execs > 0) (out[host] ??= []).push(`${t.name} (${r.execs})`);
  }
  return out;
}

/** Every result that is not ok/changed/skipped, for failure messages. */
const problems = (run: CliRun): string =>
  (run.report?.plays ?? [])
    .flatMap((p) => p.tasks.flatMap((t) => Object.entries(t.results).filter(([, r]) => !['ok', 'changed', 'skipped'].includes(r.status)).map(([h, r]) => `${h} ${t.name}: ${r.status} ${r.msg ?? ''}`)))
    .join('\n') || run.stderr.slice(-2000) || run.stdout.slice(-2000);

const timings: Record<string, number> = {};

describe.skipIf(skip !== null)('cluster playbook on the VM lab', () => {
  let lab: Lab;
  let inv: string;
  let predicted: Record<string, string[]>;
  let project: string;

  /** The user project's `rig run playbooks/cluster.ts` against the lab (with the test's labels), timed under `label`. */
  const cluster = async (label: string, extra: string[] = []): Promise<CliRun> => {
    const t0 = Date.now();
    const r = await rig(['run', 'playbooks/cluster.ts', '-i', inv, '-T', '60', ...extra], {}, { cwd: project, bin: projectRig(project) });
    timings[label] = (Date.now() - t0) / 1000;
    console.info(`${label}: exit ${r.code} in ${timings[label]!.toFixed(1)} s; recap ${JSON.stringify(r.report?.recap)}`);
    return r;
  };

  /** What check mode must not touch: /etc, docker's and consul's state, the live ruleset, the boot. */
  const snapshot = (h: string): Promise<string> =>
    lab.must(
      h,
      [
        'sudo find /etc -xdev -type f -print0 | sort -z | sudo xargs -0 sha256sum | sha256sum',
        'sudo find /etc -xdev | sort | sha256sum',
        '(sudo docker info --format "{{.Swarm.LocalNodeState}} {{.Swarm.NodeID}}" 2>&1 || true)',
        '(sudo systemctl show -p ActiveEnterTimestamp docker consul 2>&1 || true)',
        '(sudo ls -la /opt/consul /usr/local/bin 2>&1 || true)',
        '(sudo nft -s list ruleset 2>&1 | sha256sum)', // -s: no counters (docker\'s iptables-nft rules count traffic)
        'cat /proc/sys/kernel/random/boot_id',
        'lsmod | sort | sha256sum',
      ].join('; '),
    );
  const bootIds = async (): Promise<Record<string, string>> =>
    Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, (await lab.must(h, 'cat /proc/sys/kernel/random/boot_id')).trim()] as const)));
  const dockerStarted = async (): Promise<Record<string, string>> =>
    Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, (await lab.must(h, 'sudo systemctl show -p ActiveEnterTimestampMonotonic --value docker')).trim()] as const)));
  /** Poll `cmd` on `h` until `ok(stdout)` (slow TCG VMs: swarm and consul settle after boots). */
  const eventually = async (h: string, cmd: string, ok: (out: string) => boolean, timeoutMs = 300_000): Promise<string> => {
    const t0 = Date.now();
    let out = '';
    while (Date.now() - t0 < timeoutMs) {
      const r = await lab.run(h, cmd, { timeoutMs: 60_000 });
      out = r.stdout + r.stderr;
      if (r.code === 0 && ok(r.stdout)) return r.stdout;
      await sleep(3000);
    }
    return out;
  };
  const readyNodes = (out: string): string[] => out.trim().split('\n').filter((l) => / Ready$/.test(l)).sort();
  const aliveMembers = (out: string): number => out.split('\n').filter((l) => /\balive\b/.test(l)).length;


  /** Overlay traffic: from each node's task, every node's task answers over each overlay (plain and encrypted). */
  const proveOverlay = async (label: string): Promise<void> => {
    const t0 = Date.now();
    await importImage(lab, HOSTS);
    await ensureServices(lab, 'lab1');
    for (const o of OVERLAYS) {
      for (const h of HOSTS) {
        const reached = await until(() => reachedFrom(lab, h, o.service), (r) => r.length === HOSTS.length);
        const why = reached.length === HOSTS.length ? '' : `\n${await diagnostics(lab, 'lab1', h, o.service)}`;
        expect(reached, `${label}: ${o.network} from ${h}${why}`).toEqual([...HOSTS]);
      }
    }
    // the encrypted overlay really is ESP: IPsec security associations between the nodes
    for (const h of HOSTS) expect(await lab.must(h, 'sudo ip xfrm state'), `${label}: ${h} has ESP SAs`).toMatch(/proto esp/);
    timings[`${label}: overlay`] = (Date.now() - t0) / 1000;
  };

  /** Consul DNS from containers on every node: the default bridge (daemon.json dns) and an overlay task (embedded DNS). */
  const proveConsulDns = async (label: string): Promise<void> => {
    if (!lab.consul.available) {
      console.warn(`SKIPPED consul DNS from containers (${label}): ${lab.consul.reason}`);
      return;
    }
    const t0 = Date.now();
    const servers = [lab.host('lab1').privateIp];
    await registerConsulService(lab, 'lab3', lab.host('lab3').privateIp);
    for (const h of HOSTS) {
      expect(await until(() => resolveOnBridge(lab, h, 'consul.service.consul'), (a) => a.length > 0), `${label}: ${h} bridge`).toEqual(servers);
      expect(await until(() => resolveOnBridge(lab, h, `${CONSUL_SERVICE}.service.consul`), (a) => a.length > 0), `${label}: ${h} bridge`).toEqual([lab.host('lab3').privateIp]);
      expect(await until(() => resolveInTask(lab, h, OVERLAYS[0].service, 'consul.service.consul'), (a) => a.length > 0), `${label}: ${h} task`).toEqual(servers);
    }
    timings[`${label}: consul dns`] = (Date.now() - t0) / 1000;
  };

  /** Memory accounting: no docker info warning about limits, and a -m 64m container has 64 MiB in its cgroup (swap too). */
  const proveMemoryLimits = async (label: string): Promise<void> => {
    for (const h of HOSTS) {
      const m = await memoryLimits(lab, h);
      expect({ ...m, warnings: m.warnings.filter((w) => /memory|swap|limit/i.test(w)) }, `${label}: ${h}`).toEqual({
        memoryLimit: 'true', swapLimit: 'true', warnings: [], memoryMax: String(64 * 2 ** 20), swapMax: String(64 * 2 ** 20),
      });
    }
  };

  beforeAll(async () => {
    const t0 = Date.now();
    project = await initProject(await packRig());
    console.info(`packed rig installed into ${project} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    lab = await useLab();
    // pristine disks: every step below assumes a fresh Debian with nothing of the cluster on it
    if (!converged && !lab.pristine) await lab.reset();
    if (!converged) await lab.markChanged();
    // the lab's generated inventory plus what the issue asks to see: engine labels and swarm node labels
    inv = tempDir('rig-cluster-inv-');
    mkdirSync(path.join(inv, 'group_vars'));
    mkdirSync(path.join(inv, 'host_vars'));
    writeFileSync(path.join(inv, 'hosts.yml'), readFileSync(path.join(lab.inventoryDir, 'hosts.yml')));
    // the lab inventory already turns off apt-get update (the VMs have no route to a mirror, and lists expiring between
    // the check and the run would make the predicted set depend on the clock)
    // firewall_allow_esp: the encrypted overlay (ESP) is proven below
    writeFileSync(path.join(inv, 'group_vars/all.yml'), `${readFileSync(path.join(lab.inventoryDir, 'group_vars/all.yml'), 'utf8')}firewall_allow_esp: true\n`);
    writeFileSync(path.join(inv, 'group_vars/managers.yml'), 'docker_labels: [instance=manager]\n');
    writeFileSync(path.join(inv, 'group_vars/workers.yml'), 'docker_labels: [instance=java]\nswarm_node_labels:\n  zone: a\n');
    // lab3 runs the firewalld backend (installed disabled in the image: the role starts it without cutting SSH), the
    // others nftables ('auto' on a host no firewall manager guards): the proofs below cross both
    writeFileSync(path.join(inv, 'host_vars/lab3.yml'), 'docker_labels: [instance=db]\nswarm_node_labels:\n  zone: b\n  disk: ssd\nfirewall_backend: firewalld\n');
  });

  // no reset afterwards: a later suite that needs pristine VMs resets them itself (lab.pristine), and the lab this run
  // booted goes down when the run ends
  afterAll(() => {
    console.info(`cluster e2e wall times (s): ${JSON.stringify(timings)}`);
  });

  it.skipIf(converged)('1. --check on the pristine lab changes nothing and predicts changes on every host', async () => {
    // boot finished (dockerd up, its modules loaded): the snapshot must not race the VMs' own start-up
    await Promise.all(HOSTS.map((h) => lab.run(h, 'timeout 600 systemctl is-system-running --wait', { timeoutMs: 660_000 })));
    const before = await Promise.all(HOSTS.map(snapshot));
    const r = await cluster('check (pristine)', ['--check']);
    const after = await Promise.all(HOSTS.map(snapshot));
    expect(r.code, problems(r)).toBe(0);
    predicted = changedSet(r);
    expect(after).toEqual(before);
    for (const h of HOSTS) {
      expect(predicted[h]!.length, h).toBeGreaterThan(0);
      // a pristine lab serves no cluster yet: its hosts reboot together (one boot's time, not three)
      expect(predicted[h]!.filter((t) => t.startsWith('reboot for kernel command line')), h).toEqual([expect.stringMatching(/^reboot for kernel command line \(hosts not serving a cluster yet, together\)@/)]);
    }
    console.info(`predicted: ${JSON.stringify(predicted, null, 1)}`);
  });

  it.skipIf(converged)('2. the real run converges, changing exactly the predicted tasks, with the reboot (fresh hosts: together)', async () => {
    const boots = await bootIds();
    const target = (h: string) => ({ port: lab.host(h).sshPort, user: lab.host(h).user, privateKey: lab.privateKeyFile, knownHosts: lab.knownHostsFile });
    const watch = watchSsh(Object.fromEntries(HOSTS.map((h) => [h, target(h)])));
    const r = await cluster('converge (with reboot)');
    console.info(`first converge execs per host: ${JSON.stringify(Object.fromEntries(HOSTS.map((h) => [h, r.report?.recap[h]?.execs])))}`);
    const after = await bootIds();
    // firewall, docker and consul changes must never cut a live SSH session; only the reboots end them
    expect(watch.stop(after)).toEqual([]);
    expect(r.code, problems(r)).toBe(0);
    expect(changedSet(r)).toEqual(predicted);
    for (const h of HOSTS) {
      expect(after[h], `${h} rebooted`).not.toBe(boots[h]);
      // booted through GRUB (it adds BOOT_IMAGE) with the edited GRUB_CMDLINE_LINUX
      const cmdline = await lab.must(h, 'cat /proc/cmdline');
      expect(cmdline, h).toMatch(/^BOOT_IMAGE=/);
      for (const t of TOKENS) expect(cmdline.split(/\s+/), h).toContain(t);
    }
    const nodes = await eventually('lab1', "sudo docker node ls --format '{{.Hostname}} {{.Status}}'", (o) => readyNodes(o).length === 3);
    expect(readyNodes(nodes)).toEqual(['lab1 Ready', 'lab2 Ready', 'lab3 Ready']);
    expect(JSON.parse(await lab.must('lab1', "sudo docker node inspect lab2 --format '{{json .Spec.Labels}}'"))).toEqual({ zone: 'a' });
    expect(JSON.parse(await lab.must('lab1', "sudo docker node inspect lab3 --format '{{json .Spec.Labels}}'"))).toEqual({ zone: 'b', disk: 'ssd' });
    expect(JSON.parse(await lab.must('lab3', "sudo docker info --format '{{json .Labels}}'"))).toContain('instance=db');
    expect((await lab.must('lab1', "sudo docker info --format '{{.Swarm.NodeAddr}}'")).trim()).toBe(lab.host('lab1').privateIp);
    // lab3 is guarded by firewalld, running and enabled, with the cluster ports from cluster_cidr in the zone of eth1
    expect((await lab.must('lab3', 'sudo firewall-cmd --state')).trim()).toBe('running');
    expect((await lab.run('lab3', 'systemctl is-enabled firewalld')).stdout.trim()).toBe('enabled');
    // an interface bound to no zone is in the default zone (--get-zone-of-interface then says "no zone" and fails)
    const zone = (await lab.must('lab3', 'sudo firewall-cmd --get-zone-of-interface=eth1 || sudo firewall-cmd --get-default-zone')).trim();
    const rules = await lab.must('lab3', sh`sudo firewall-cmd --permanent --zone=${zone} --list-rich-rules`);
    for (const p of ['4789" protocol="udp', '7946" protocol="tcp', '7946" protocol="udp']) expect(rules, `lab3 ${zone}`).toContain(`source address="${PRIVATE_CIDR}" port port="${p}" accept`);
    expect(rules, `lab3 ${zone}`).toContain(`source address="${PRIVATE_CIDR}" protocol value="esp" accept`);
  });

  it('2b. consul members: 3 alive', async () => {
    if (!lab.consul.available) {
      console.warn(`SKIPPED consul members check: ${lab.consul.reason}`);
      return;
    }
    const out = await eventually('lab1', '/usr/local/bin/consul members', (o) => aliveMembers(o) === 3);
    expect(aliveMembers(out), out).toBe(3);
  });

  it('2c. swarm ports reachable VM→VM on the private segment; a port not opened is blocked', async () => {
    const [m, w] = [lab.host('lab1'), lab.host('lab2')];
    // 2377 (managers) and 7946 (every node) are dockerd's own TCP listeners
    await lab.must(w, sh`nc -z -w 5 ${m.privateIp} 2377`);
    await lab.must(m, sh`nc -z -w 5 ${w.privateIp} 7946`);
    // UDP has no handshake: count what rig's input chain let through, in a chain of our own hooked after it
    // (priority filter + 10; a packet rig's chain drops never reaches it), then drop that table again
    const counters = `table inet rig_e2e {
  chain input {
    type filter hook input priority filter + 10; policy accept;
    ip saddr ${m.privateIp} udp sport 40999 udp dport 4789 counter comment "vxlan"
    ip saddr ${m.privateIp} udp sport 40999 udp dport 7946 counter comment "gossip"
    ip saddr ${m.privateIp} tcp dport 9999 counter comment "closed"
  }
}
`;
    await lab.must(w, sh`printf %s ${counters} | sudo nft -f -`);
    try {
      // from a fixed source port, so dockerd's own gossip between the VMs is not counted
      const send = `import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 40999))
for p in (4789, 7946):
    for i in range(5): s.sendto(b'rig-e2e', ('${w.privateIp}', p))`;
      await lab.must(m, sh`python3 -c ${send}`);
      // 9999/tcp is not opened: no connection from the other VM (dropped), though something listens there
      const listen = lab.run(w, sh`sudo timeout 20 python3 -c ${"import socket;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('0.0.0.0',9999));s.listen();c,a=s.accept();print('accepted',a[0])"}`);
      await sleep(4000);
      expect((await lab.run(m, sh`nc -z -w 5 ${w.privateIp} 9999`)).code).not.toBe(0);
      await lab.run(w, 'nc -z -w 5 127.0.0.1 9999');
      expect((await listen).stdout.trim()).toBe('accepted 127.0.0.1');
      const table = await lab.must(w, 'sudo nft list table inet rig_e2e');
      const packets = (c: string): number => Number(new RegExp(`counter packets (\\d+) bytes \\d+ comment "${c}"`).exec(table)?.[1] ?? -1);
      expect(packets('vxlan'), table).toBe(5);
      expect(packets('gossip'), table).toBe(5);
      expect(packets('closed'), table).toBe(0);
    } finally {
      await lab.run(w, 'sudo nft delete table inet rig_e2e');
    }
  });

  it('3. a second run changes nothing: no reboot, no docker restart', async () => {
    const boots = await bootIds();
    const started = await dockerStarted();
    const r = await cluster('no-op re-run');
    expect(r.code, problems(r)).toBe(0);
    expect(changedSet(r)).toEqual({ lab1: [], lab2: [], lab3: [] });
    for (const h of HOSTS) expect(r.report!.recap[h]!.changed, h).toBe(0);
    expect(await bootIds()).toEqual(boots);
    expect(await dockerStarted()).toEqual(started);
    const execs = Object.fromEntries(HOSTS.map((h) => [h, r.report!.recap[h]!.execs]));
    console.info(`no-op re-run execs per host: ${JSON.stringify(execs)}; tasks that spent one: ${JSON.stringify(execsBy(r))}`);
    // issue 18: the decisions (firewall backend, gossip key, live manager) guessed from the last run, the manager's reads
    // for the workers' node labels in its own first exec
    expect(execs).toEqual({ lab1: 1, lab2: 1, lab3: 1 });
  });

  it('4. after all VMs reboot (not through rig) a run changes nothing; swarm and consul come back', async () => {
    const boots = await bootIds();
    await Promise.all(HOSTS.map((h) => lab.run(h, 'sudo systemctl reboot', { timeoutMs: 60_000 })));
    for (const h of HOSTS) {
      const id = await eventually(h, 'cat /proc/sys/kernel/random/boot_id', (o) => o.trim() !== boots[h], 900_000);
      expect(id.trim(), h).not.toBe(boots[h]);
    }
    const r = await cluster('run after reboot');
    expect(r.code, problems(r)).toBe(0);
    expect(changedSet(r)).toEqual({ lab1: [], lab2: [], lab3: [] });
    const nodes = await eventually('lab1', "sudo docker node ls --format '{{.Hostname}} {{.Status}}'", (o) => readyNodes(o).length === 3);
    expect(readyNodes(nodes)).toEqual(['lab1 Ready', 'lab2 Ready', 'lab3 Ready']);
    if (lab.consul.available) {
      const out = await eventually('lab1', '/usr/local/bin/consul members', (o) => aliveMembers(o) === 3);
      expect(aliveMembers(out), out).toBe(3);
    } else console.warn(`SKIPPED consul members after reboot: ${lab.consul.reason}`);
  });

  // What the cluster is for, proven once, on the cluster as users find it after their nodes rebooted (before the reboot
  // the converge, 2b and 2c prove it formed; proving the same again there cost ~450 s of CI's 90 minutes)
  it('4b. after the reboots: overlay traffic crosses nodes (plain VXLAN and encrypted ESP), Consul DNS from containers, memory limits', async () => {
    await proveOverlay('after reboot');
    await proveConsulDns('after reboot');
    await proveMemoryLimits('after reboot');
  });

  it('5. --check on the converged lab predicts no change', async () => {
    const r = await cluster('check (converged)', ['--check']);
    expect(r.code, problems(r)).toBe(0);
    expect(changedSet(r)).toEqual({ lab1: [], lab2: [], lab3: [] });
  });

  it('6. drift in daemon.json on one VM: the next run fixes only that and restarts docker only there', async () => {
    await lab.must('lab2', sh`sudo sed -i ${'s/"max-file": "3"/"max-file": "9"/'} /etc/docker/daemon.json`);
    expect(await lab.must('lab2', 'cat /etc/docker/daemon.json')).toContain('"9"');
    const started = await dockerStarted();
    const r = await cluster('drift run');
    expect(r.code, problems(r)).toBe(0);
    const changed = changedSet(r);
    expect(changed['lab1']).toEqual([]);
    expect(changed['lab3']).toEqual([]);
    expect(changed['lab2']!.map((t) => t.replace(/@.*/, '')).sort()).toEqual(['docker daemon.json', 'restart docker']);
    const after = await dockerStarted();
    expect(after['lab1']).toBe(started['lab1']);
    expect(after['lab3']).toBe(started['lab3']);
    expect(after['lab2']).not.toBe(started['lab2']);
    expect(await lab.must('lab2', 'cat /etc/docker/daemon.json')).toContain('"max-file": "3"');
  });
});
