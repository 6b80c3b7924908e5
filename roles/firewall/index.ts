/** firewall: SSH first, swarm and Consul ports from the cluster CIDR only, default-deny inbound, persisted across reboots. */
import { apt, assert, copy, defineRole, directory, systemd, type TaskContext } from '../../src/index.ts';
import { firewallBackend, nftRuleset } from '../../src/dsl/cluster-modules.ts';
import type { AllowRule } from '../../src/modules/firewall.ts';
import { clusterAddress } from '../lib/cluster.ts';

/** Firewall variables and their defaults. */
export interface FirewallVars {
  firewall_manage: boolean;
  firewall_backend: string;
  firewall_input_policy: 'drop' | 'accept';
  firewall_ssh_port: number;
  firewall_allow_esp: boolean;
  firewall_consul: boolean;
  firewall_docker_dns: boolean;
  [k: string]: unknown;
}

/** The allow rules of a host: SSH from anywhere first, then swarm (2377 on managers only) and Consul from cluster_cidr. */
export function clusterRules(v: FirewallVars & { cluster_cidr: string }, isManager: boolean): AllowRule[] {
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
  },
  tasks: ({ vars }) => {
    const on = (b: string) => (ctx: TaskContext<unknown>) => vars(ctx).firewall_manage && chosen(ctx) === b;
    return [
      backendTask,
      assert((ctx) => ({ that: false, msg: `firewall backend ${chosen(ctx)} is not implemented yet by roles/firewall; set firewall_backend: nftables` }), {
        name: 'backend supported',
        when: (ctx) => vars(ctx).firewall_manage && chosen(ctx) !== undefined && chosen(ctx) !== 'nftables',
      }),
      apt({ name: 'nftables' }, { name: 'nftables installed', when: on('nftables') }),
      directory({ path: '/etc/rig', mode: '0755' }, { name: 'rig config dir', when: on('nftables') }),
      nftRuleset(
        (ctx) => {
          const v = vars(ctx) as unknown as FirewallVars & { cluster_cidr: string };
          const addr = clusterAddress(ctx).address;
          return {
            rules: clusterRules(v, ctx.host.groups.includes('managers')),
            inputPolicy: v.firewall_input_policy,
            ...(v.firewall_consul && v.firewall_docker_dns ? { dnsRedirect: { addresses: [addr], toPort: 8600 } } : {}),
          };
        },
        { name: 'cluster firewall rules', when: on('nftables') },
      ),
      copy({ src: 'rig-firewall.service', dest: '/etc/systemd/system/rig-firewall.service', mode: '0644' }, { name: 'firewall boot unit', when: on('nftables') }),
      systemd({ name: 'rig-firewall.service', enabled: true, daemonReload: true }, { name: 'firewall loaded at boot', when: on('nftables') }),
    ];
  },
});
