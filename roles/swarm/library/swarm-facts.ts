/** Swarm facts: `docker info` Swarm section, node labels, join tokens. */
import { sh, type Fact } from '../../../src/index.ts';

/** A node's swarm membership as `docker info --format '{{json .Swarm}}'` reports it. */
export interface SwarmInfo {
  /** The docker CLI exists. */
  readonly dockerInstalled: boolean;
  /** The daemon answered (LocalNodeState is empty when it did not). */
  readonly daemonUp: boolean;
  /** 'inactive' | 'pending' | 'active' | 'error' | 'locked' ('' when the daemon is down). */
  readonly state: string;
  readonly nodeId: string;
  readonly nodeAddr: string;
  /** This node is a manager that can answer control requests. */
  readonly controlAvailable: boolean;
  /** Only managers see the cluster ID. */
  readonly clusterId?: string;
  readonly remoteManagers: readonly { readonly nodeId: string; readonly addr: string }[];
  readonly error: string;
}

const NO_DOCKER = '__rig_no_docker__';

/** How long `swarmInfo` waits for a node to leave the transient 'pending' state (reconnecting after a reboot). */
export const SWARM_PENDING_WAIT_SEC = 120;

interface RawSwarm {
  NodeID?: string;
  NodeAddr?: string;
  LocalNodeState?: string;
  ControlAvailable?: boolean;
  Error?: string;
  RemoteManagers?: { NodeID?: string; Addr?: string }[] | null;
  Cluster?: { ID?: string } | null;
}

/** The Swarm section of `docker info`; a missing CLI or a stopped daemon are values, not errors. */
export const swarmInfo: Fact<SwarmInfo, void> = {
  name: 'swarm.info',
  waits: () => ({ what: "the swarm node to leave state 'pending' (reconnecting to its managers)", limitSec: SWARM_PENDING_WAIT_SEC }),
  // 'pending' is what a node reports while it reconnects to its managers, e.g. right after the nodes rebooted (the
  // managers may come up after it): wait it out, so a re-run after a reboot sees the settled state, not a failure
  command: () =>
    'if command -v docker >/dev/null 2>&1; then rig_i=0; ' +
    `while rig_o=$(docker info --format '{{json .Swarm}}' 2>/dev/null); case $rig_o in *'"LocalNodeState":"pending"'*) [ $rig_i -lt ${SWARM_PENDING_WAIT_SEC} ];; *) false;; esac; do rig_i=$((rig_i + 1)); sleep 1; done; ` +
    `printf '%s\\n' "$rig_o"; else echo ${NO_DOCKER}; fi`,
  parse(out) {
    const text = out.stdout.trim();
    const empty = { daemonUp: false, state: '', nodeId: '', nodeAddr: '', controlAvailable: false, remoteManagers: [], error: '' };
    if (text === NO_DOCKER) return { dockerInstalled: false, ...empty };
    if (text === '') return { dockerInstalled: true, ...empty };
    let raw: RawSwarm;
    try {
      raw = JSON.parse(text) as RawSwarm;
    } catch {
      throw new Error(`docker info: unexpected output ${JSON.stringify(text.slice(0, 200))}`);
    }
    const state = raw.LocalNodeState ?? '';
    return {
      dockerInstalled: true,
      daemonUp: state !== '',
      state,
      nodeId: raw.NodeID ?? '',
      nodeAddr: raw.NodeAddr ?? '',
      controlAvailable: raw.ControlAvailable === true,
      ...(raw.Cluster?.ID ? { clusterId: raw.Cluster.ID } : {}),
      remoteManagers: (raw.RemoteManagers ?? []).map((m) => ({ nodeId: m.NodeID ?? '', addr: m.Addr ?? '' })),
      error: raw.Error ?? '',
    };
  },
};

/** A node's labels (run on a manager); undefined when the manager does not know the node. */
export const swarmNodeLabels: Fact<Readonly<Record<string, string>> | undefined, string> = {
  name: 'swarm.nodeLabels',
  command: (node) => sh`docker node inspect ${node} --format '{{json .Spec.Labels}}' 2>&1 || true`.text,
  parse(out, node) {
    const text = out.stdout.trim();
    if (/not found/i.test(text)) return undefined;
    try {
      return (JSON.parse(text) ?? {}) as Record<string, string>;
    } catch {
      throw new Error(`docker node inspect ${node}: ${text.slice(0, 300)}`);
    }
  },
};

/** A join token (run on a manager). */
export const swarmJoinToken: Fact<string, 'worker' | 'manager'> = {
  name: 'swarm.joinToken',
  command: (role) => sh`docker swarm join-token -q ${role}`.text,
  parse(out, role) {
    const t = out.stdout.trim();
    if (out.code !== 0 || !/^SWMTKN-1-/.test(t)) throw new Error(`docker swarm join-token ${role}: ${out.stderr.trim() || t || `exit ${out.code}`}`);
    return t;
  },
};
