/** Shared cluster input checks and lookups for the cluster roles (thrown ValidationErrors are collected at preflight). */
import { ValidationError, type TaskContext } from '../../src/index.ts';
import { parseCidr, pickCidrAddress, type CidrAddress } from './cidr.ts';

type Problem = { where: string; message: string; hint?: string };

/** The host's address inside cluster_cidr (named in errors). */
export function clusterAddress(ctx: TaskContext<unknown>): CidrAddress {
  return pickCidrAddress(ctx.host.name, ctx.facts.interfaces, ctx.vars.cluster_cidr, 'cluster_cidr');
}

/**
 * Another host's cluster address: from its facts (this run's, or cached by an earlier run when --limit leaves it out),
 * else its `cluster_address` variable, else undefined.
 */
export function clusterAddressOf(ctx: TaskContext<unknown>, host: string): string | undefined {
  const f = ctx.factsOf(host);
  if (f) return pickCidrAddress(host, f.interfaces, ctx.hostvars(host).cluster_cidr, 'cluster_cidr').address;
  const v = ctx.hostvars(host).cluster_address;
  return typeof v === 'string' && v ? v : undefined;
}

/** The roles that cannot use an IPv6 cluster_cidr yet: why, and what to do instead. */
const IPV4_ONLY = {
  firewall: {
    manage: 'firewall_manage',
    why: 'the firewall role writes IPv4 rules only (its nftables, iptables, ufw and firewalld sources and the DNS redirect are IPv4)',
    todo: "use the nodes' IPv4 private network, or set firewall_manage: false and allow 2377/tcp (managers), 7946/tcp+udp, 4789/udp and Consul's ports from the cluster network yourself",
  },
  swarm: {
    manage: 'swarm_manage',
    why: "the swarm role advertises and joins on IPv4 addresses only (rig's swarmInit/swarmJoin take an IPv4 address or an interface name)",
    todo: "use the nodes' IPv4 private network, or set swarm_manage: false and form the swarm yourself",
  },
} as const;

/** Role params that set `firewall_manage` / `swarm_manage` where the roles run (they win over ctx.vars). */
export type ManagedParams = { readonly [K in (typeof IPV4_ONLY)[keyof typeof IPV4_ONLY]['manage']]?: unknown };

/** Why an IPv6 cluster_cidr cannot be used by the roles managed on this host (each names cluster_cidr and what to do). */
export function clusterCidrFamilyProblems(ctx: TaskContext<unknown>, roles: readonly (keyof typeof IPV4_ONLY)[] = ['firewall', 'swarm'], params: ManagedParams = {}): Problem[] {
  const cidr = parseCidr(ctx.vars.cluster_cidr);
  if (cidr?.family !== 'ipv6') return [];
  const managed = (name: keyof ManagedParams): boolean => (name in params ? params[name] : ctx.vars[name]) !== false;
  return roles
    .filter((r) => managed(IPV4_ONLY[r].manage))
    .map((r) => ({ where: ctx.host.name, message: `variable 'cluster_cidr' = ${JSON.stringify(cidr.text)} is an IPv6 network: ${IPV4_ONLY[r].why}`, hint: IPV4_ONLY[r].todo }));
}

/** The cluster_cidr of a role that needs it IPv4 (a ValidationError naming cluster_cidr and what to do otherwise). */
export function requireIpv4ClusterCidr(ctx: TaskContext<unknown>, role: keyof typeof IPV4_ONLY): void {
  const problems = clusterCidrFamilyProblems(ctx, [role]);
  if (problems.length) throw new ValidationError(problems);
}

/** `address` as a host in host:port (an IPv6 address in brackets, as Consul's retry_join and swarm's addr:port want). */
export const hostForPort = (address: string): string => (address.includes(':') ? `[${address}]` : address);

/** Inventory managers (group `managers`) in inventory order. */
export const managersOf = (ctx: TaskContext<unknown>): readonly string[] => ctx.groupHosts('managers');

/**
 * Every check of the cluster's input that needs no host state: throws one ValidationError naming host and variable.
 * Used as the first task's args so the runner's preflight stops the run before anything changes. `params`: the role
 * params of the play that runs the roles (clusterPlaybook's), which the input play's own vars do not hold.
 */
export function checkClusterInput(ctx: TaskContext<unknown>, params: ManagedParams = {}): true {
  const problems: Problem[] = [];
  const h = ctx.host.name;
  if (!parseCidr(ctx.vars.cluster_cidr)) {
    problems.push({ where: h, message: `variable 'cluster_cidr' = ${JSON.stringify(ctx.vars.cluster_cidr)} is not a network like 10.77.0.0/24 (or fd00:77::/64)`, hint: 'set cluster_cidr in group_vars/all.yml to the private network the nodes share (host bits zero)' });
  } else {
    problems.push(...clusterCidrFamilyProblems(ctx, ['firewall', 'swarm'], params));
    try {
      clusterAddress(ctx);
    } catch (e) {
      if (e instanceof ValidationError) problems.push(...e.problems.map((p) => ({ where: h, message: p.message, ...(p.hint ? { hint: p.hint } : {}) })));
      else throw e;
    }
  }
  const managers = managersOf(ctx);
  const both = ctx.groupHosts('workers').filter((w) => managers.includes(w));
  if (both.length) problems.push({ where: h, message: `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} in both 'managers' and 'workers'`, hint: 'a swarm node is a manager or a worker: list each host in one of the two groups' });
  if (managers.length === 0) problems.push({ where: h, message: "group 'managers' is empty: the swarm needs at least one manager" });
  else if (managers.length % 2 === 0) problems.push({ where: h, message: `group 'managers' has ${managers.length} hosts (${managers.join(', ')}): use an odd number so Raft keeps a quorum` });
  if (problems.length) throw new ValidationError(problems);
  return true;
}

/** Like clusterAddressOf, but an unknown address is an error naming the host and what to do (never a guessed name). */
export function requireClusterAddressOf(ctx: TaskContext<unknown>, host: string, role: string): string {
  const a = clusterAddressOf(ctx, host);
  if (a) return a;
  throw new ValidationError({
    where: ctx.host.name,
    message: `the cluster address of ${role} ${host} is unknown: it is not in this run (--limit) and rig has no cached facts for it`,
    hint: `run once without --limit, or set cluster_address for ${host} in the inventory`,
  });
}
