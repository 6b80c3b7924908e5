/** Shared cluster input checks and lookups for the cluster roles (thrown ValidationErrors are collected at preflight). */
import { ValidationError, type TaskContext } from '../../src/index.ts';
import { parseCidr, pickCidrAddress, type CidrAddress } from './cidr.ts';

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

/** Inventory managers (group `managers`) in inventory order. */
export const managersOf = (ctx: TaskContext<unknown>): readonly string[] => ctx.groupHosts('managers');

/**
 * Every check of the cluster's input that needs no host state: throws one ValidationError naming host and variable.
 * Used as the first task's args so the runner's preflight stops the run before anything changes.
 */
export function checkClusterInput(ctx: TaskContext<unknown>): true {
  const problems: { where: string; message: string; hint?: string }[] = [];
  const h = ctx.host.name;
  if (!parseCidr(ctx.vars.cluster_cidr)) {
    problems.push({ where: h, message: `variable 'cluster_cidr' = ${JSON.stringify(ctx.vars.cluster_cidr)} is not an IPv4 network like 10.77.0.0/24` });
  } else {
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
