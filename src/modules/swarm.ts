/** Swarm: the cluster-wide decision (who inits, who is live, who is foreign) and init / join / labels / tokens modules. */
import { read } from '../core/fact.ts';
import { defineModule, type Plan, type Reads } from '../core/module.ts';
import { sh } from '../core/quote.ts';
import { SWARM_PENDING_WAIT_SEC, swarmInfo, swarmJoinToken, swarmNodeLabels, type SwarmInfo } from '../facts/swarm.ts';

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

/** Arguments of swarmStatus (read-only; registers the node's SwarmInfo). */
export type SwarmStatusArgs = Record<string, never>;

/** Read the node's swarm state and register it for the cluster decision. */
export const swarmStatusModule = defineModule<SwarmStatusArgs, { info: SwarmInfo }, SwarmInfo>({
  name: 'swarmStatus',
  readOnly: true,
  probe: (): Reads<{ info: SwarmInfo }> => ({ info: read(swarmInfo, undefined) }),
  plan: (_a, s) => ({ changes: [], output: s.info, msg: s.info.state || (s.info.dockerInstalled ? 'daemon down' : 'docker not installed') }),
});

/** Arguments of swarmInit. */
export interface SwarmInitArgs {
  readonly advertiseAddr: string;
  /** e.g. ['10.128.0.0/12'] */
  readonly defaultAddrPool?: readonly string[];
  readonly defaultAddrPoolMaskLength?: number;
}

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
  validate: (a) => (typeof a.advertiseAddr === 'string' && a.advertiseAddr ? [] : ['swarmInit: advertiseAddr is required']),
  probe: (): Reads<{ info: SwarmInfo }> => ({ info: read(swarmInfo, undefined) }),
  plan: (a, s) => planSwarmInit(a, s.info),
});

/** Join tokens read on a live manager (delegateTo it). */
export interface SwarmTokens {
  readonly worker: string;
  readonly manager: string;
}

/** Read both join tokens (read-only; mark the task noLog). */
export const swarmTokensModule = defineModule<Record<string, never>, SwarmTokens, SwarmTokens>({
  name: 'swarmTokens',
  readOnly: true,
  probe: (): Reads<SwarmTokens> => ({ worker: read(swarmJoinToken, 'worker', { volatile: true }), manager: read(swarmJoinToken, 'manager', { volatile: true }) }),
  plan: (_a, s) => ({ changes: [], output: s, msg: 'tokens read' }),
});

/** Arguments of swarmJoin. */
export interface SwarmJoinArgs {
  readonly role: 'manager' | 'worker';
  /** Token for `role`; undefined only in check mode before the swarm exists. */
  readonly token?: string;
  /** Managers to contact, addr:2377. */
  readonly joinAddrs: readonly string[];
  readonly advertiseAddr: string;
}

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
  validate: (a) => {
    const p: string[] = [];
    if (a.role !== 'manager' && a.role !== 'worker') p.push(`swarmJoin: role must be manager or worker, got ${JSON.stringify(a.role)}`);
    if (!a.joinAddrs?.length) p.push('swarmJoin: joinAddrs is empty');
    if (!a.advertiseAddr) p.push('swarmJoin: advertiseAddr is required');
    return p;
  },
  probe: (): Reads<{ info: SwarmInfo }> => ({ info: read(swarmInfo, undefined) }),
  plan: (a, s) => planSwarmJoin(a, s.info),
});

/** Arguments of swarmNodeLabels (delegateTo a manager). */
export interface SwarmNodeLabelsArgs {
  /** Node hostname or ID as the manager knows it. */
  readonly node: string;
  readonly labels: Readonly<Record<string, string | number | boolean>>;
}

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
  validate: (a) => Object.keys(a.labels ?? {}).filter((k) => !/^[A-Za-z0-9._/-]+$/.test(k)).map((k) => `swarmNodeLabels: bad label key ${JSON.stringify(k)}`),
  probe: (a): Reads<{ labels: Readonly<Record<string, string>> | undefined }> => ({ labels: read(swarmNodeLabels, a.node) }),
  plan: (a, s) => planNodeLabels(a, s.labels),
});
