/** Consul: the agent's JSON config from typed options, and the gossip key decision (reuse, never rotate silently). */
import { read } from '../core/fact.ts';
import { defineModule, type Plan, type Reads } from '../core/module.ts';
import { consulExistingConfig, isGossipKey, type ConsulExistingConfig } from '../facts/consul.ts';

/** Typed agent options. */
export interface ConsulAgentOptions {
  readonly datacenter: string;
  readonly nodeName: string;
  readonly dataDir: string;
  readonly server: boolean;
  /** Servers only: number of servers to wait for. */
  readonly bootstrapExpect?: number;
  /** Private address (picked by CIDR). */
  readonly bindAddr: string;
  readonly advertiseAddr: string;
  /** Addresses the HTTP/DNS listeners use; the private address lets containers query DNS. @default ['127.0.0.1', bindAddr] */
  readonly clientAddrs?: readonly string[];
  readonly retryJoin: readonly string[];
  readonly encrypt: string;
  /** Upstream DNS for non-.consul names (containers use Consul as their only resolver). */
  readonly recursors?: readonly string[];
  /** @default 8600 */
  readonly dnsPort?: number;
  readonly ui?: boolean;
}

/** The agent config object (written as canonical JSON). */
export function consulAgentConfig(o: ConsulAgentOptions): Record<string, unknown> {
  return {
    datacenter: o.datacenter,
    node_name: o.nodeName,
    data_dir: o.dataDir,
    server: o.server,
    ...(o.server && o.bootstrapExpect !== undefined ? { bootstrap_expect: o.bootstrapExpect } : {}),
    bind_addr: o.bindAddr,
    advertise_addr: o.advertiseAddr,
    client_addr: [...(o.clientAddrs ?? ['127.0.0.1', o.bindAddr])].join(' '),
    retry_join: [...o.retryJoin],
    encrypt: o.encrypt,
    ...(o.recursors?.length ? { recursors: [...o.recursors] } : {}),
    ports: { dns: o.dnsPort ?? 8600 },
    ...(o.ui !== undefined ? { ui_config: { enabled: o.ui } } : {}),
    leave_on_terminate: !o.server,
    rejoin_after_leave: true,
  };
}

/** Problems of agent options, naming the inventory variables. */
export function consulOptionProblems(o: ConsulAgentOptions): string[] {
  const p: string[] = [];
  if (!/^[a-z0-9_-]+$/i.test(o.datacenter)) p.push(`consul_datacenter ${JSON.stringify(o.datacenter)}: letters, digits, - and _ only`);
  if (o.server && !(Number.isInteger(o.bootstrapExpect) && (o.bootstrapExpect ?? 0) >= 1)) p.push('consul_bootstrap_expect must be a positive integer on servers');
  if (o.server && (o.bootstrapExpect ?? 0) % 2 === 0) p.push(`consul_bootstrap_expect is ${o.bootstrapExpect}: use an odd number of servers`);
  if (o.retryJoin.length === 0) p.push('retry_join is empty: no Consul server in the inventory');
  return p;
}

/** Inputs of the gossip key decision. */
export interface ConsulKeyArgs {
  /** Key found in each host's existing config (undefined: none). */
  readonly existing: Readonly<Record<string, string | undefined>>;
  /** consul_encrypt_key from the inventory, if set. */
  readonly provided?: string;
  /** A fresh key (random, made by the caller) used only when nobody has one. */
  readonly generated: string;
}

/** Pure: reuse the cluster's key; an inventory key must equal it (changing it is an explicit action); else the new one. */
export function decideGossipKey(a: ConsulKeyArgs): { key: string; source: 'existing' | 'inventory' | 'generated' } | { error: string } {
  const found = Object.entries(a.existing).filter((e): e is [string, string] => typeof e[1] === 'string');
  const keys = new Set(found.map(([, k]) => k));
  if (keys.size > 1) return { error: `hosts have different Consul gossip keys (${found.map(([h]) => h).join(', ')}): set consul_encrypt_key to the right one and rotate by hand (consul keyring)` };
  if (a.provided !== undefined && !isGossipKey(a.provided)) return { error: 'consul_encrypt_key is not a 32-byte base64 key (make one with `consul keygen`)' };
  const current = [...keys][0];
  if (current !== undefined) {
    if (a.provided !== undefined && a.provided !== current) {
      return { error: 'consul_encrypt_key differs from the key the agents use: rotation is an explicit action (consul keyring -install/-use/-remove), rig does not rotate silently' };
    }
    return { key: current, source: 'existing' };
  }
  if (a.provided !== undefined) return { key: a.provided, source: 'inventory' };
  return { key: a.generated, source: 'generated' };
}

/** Output of consulGossipKey. */
export interface ConsulKeyOutput {
  readonly key: string;
}

/** Decide the gossip key once (runOnce): reuse, inventory, or generated. Read-only; mark noLog. */
export const consulGossipKeyModule = defineModule<ConsulKeyArgs, Record<string, never>, ConsulKeyOutput>({
  name: 'consulGossipKey',
  readOnly: true,
  probe: (): Reads<Record<string, never>> => ({}),
  plan: (a): Plan<ConsulKeyOutput> => {
    const d = decideGossipKey(a);
    return 'error' in d ? { changes: [], failed: d.error } : { changes: [], output: { key: d.key }, msg: `gossip key: ${d.source}` };
  },
});

/** Read the key in this host's existing config (read-only; mark noLog). */
export const consulExistingKeyModule = defineModule<{ readonly path: string }, { cfg: ConsulExistingConfig }, ConsulExistingConfig>({
  name: 'consulExistingKey',
  readOnly: true,
  probe: (a): Reads<{ cfg: ConsulExistingConfig }> => ({ cfg: read(consulExistingConfig, a.path) }),
  plan: (_a, s) => ({ changes: [], output: s.cfg, msg: s.cfg.encrypt ? 'has a gossip key' : 'no gossip key yet' }),
});
