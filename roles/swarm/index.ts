/** swarm: init on the first manager when no manager is in a swarm, managers join one at a time, then workers; labels. */
import { assert, defineRole, z, type Task, type TaskContext } from '../../src/index.ts';
import { decideSwarm, type SwarmDecision, type SwarmNode } from './library/swarm.ts';
import type { SwarmInfo } from './library/swarm-facts.ts';
import { swarmInit, swarmJoin, swarmNodeLabels, swarmStatus, swarmTokens } from './library/tasks.ts';
import { clusterAddress, clusterAddressOf, requireIpv4ClusterCidr } from '../lib/cluster.ts';
import { knownOutput } from '../lib/results.ts';
import { ipv4Cidr } from '../lib/vars.ts';

const status = swarmStatus({}, { name: 'swarm state' });

/** The cluster decision from every inventory node's swarm state as registered by `statusTask` (pure given the context). */
export function swarmDecision(ctx: TaskContext<unknown>, statusTask: Task<SwarmInfo> = status): SwarmDecision {
  const managers = ctx.groupHosts('managers');
  const nodes: SwarmNode[] = ctx.groupHosts('all')
    .filter((h) => managers.includes(h) || ctx.groupHosts('workers').includes(h))
    .map((h) => {
      const info = knownOutput(ctx, statusTask, h);
      const addr = clusterAddressOf(ctx, h);
      return { name: h, role: managers.includes(h) ? 'manager' : 'worker', addr: addr ?? h, ...(addr ? {} : { addrUnknown: true }), ...(info ? { info } : {}) };
    });
  return decideSwarm(nodes);
}

/** The address this node advertises: IPv4 only for now (an IPv6 cluster_cidr is refused naming it, at preflight). */
const swarmAddress = (ctx: TaskContext<unknown>): string => (requireIpv4ClusterCidr(ctx, 'swarm'), clusterAddress(ctx).address);

const isManager = (ctx: TaskContext<unknown>): boolean => ctx.groupHosts('managers').includes(ctx.host.name);
const labelsOf = (ctx: TaskContext<unknown>): Record<string, string> => {
  const l = ctx.vars.swarm_node_labels;
  return l && typeof l === 'object' ? Object.fromEntries(Object.entries(l as Record<string, unknown>).map(([k, v]) => [k, String(v)])) : {};
};
const live = (ctx: TaskContext<unknown>): string => swarmDecision(ctx).liveManager ?? ctx.host.name;

/** Some node of this run is not yet in a swarm (read from the registered states): only then are tokens needed. */
const someoneJoins = (ctx: TaskContext<unknown>): boolean =>
  [...ctx.groupHosts('managers'), ...ctx.groupHosts('workers')].some((h) => {
    const r = ctx.resultOf(status, h);
    // not in this run, or (check mode) only predicted: no one known to join
    return r !== undefined && !r.predicted && r.output?.state !== 'active';
  });

const tokens = swarmTokens({}, { name: 'join tokens', runOnce: true, delegateTo: live, noLog: true, when: someoneJoins });

const earlyStatus = swarmStatus({}, { name: 'swarm state (before any change)' });

/**
 * For the playbook's first play: a node in a different swarm, or managers in different swarms, stop the run before
 * anything is changed (the role checks again at init time, against the state after the earlier roles).
 */
export const swarmPreflight: readonly Task[] = [
  earlyStatus,
  assert(
    (ctx) => {
      const errors = swarmDecision(ctx, earlyStatus).errors;
      return { that: errors.length === 0, msg: errors.join('; ') };
    },
    { name: 'no node in a foreign swarm', when: (ctx) => ctx.vars.swarm_manage !== false },
  ),
];

/** The swarm role. */
export default defineRole({
  name: 'swarm',
  defaults: { swarm_manage: true, swarm_node_labels: {} as Readonly<Record<string, string>> },
  vars: {
    swarm_node_labels: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]), { error: 'expected a mapping of label names to values' }),
    swarm_default_addr_pool: ipv4Cidr.optional(),
    swarm_default_addr_pool_mask_length: z.number().int().min(8).max(30).optional(),
  },
  tasks: () => [
    status,
    swarmInit(
      (ctx) => ({
        advertiseAddr: swarmAddress(ctx),
        ...(typeof ctx.vars.swarm_default_addr_pool === 'string' ? { defaultAddrPool: [ctx.vars.swarm_default_addr_pool] } : {}),
        ...(typeof ctx.vars.swarm_default_addr_pool_mask_length === 'number' ? { defaultAddrPoolMaskLength: ctx.vars.swarm_default_addr_pool_mask_length } : {}),
      }),
      {
        name: 'swarm init (first manager)',
        when: (ctx) => {
          const d = swarmDecision(ctx);
          if (d.errors.length) throw new Error(d.errors.join('; '));
          return d.initOn === ctx.host.name;
        },
      },
    ),
    tokens,
    swarmJoin(
      (ctx) => ({ role: 'manager' as const, token: ctx.result(tokens).output?.manager, joinAddrs: swarmDecision(ctx).joinAddrs, advertiseAddr: swarmAddress(ctx) }),
      { name: 'join managers (one at a time)', serial: 1, when: (ctx) => isManager(ctx) && swarmDecision(ctx).initOn !== ctx.host.name },
    ),
    swarmJoin(
      (ctx) => ({ role: 'worker' as const, token: ctx.result(tokens).output?.worker, joinAddrs: swarmDecision(ctx).joinAddrs, advertiseAddr: swarmAddress(ctx) }),
      { name: 'join workers', when: (ctx) => !isManager(ctx) },
    ),
    swarmNodeLabels((ctx) => ({ node: ctx.facts.hostname, labels: labelsOf(ctx) }), {
      name: 'node labels',
      delegateTo: live,
      when: (ctx) => Object.keys(labelsOf(ctx)).length > 0,
    }),
  ],
});
