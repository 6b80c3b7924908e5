/** Swarm: the cluster-wide decision (who inits, who is live, who is foreign) and init / join / labels / tokens modules. */
import { defineModule, read, sh, strict, z, type Plan, type Reads, type ReadonlyDeep } from '../../../src/index.ts';
import { SWARM_PENDING_WAIT_SEC, swarmInfo, swarmJoinToken, swarmNodeLabels, type SwarmInfo } from './swarm-facts.ts';

/** One inventory node as the swarm decision sees it. */
export interface SwarmNode {
  readonly name: string;
  readonly role: 'manager' | 'worker';
  /** Its address inside the cluster CIDR (advertise address). */
  readonly addr: string;
  /** Probed state; undefined when not known (check mode before docker exists). */
  readonly info?: SwarmInfo;
  /** `addr` is only a placeholder (host not in this run, e.g. --limit): foreign membership cannot be told. */
  readonly addrUnknown?: boolean;
}

/** What the cluster should do. */
export interface SwarmDecision {
  /** Host to run `docker swarm init` on (no inventory manager is in a swarm). */
  readonly initOn?: string;
  /** A manager already able to answer (tokens, labels); after init, the init host. */
  readonly liveManager?: string;
  /** Managers' advertise addresses as join targets (addr:2377). */
  readonly joinAddrs: readonly string[];
  /** Bad input or foreign membership: each names the host. */
  readonly errors: readonly string[];
}

const unsettled = (info: SwarmInfo): string =>
  `swarm state is ${info.state}${info.error ? `: ${info.error}` : ''}` +
  (info.state === 'pending' ? ` after waiting ${SWARM_PENDING_WAIT_SEC} s: check that the managers are up and reachable on 2377/tcp` : '; fix it by hand first');

const hostOf = (addr: string): string => addr.replace(/:\d+$/, '');

/** Pure: from every node's swarm state decide init host, live manager and foreign members. */
export function decideSwarm(nodes: readonly SwarmNode[]): SwarmDecision {
  const errors: string[] = [];
  const managers = nodes.filter((n) => n.role === 'manager');
  if (managers.length === 0) errors.push('no host in group managers: a swarm needs at least one manager');
  else if (managers.length % 2 === 0) errors.push(`group managers has ${managers.length} hosts: use an odd number (1, 3, 5) so Raft keeps a quorum`);
  const ours = new Set(managers.map((m) => m.addr));
  const active = managers.filter((m) => m.info?.state === 'active' && m.info.controlAvailable);
  const clusters = new Set(active.map((m) => m.info?.clusterId ?? ''));
  if (clusters.size > 1) {
    errors.push(`managers are in different swarms: ${active.map((m) => `${m.name} in ${m.info?.clusterId}`).join(', ')}; join them by hand or leave one`);
  }
  // a member whose managers are none of ours belongs to another swarm: an error, never a silent rejoin
  // (only decidable when every manager's address is known)
  for (const n of managers.some((m) => m.addrUnknown) ? [] : nodes) {
    if (n.info?.state !== 'active') continue;
    const remotes = n.info.remoteManagers.map((r) => hostOf(r.addr));
    if (remotes.length && !remotes.some((r) => ours.has(r))) {
      errors.push(`${n.name} is in a different swarm (managers ${remotes.join(', ')}, not in group managers): run 'docker swarm leave' on it if that is intended`);
    }
  }
  const joinAddrs = managers.map((m) => `${m.addr}:2377`);
  if (active.length > 0) return { liveManager: active[0]!.name, joinAddrs, errors };
  const first = managers[0];
  return first ? { initOn: first.name, liveManager: first.name, joinAddrs, errors } : { joinAddrs, errors };
}

/** Args schema of swarmStatus and swarmTokens: none. */
export const noArgs = strict({}).describe('No arguments.');
/** Arguments of swarmStatus (read-only; registers the node's SwarmInfo). */
export type SwarmStatusArgs = z.infer<typeof noArgs>;

/** Read the node's swarm state and register it for the cluster decision. */
export const swarmStatusModule = defineModule<SwarmStatusArgs, { info: SwarmInfo }, SwarmInfo>({
  name: 'swarmStatus',
  args: noArgs.describe("Register the node's swarm state (docker info) for the cluster decision. No args."),
  readOnly: true,
  probe: (): Reads<{ info: SwarmInfo }> => ({ info: read(swarmInfo, undefined) }),
  plan: (_a, s) => ({ changes: [], output: s.info, msg: s.info.state || (s.info.dockerInstalled ? 'daemon down' : 'docker not installed') }),
});

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** The address other nodes reach this one on: an IPv4 address or an interface name (IPv6 would need [brackets]). */
const advertiseAddr = z
  .string({ error: (iss) => `expected the node's IPv4 address or an interface name, got ${show(iss.input)}` })
  .refine((a) => z.ipv4().safeParse(a).success || /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/.test(a), {
    error: (iss) => `${show(iss.input)} is not an IPv4 address or an interface name like eth1`,
  })
  .describe("Address other nodes reach this one on (--advertise-addr; also --listen-addr <addr>:2377): an IPv4 address or an interface name.");

/** Args schema of swarmInit. */
export const swarmInitArgs = strict({
  advertiseAddr,
  defaultAddrPool: z
    .array(z.cidrv4({ error: (iss) => `${show(iss.input)} is not an IPv4 network like 10.128.0.0/12` }))
    .optional()
    .describe("Networks overlay subnets are taken from (--default-addr-pool), e.g. ['10.128.0.0/12']. Default: docker's 10.0.0.0/8."),
  defaultAddrPoolMaskLength: z
    .number({ error: (iss) => `expected a mask length (a whole number 1-32), got ${show(iss.input)}` })
    .int({ error: 'a mask length is a whole number' })
    .min(1, { error: (iss) => `a mask length is 1-32, got ${String(iss.input)}` })
    .max(32, { error: (iss) => `a mask length is 1-32, got ${String(iss.input)}` })
    .optional()
    .describe('Prefix length of each overlay subnet taken from the pool (--default-addr-pool-mask-length). Default: 24.'),
}).describe('Create the swarm on this node (docker swarm init) unless it is in one.');
/** Arguments of swarmInit. */
export type SwarmInitArgs = ReadonlyDeep<z.infer<typeof swarmInitArgs>>;

/** Plan of swarmInit (exported for tests). */
export function planSwarmInit(a: SwarmInitArgs, info: SwarmInfo): Plan<undefined> {
  if (info.state === 'active') return { changes: [], msg: `already in swarm ${info.clusterId ?? ''}`.trim() };
  if (info.dockerInstalled && info.daemonUp && info.state !== 'inactive') return { changes: [], failed: unsettled(info) };
  const pool = (a.defaultAddrPool ?? []).flatMap((p) => ['--default-addr-pool', p]);
  const mask = a.defaultAddrPoolMaskLength !== undefined ? ['--default-addr-pool-mask-length', String(a.defaultAddrPoolMaskLength)] : [];
  const argv = ['docker', 'swarm', 'init', '--advertise-addr', a.advertiseAddr, '--listen-addr', `${a.advertiseAddr}:2377`, ...pool, ...mask];
  return { changes: [{ kind: 'exec', command: sh`${argv}`.text, description: `docker swarm init --advertise-addr ${a.advertiseAddr}` }] };
}

/** Create the swarm on this node unless it is in one. */
export const swarmInitModule = defineModule<SwarmInitArgs, { info: SwarmInfo }, undefined>({
  name: 'swarmInit',
  args: swarmInitArgs,
  probe: (): Reads<{ info: SwarmInfo }> => ({ info: read(swarmInfo, undefined) }),
  plan: (a, s) => planSwarmInit(a, s.info),
});

/** Join tokens read on a live manager (delegateTo it). */
export interface SwarmTokens {
  readonly worker: string;
  readonly manager: string;
}

/** Read both join tokens (read-only; mark the task noLog). */
export const swarmTokensModule = defineModule<SwarmStatusArgs, SwarmTokens, SwarmTokens>({
  name: 'swarmTokens',
  args: noArgs.describe('Register both join tokens, read on a manager (read-only; mark the task noLog). No args.'),
  readOnly: true,
  probe: (): Reads<SwarmTokens> => ({ worker: read(swarmJoinToken, 'worker', { volatile: true }), manager: read(swarmJoinToken, 'manager', { volatile: true }) }),
  plan: (_a, s) => ({ changes: [], output: s, msg: 'tokens read' }),
});

/** Args schema of swarmJoin. */
export const swarmJoinArgs = strict({
  role: z.enum(['manager', 'worker']).describe('Join as a manager or a worker.'),
  // never echoed in a message: the token is a secret
  token: z
    .string({ error: 'expected the join token as a string' })
    .regex(/^SWMTKN-1-[A-Za-z0-9-]+$/, { error: "not a swarm join token (SWMTKN-1-...): pass the token swarmTokens read for this role" })
    .optional()
    .describe("Join token for `role` (read with swarmTokens; sent on stdin, never on a command line). Unset only in check mode before the swarm exists."),
  joinAddrs: z
    .array(
      z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9_.-]*)(:\d{1,5})?$/, { error: (iss) => `${show(iss.input)} is not a manager address like 10.0.0.11:2377` }),
    )
    .min(1, { error: 'no manager to join: list the managers as addr:2377' })
    .describe('Managers to contact, addr:2377 (the first three are tried).'),
  advertiseAddr,
}).describe('Join the swarm as a manager or worker unless already a member; membership of another swarm is an error.');
/** Arguments of swarmJoin. */
export type SwarmJoinArgs = ReadonlyDeep<z.infer<typeof swarmJoinArgs>>;

/** Plan of swarmJoin (exported for tests). */
export function planSwarmJoin(a: SwarmJoinArgs, info: SwarmInfo): Plan<undefined> {
  const ours = new Set(a.joinAddrs.map(hostOf));
  if (info.state === 'active') {
    const remotes = info.remoteManagers.map((r) => hostOf(r.addr));
    // already a member of this swarm?
    if (remotes.some((r) => ours.has(r)) || ours.has(hostOf(info.nodeAddr))) return { changes: [], msg: `member (${info.controlAvailable ? 'manager' : 'worker'})` };
    return { changes: [], failed: `in a different swarm (managers ${remotes.join(', ')}); leave it by hand ('docker swarm leave') if intended` };
  }
  if (info.dockerInstalled && info.daemonUp && info.state !== 'inactive') return { changes: [], failed: unsettled(info) };
  if (!a.token) return { changes: [], failed: 'no join token: no live manager answered' };
  // the token travels on stdin, never in a command line
  const argv = ['--advertise-addr', a.advertiseAddr, '--listen-addr', `${a.advertiseAddr}:2377`, ...a.joinAddrs.slice(0, 3)];
  return {
    changes: [{ kind: 'exec', command: `docker swarm join --token "$(cat)" ${sh`${argv}`.text}`, stdin: a.token, description: `docker swarm join as ${a.role} via ${a.joinAddrs[0] ?? '?'}` }],
  };
}

/** Join the swarm as manager or worker unless already a member; a foreign swarm is an error. */
export const swarmJoinModule = defineModule<SwarmJoinArgs, { info: SwarmInfo }, undefined>({
  name: 'swarmJoin',
  args: swarmJoinArgs,
  probe: (): Reads<{ info: SwarmInfo }> => ({ info: read(swarmInfo, undefined) }),
  plan: (a, s) => planSwarmJoin(a, s.info),
});

/** Args schema of swarmNodeLabels (delegateTo a manager). */
export const swarmNodeLabelsArgs = strict({
  node: z
    .string({ error: (iss) => `expected a node hostname or ID, got ${show(iss.input)}` })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: (iss) => `${show(iss.input)} is not a node hostname or ID` })
    .describe('Node hostname or ID as the manager knows it.'),
  labels: z
    .record(
      z.string().regex(/^[A-Za-z0-9._/-]+$/),
      z.union([z.string(), z.number().refine(Number.isFinite), z.boolean()], {
        error: (iss) => `a label value is a string, number or boolean, got ${show(iss.input)}`,
      }),
      { error: (iss) => (iss.code === 'invalid_key' ? `${show(iss.input)} is not a label name (letters, digits and ._/-)` : `expected a mapping of label names to values, got ${show(iss.input)}`) },
    )
    .describe('Labels to add or replace (docker node update --label-add); labels not listed are kept.'),
}).describe('Node labels from the inventory, set on a manager (docker node update --label-add); others are kept.');
/** Arguments of swarmNodeLabels. */
export type SwarmNodeLabelsArgs = ReadonlyDeep<z.infer<typeof swarmNodeLabelsArgs>>;

/** Plan of swarmNodeLabels: add/replace differing labels, never remove others. */
export function planNodeLabels(a: SwarmNodeLabelsArgs, have: Readonly<Record<string, string>> | undefined): Plan<undefined> {
  if (have === undefined) return { changes: [], failed: `the manager does not know node ${a.node}` };
  const add = Object.entries(a.labels).filter(([k, v]) => have[k] !== String(v)).map(([k, v]) => `${k}=${String(v)}`).sort();
  if (add.length === 0) return { changes: [] };
  const argv = ['docker', 'node', 'update', ...add.flatMap((l) => ['--label-add', l]), a.node];
  return { changes: [{ kind: 'exec', command: sh`${argv}`.text, description: `label ${a.node}: ${add.join(' ')}` }] };
}

/** Node labels from the inventory (`docker node update --label-add`), run on a manager. */
export const swarmNodeLabelsModule = defineModule<SwarmNodeLabelsArgs, { labels: Readonly<Record<string, string>> | undefined }, undefined>({
  name: 'swarmNodeLabels',
  args: swarmNodeLabelsArgs,
  probe: (a): Reads<{ labels: Readonly<Record<string, string>> | undefined }> => ({ labels: read(swarmNodeLabels, a.node) }),
  plan: (a, s) => planNodeLabels(a, s.labels),
});
