/** firewall: SSH first, swarm and Consul ports from the cluster CIDR only, default-deny inbound, persisted across reboots. */
import { apt, assert, copy, defineRole, directory, port, systemd, z, type TaskContext } from '../../src/index.ts';
import { clusterAddress, requireIpv4ClusterCidr } from '../lib/cluster.ts';
import { ipCidr, ipv4Cidr } from '../lib/vars.ts';
import { FIREWALL_BACKENDS, type AllowRule } from './library/firewall.ts';
import { firewallBackend, firewalldFirewall, iptablesFirewall, nftRuleset, ufwFirewall } from './library/tasks.ts';

/** Firewall variables and their defaults. */
export interface FirewallVars {
  firewall_manage: boolean;
  firewall_backend: string;
  firewall_input_policy: 'drop' | 'accept';
  firewall_ssh_port: number;
  firewall_allow_esp: boolean;
  firewall_consul: boolean;
  firewall_docker_dns: boolean;
  /** iptables backend: also manage ip6tables (SSH and container DNS only; cluster sources are IPv4). */
  firewall_ipv6: boolean;
  /** iptables backend: sources allowed to reach published container ports (DOCKER-USER); null = not managed. */
  firewall_docker_published_from: string[] | null;
  /** Install and enable the boot unit (off only where there is no systemd, e.g. the integration harness). */
  firewall_boot_unit: boolean;
  /** firewalld backend: the zone that gets the rules; null = the zone of the cluster interface, else the default zone. */
  firewall_firewalld_zone: string | null;
  [k: string]: unknown;
}

/** The allow rules of a host: SSH from anywhere first, then swarm (2377 on managers only) and Consul from cluster_cidr. */
export function clusterRules(v: Pick<FirewallVars, 'firewall_ssh_port' | 'firewall_consul' | 'firewall_allow_esp' | 'firewall_docker_dns'> & { cluster_cidr: string }, isManager: boolean): AllowRule[] {
  const from = [v.cluster_cidr];
  const tcp = [...(isManager ? [2377] : []), 7946, ...(v.firewall_consul ? [8300, [8301, 8302] as const, 8500, 8600] : [])];
  const udp = [4789, 7946, ...(v.firewall_consul ? [[8301, 8302] as const, 8600] : [])];
  return [
    { proto: 'tcp', ports: [v.firewall_ssh_port], from: 'any', comment: 'ssh' },
    { proto: 'tcp', ports: tcp, from, comment: 'swarm + consul' },
    { proto: 'udp', ports: udp, from, comment: 'swarm + consul' },
    ...(v.firewall_allow_esp ? [{ proto: 'esp', from, comment: 'encrypted overlay' } as const] : []),
    ...(v.firewall_consul && v.firewall_docker_dns ? [{ proto: 'udp', ports: [8600], from: 'any', iifnames: ['docker0', 'docker_gwbridge'], comment: 'container dns' } as const, { proto: 'tcp', ports: [8600], from: 'any', iifnames: ['docker0', 'docker_gwbridge'], comment: 'container dns' } as const] : []),
  ];
}

/** The message refusing to install firewalld where SSH is not on 22: Debian starts it at install with only ssh (22) open. */
export const firewalldInstallCutsSsh = (host: string, port: number): string =>
  `host ${host}: firewalld is not installed and SSH is on port ${port} (variable firewall_ssh_port): Debian starts firewalld at install with only port 22 open in zone public, which would cut this SSH session; install firewalld with ${port}/tcp allowed first (firewall-offline-cmd --add-port=${port}/tcp), or use another firewall_backend`;

const chosen = (ctx: TaskContext<unknown>): string | undefined => ctx.result(backendTask).output?.backend;
const backendTask = firewallBackend((ctx) => ({ preferred: String(ctx.vars.firewall_backend ?? 'auto') }), { name: 'firewall backend' });

/** The firewall role. */
export default defineRole({
  name: 'firewall',
  defaults: {
    firewall_manage: true,
    firewall_backend: 'auto',
    firewall_input_policy: 'drop' as 'drop' | 'accept',
    firewall_ssh_port: 22,
    firewall_allow_esp: false,
    firewall_consul: true,
    firewall_docker_dns: true,
    firewall_ipv6: true,
    firewall_docker_published_from: null as string[] | null,
    firewall_boot_unit: true,
    firewall_firewalld_zone: null as string | null,
  },
  vars: {
    firewall_backend: z.enum(FIREWALL_BACKENDS),
    firewall_input_policy: z.enum(['drop', 'accept']),
    firewall_ssh_port: port,
    firewall_docker_published_from: z.array(ipv4Cidr).nullable(),
    firewall_firewalld_zone: z
      .string()
      .regex(/^[A-Za-z0-9_+-]{1,17}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a firewalld zone name (1-17 letters, digits, _+-)` })
      .nullable(),
    // either family, so firewall_manage: false works with an IPv6 network; the rules refuse IPv6 (requireIpv4ClusterCidr)
    cluster_cidr: ipCidr,
  },
  tasks: ({ vars }) => {
    const on = (b: string) => (ctx: TaskContext<unknown>) => vars(ctx).firewall_manage && chosen(ctx) === b;
    // the rules' sources are IPv4: an IPv6 cluster_cidr stops the run at preflight, naming cluster_cidr and what to do
    const v = (ctx: TaskContext<unknown>) => (requireIpv4ClusterCidr(ctx, 'firewall'), vars(ctx) as unknown as FirewallVars & { cluster_cidr: string });
    const rules = (ctx: TaskContext<unknown>) => clusterRules(v(ctx), ctx.host.groups.includes('managers'));
    const boot = (b: string) => (ctx: TaskContext<unknown>) => on(b)(ctx) && v(ctx).firewall_boot_unit;
    const ipv6 = (ctx: TaskContext<unknown>) => on('iptables')(ctx) && v(ctx).firewall_ipv6;
    // container DNS (daemon.json dns = the node address) to Consul's 8600, on every backend
    const dnsTo = (ctx: TaskContext<unknown>) => ({ addresses: [clusterAddress(ctx).address], toPort: 8600 });
    const dnsRedirect = (ctx: TaskContext<unknown>) => (v(ctx).firewall_consul && v(ctx).firewall_docker_dns ? { dnsRedirect: dnsTo(ctx) } : {});
    // firewalld: the redirect lives in rig's own nft table, beside firewalld's (it has no per-destination redirect
    // outside the ingress zone, and that zone is Docker's)
    const fwdDns = (ctx: TaskContext<unknown>) => on('firewalld')(ctx) && v(ctx).firewall_consul && v(ctx).firewall_docker_dns;
    return [
      backendTask,
      assert((ctx) => ({ that: false, msg: `host ${ctx.host.name}: firewall_docker_published_from is applied by the iptables backend only (chosen: ${chosen(ctx)}); set firewall_backend: iptables or unset it` }), {
        name: 'DOCKER-USER needs the iptables backend',
        when: (ctx) => vars(ctx).firewall_manage && chosen(ctx) !== 'iptables' && v(ctx).firewall_docker_published_from != null,
      }),
      apt({ name: 'nftables' }, { name: 'nftables installed', when: (ctx) => on('nftables')(ctx) || fwdDns(ctx) }),
      directory({ path: '/etc/rig', mode: '0755' }, { name: 'rig config dir', when: (ctx) => on('nftables')(ctx) || on('iptables')(ctx) || fwdDns(ctx) }),
      nftRuleset(
        (ctx) => ({ rules: rules(ctx), inputPolicy: v(ctx).firewall_input_policy, ...dnsRedirect(ctx) }),
        { name: 'cluster firewall rules', when: on('nftables') },
      ),
      copy({ src: 'rig-firewall.service', dest: '/etc/systemd/system/rig-firewall.service', mode: '0644' }, { name: 'firewall boot unit', when: boot('nftables') }),
      systemd({ name: 'rig-firewall.service', enabled: true, daemonReload: true }, { name: 'firewall loaded at boot', when: boot('nftables') }),

      // iptables: rig's own chains, jumped to first; Docker's chains are never flushed
      apt({ name: 'iptables' }, { name: 'iptables installed', when: on('iptables') }),
      iptablesFirewall(
        (ctx) => {
          const from = v(ctx).firewall_docker_published_from;
          return { family: 'ipv4' as const, rules: rules(ctx), inputPolicy: v(ctx).firewall_input_policy, ...(from != null ? { dockerPublishedFrom: from } : {}), ...dnsRedirect(ctx) };
        },
        { name: 'cluster firewall chains (iptables)', when: on('iptables') },
      ),
      iptablesFirewall((ctx) => ({ family: 'ipv6' as const, rules: rules(ctx), inputPolicy: v(ctx).firewall_input_policy }), { name: 'cluster firewall chains (ip6tables)', when: ipv6 }),
      copy({ src: 'rig-iptables@.service', dest: '/etc/systemd/system/rig-iptables@.service', mode: '0644' }, { name: 'iptables boot unit', when: boot('iptables') }),
      systemd({ name: 'rig-iptables@iptables.service', enabled: true, daemonReload: true }, { name: 'iptables chains loaded at boot', when: boot('iptables') }),
      systemd({ name: 'rig-iptables@ip6tables.service', enabled: true, daemonReload: true }, { name: 'ip6tables chains loaded at boot', when: (ctx) => ipv6(ctx) && v(ctx).firewall_boot_unit }),

      // ufw: only the missing rules, SSH first and before `ufw --force enable`; ufw restores its rules at boot itself
      apt({ name: 'ufw' }, { name: 'ufw installed', when: on('ufw') }),
      ufwFirewall((ctx) => ({ rules: rules(ctx), inputPolicy: v(ctx).firewall_input_policy, ...dnsRedirect(ctx) }), { name: 'cluster firewall rules (ufw)', when: on('ufw') }),

      // firewalld: ports and rich rules in the cluster interface's zone, runtime then permanent, SSH first; Docker's own
      // `docker` zone (target ACCEPT, its bridges) admits container DNS, so the iifname rules are left to it
      assert((ctx) => ({ that: false, msg: firewalldInstallCutsSsh(ctx.host.name, v(ctx).firewall_ssh_port) }), {
        name: 'firewalld install keeps SSH',
        when: (ctx) => on('firewalld')(ctx) && ctx.result(backendTask).output?.installed === false && v(ctx).firewall_ssh_port !== 22,
      }),
      apt({ name: 'firewalld' }, { name: 'firewalld installed', when: on('firewalld') }),
      systemd({ name: 'firewalld', state: 'started', enabled: true }, { name: 'firewalld running', when: boot('firewalld') }),
      firewalldFirewall(
        (ctx) => {
          const zone = v(ctx).firewall_firewalld_zone;
          return {
            rules: rules(ctx).filter((r) => !r.iifnames?.length),
            inputPolicy: v(ctx).firewall_input_policy,
            ...(zone ? { zone } : { interface: clusterAddress(ctx).interface }),
          };
        },
        { name: 'cluster firewall rules (firewalld)', when: on('firewalld') },
      ),
      // input policy accept: this table filters nothing (firewalld's does); a packet must pass every table's input hook
      // firewalld accepts every redirected connection (`ct status dnat accept`), so only containers and the cluster are redirected
      nftRuleset(
        (ctx) => ({
          rules: [],
          inputPolicy: 'accept' as const,
          dnsRedirect: { ...dnsTo(ctx), only: [{ iifnames: ['docker0', 'docker_gwbridge'] }, { from: [v(ctx).cluster_cidr] }] },
        }),
        { name: 'container DNS redirect (firewalld)', when: fwdDns },
      ),
      copy({ src: 'rig-firewall.service', dest: '/etc/systemd/system/rig-firewall.service', mode: '0644' }, { name: 'DNS redirect boot unit', when: (ctx) => fwdDns(ctx) && v(ctx).firewall_boot_unit }),
      systemd({ name: 'rig-firewall.service', enabled: true, daemonReload: true }, { name: 'DNS redirect loaded at boot', when: (ctx) => fwdDns(ctx) && v(ctx).firewall_boot_unit }),
    ];
  },
});
