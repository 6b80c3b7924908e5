// What the cluster exists for, proven on the converged lab (issue 16): overlay traffic between tasks on different nodes
// (plain VXLAN and encrypted ESP, through rig's firewall), Consul DNS from containers through the `dns` the docker role
// writes, and memory limits enforced. No registry: the container image is Debian's busybox-static, `docker import`ed on
// every node.
import { sh } from '../../src/core/quote.ts';
import type { Lab } from './lab-harness.ts';

/** The image every proof runs: a busybox-static rootfs, imported on each node. */
export const IMAGE = 'rig-e2e/busybox:2';
/** The overlay networks and the global services on them (one task per node). */
export const OVERLAYS = [
  { network: 'rig-e2e-plain', service: 'rig-e2e-web', encrypted: false },
  { network: 'rig-e2e-esp', service: 'rig-e2e-web-esp', encrypted: true },
] as const;
/** A service the test registers in Consul (on the last node) and resolves from every node's containers. */
export const CONSUL_SERVICE = 'rig-e2e-svc';

const APPLETS = ['sh', 'httpd', 'nc', 'printf', 'tail', 'nslookup', 'cat', 'hostname', 'awk', 'sleep', 'mkdir'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` until it returns a value `ok` accepts, or return the last value after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 240_000): Promise<T> {
  const t0 = Date.now();
  let v = await probe();
  while (!ok(v) && Date.now() - t0 < timeoutMs) {
    await sleep(3000);
    v = await probe();
  }
  return v;
}

/** `docker import` the busybox-static rootfs as IMAGE on every host that lacks it (survives reboots: it is in /var/lib/docker). */
export async function importImage(lab: Lab, hosts: readonly string[]): Promise<void> {
  const links = APPLETS.map((a) => `ln -s busybox "$d/bin/${a}"`).join(' && ');
  const script = `sudo docker image inspect ${IMAGE} >/dev/null 2>&1 && exit 0
d=$(mktemp -d) && mkdir -p "$d/bin" "$d/etc" "$d/www" "$d/tmp" && cp /bin/busybox "$d/bin/busybox" && ${links} &&
sudo tar -C "$d" -c . | sudo docker import - ${IMAGE} >/dev/null && rm -rf "$d"`;
  await Promise.all(hosts.map((h) => lab.must(h, script)));
}

/** Create the overlay networks (one encrypted) and a global web service on each, from the manager; idempotent. */
export async function ensureServices(lab: Lab, manager: string): Promise<void> {
  for (const o of OVERLAYS) {
    const create = o.encrypted
      ? sh`sudo docker network create --driver overlay --attachable --opt encrypted ${o.network}`
      : sh`sudo docker network create --driver overlay --attachable ${o.network}`;
    await lab.must(manager, sh`sudo docker network inspect ${o.network} >/dev/null 2>&1 || ${create}`);
    // each task serves its node's name; --no-resolve-image: the image is local on every node, there is no registry
    const serve = 'hostname > /www/index.html && exec httpd -f -p 80 -h /www';
    await lab.must(
      manager,
      sh`sudo docker service inspect ${o.service} >/dev/null 2>&1 || sudo docker service create --detach --quiet --name ${o.service} --mode global --network ${o.network} --hostname ${'{{.Node.Hostname}}'} --no-resolve-image ${IMAGE} sh -c ${serve}`,
    );
  }
}

/**
 * The id of `service`'s running task container on `host`, or '' while it has none. After a reboot or a failed task
 * swarm starts a new task while the old container may still be listed: docker ps lists the newest first.
 */
async function localTask(lab: Lab, host: string, service: string): Promise<string> {
  const r = await lab.run(host, sh`sudo docker ps -q --filter ${`label=com.docker.swarm.service.name=${service}`} --filter status=running`);
  return r.stdout.trim().split('\n')[0] ?? '';
}

/** What to look at when a proof fails on `host`: the service's tasks, the node's containers and dockerd's last words. */
export async function diagnostics(lab: Lab, manager: string, host: string, service: string): Promise<string> {
  const parts = await Promise.all([
    lab.run(manager, sh`sudo docker service ps --no-trunc --format ${'{{.Node}} {{.CurrentState}} {{.DesiredState}} {{.Error}}'} ${service}`),
    lab.run(host, sh`sudo docker ps -a --filter ${`label=com.docker.swarm.service.name=${service}`} --format ${'{{.ID}} {{.Status}}'}`),
    lab.run(host, 'sudo journalctl -u docker --no-pager -n 25 -o cat'),
  ]);
  return [`tasks of ${service}:`, `containers on ${host}:`, `dockerd on ${host}:`].map((t, i) => `${t}\n${(parts[i]!.stdout + parts[i]!.stderr).trim()}`).join('\n');
}

/**
 * From `service`'s task on `host`: resolve `tasks.<service>` with Docker's embedded DNS and fetch every task's page over
 * the overlay. Returns the sorted node names that answered (a task on another node answers only through VXLAN).
 */
export async function reachedFrom(lab: Lab, host: string, service: string): Promise<string[]> {
  const id = await localTask(lab, host, service);
  if (!id) return [];
  // HTTP/1.0 over nc, not wget: Debian 12's busybox-static (1.35) wget segfaults in a rootfs without glibc's NSS libraries
  const fetchAll = `for a in $(nslookup tasks.${service} 2>/dev/null | awk '/^Name:/{n=1} n && /^Address/{print $2}'); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 "$a" 80 | tail -n 1; done`;
  const r = await lab.run(host, sh`sudo docker exec ${id} sh -c ${fetchAll}`, { timeoutMs: 120_000 });
  return [...new Set(r.stdout.split('\n').map((l) => l.trim()).filter(Boolean))].sort();
}

/** Register CONSUL_SERVICE at `address` through the local agent's HTTP API on `host` (idempotent: PUT replaces it). */
export async function registerConsulService(lab: Lab, host: string, address: string): Promise<void> {
  const body = JSON.stringify({ Name: CONSUL_SERVICE, Address: address, Port: 80 });
  await lab.must(host, sh`curl -sSf -X PUT --data ${body} http://127.0.0.1:8500/v1/agent/service/register`);
}

/** Parse busybox nslookup's answer section: the addresses after the first `Name:` line, sorted. */
export function answers(out: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Name:'));
  if (start < 0) return [];
  return lines.slice(start).flatMap((l) => /^Address(?: \d+)?:\s*([0-9.]+)\s*$/.exec(l)?.[1] ?? []).sort();
}

/** Resolve `name` from a throwaway container on `host`'s default bridge: its resolv.conf is the daemon.json `dns`. */
export async function resolveOnBridge(lab: Lab, host: string, name: string): Promise<string[]> {
  const r = await lab.run(host, sh`sudo docker run --rm ${IMAGE} nslookup ${name}`, { timeoutMs: 120_000 });
  return answers(r.stdout);
}

/** Resolve `name` from `service`'s task on `host`: Docker's embedded DNS (127.0.0.11) forwards to the daemon.json `dns`. */
export async function resolveInTask(lab: Lab, host: string, service: string, name: string): Promise<string[]> {
  const id = await localTask(lab, host, service);
  if (!id) return [];
  const r = await lab.run(host, sh`sudo docker exec ${id} nslookup ${name}`, { timeoutMs: 60_000 });
  return answers(r.stdout);
}

/** What memory accounting looks like on `host`: docker info's flags and warnings, and a `-m 64m` container's cgroup limits. */
export async function memoryLimits(lab: Lab, host: string): Promise<{ memoryLimit: string; swapLimit: string; warnings: string[]; memoryMax: string; swapMax: string }> {
  const info = (await lab.must(host, "sudo docker info --format '{{.MemoryLimit}} {{.SwapLimit}} {{json .Warnings}}'")).trim();
  const [memoryLimit = '', swapLimit = '', ...rest] = info.split(' ');
  const warnings = (JSON.parse(rest.join(' ') || 'null') as string[] | null) ?? [];
  const out = await lab.must(host, sh`sudo docker run --rm -m 64m ${IMAGE} sh -c ${'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory.swap.max'}`);
  const [memoryMax = '', swapMax = ''] = out.trim().split('\n');
  return { memoryLimit, swapLimit, warnings, memoryMax, swapMax };
}
