/** Consul: the agent's JSON config from typed options, and the gossip key decision (reuse, never rotate silently). */
import { absPath, defineModule, port, read, schemaProblems, strict, z, type Plan, type Reads, type ReadonlyDeep } from '../../../src/index.ts';
import { consulExistingConfig, isGossipKey, type ConsulExistingConfig } from './consul-facts.ts';

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);
const addr = z.union([z.ipv4(), z.ipv6()], { error: (iss) => `${show(iss.input)} is not an IPv4 or IPv6 address` });
const gossipKey = (what: string) =>
  // never echoed in a message: the key is a secret
  z.string({ error: `${what} must be a string` }).refine(isGossipKey, { error: `${what} is not a 32-byte base64 key (make one with \`consul keygen\`)` });

/** Schema of the typed agent options (the role builds them from its variables; not module args). */
export const consulAgentOptions = strict({
  datacenter: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: (iss) => `consul_datacenter ${show(iss.input)}: letters, digits, - and _ only` }).describe('Datacenter name.'),
  nodeName: z.string().min(1).describe("The node's name in the cluster (its hostname)."),
  dataDir: absPath.describe('Where the agent keeps its state.'),
  server: z.boolean().describe('A server (the managers) or a client agent.'),
  bootstrapExpect: z
    .number({ error: (iss) => `consul_bootstrap_expect must be a positive integer, got ${show(iss.input)}` })
    .int({ error: 'consul_bootstrap_expect must be a positive integer' })
    .min(1, { error: 'consul_bootstrap_expect must be a positive integer' })
    .optional()
    .describe('Servers only: number of servers to wait for before electing a leader; odd.'),
  bindAddr: addr.describe('Private address (picked by CIDR) the agent binds to.'),
  advertiseAddr: addr.describe('Address other agents reach this one on.'),
  clientAddrs: z.array(addr).optional().describe("Addresses the HTTP/DNS listeners use; the private address lets containers query DNS. Default ['127.0.0.1', bindAddr]."),
  retryJoin: z.array(z.string().min(1)).describe('Server addresses to join.'),
  encrypt: gossipKey('the gossip key').describe('Gossip encryption key (consul keygen).'),
  recursors: z.array(z.string().min(1)).optional().describe('Upstream DNS for non-.consul names (containers use Consul as their only resolver).'),
  dnsPort: port.optional().describe('DNS port. Default 8600.'),
  ui: z.boolean().optional().describe('Serve the web UI.'),
}).describe('Consul agent options.');
/** Typed agent options. */
export type ConsulAgentOptions = ReadonlyDeep<z.infer<typeof consulAgentOptions>>;

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

/** Problems of agent options, naming the inventory variables: the schema's, then the checks across options. */
export function consulOptionProblems(o: ConsulAgentOptions): string[] {
  const shape = schemaProblems(consulAgentOptions, o);
  if (shape.length) return shape;
  const p: string[] = [];
  if (o.server && o.bootstrapExpect === undefined) p.push('consul_bootstrap_expect must be a positive integer on servers');
  if (o.server && (o.bootstrapExpect ?? 1) % 2 === 0) p.push(`consul_bootstrap_expect is ${o.bootstrapExpect}: use an odd number of servers`);
  if (o.retryJoin.length === 0) p.push('retry_join is empty: no Consul server in the inventory');
  return p;
}

/** Args schema of consulGossipKey (the inputs of the gossip key decision). */
export const consulKeyArgs = strict({
  existing: z
    .record(z.string(), z.string().optional(), { error: 'expected a mapping of host names to the key found in their config (undefined: none)' })
    .describe("Key found in each host's existing config (undefined: none)."),
  provided: gossipKey('consul_encrypt_key').optional().describe('consul_encrypt_key from the inventory, if set.'),
  generated: gossipKey('the generated key').describe('A fresh key (random, made by the caller) used only when nobody has one.'),
}).describe('Decide the Consul gossip key once: reuse the cluster\'s, else the inventory\'s, else the generated one; never rotate silently.');
/** Inputs of the gossip key decision. */
export type ConsulKeyArgs = ReadonlyDeep<z.infer<typeof consulKeyArgs>>;

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
  args: consulKeyArgs,
  readOnly: true,
  probe: (): Reads<Record<string, never>> => ({}),
  plan: (a): Plan<ConsulKeyOutput> => {
    const d = decideGossipKey(a);
    return 'error' in d ? { changes: [], failed: d.error } : { changes: [], output: { key: d.key }, msg: `gossip key: ${d.source}` };
  },
});

/** Args schema of consulExistingKey. */
export const consulExistingKeyArgs = strict({ path: absPath.describe("The agent's JSON config, e.g. /etc/consul.d/consul.json.") }).describe(
  "Read the gossip key in this host's existing Consul config (read-only; mark the task noLog).",
);
/** Arguments of consulExistingKey. */
export type ConsulExistingKeyArgs = z.infer<typeof consulExistingKeyArgs>;

/** Read the key in this host's existing config (read-only; mark noLog). */
export const consulExistingKeyModule = defineModule<ConsulExistingKeyArgs, { cfg: ConsulExistingConfig }, ConsulExistingConfig>({
  name: 'consulExistingKey',
  args: consulExistingKeyArgs,
  readOnly: true,
  probe: (a): Reads<{ cfg: ConsulExistingConfig }> => ({ cfg: read(consulExistingConfig, a.path) }),
  plan: (_a, s) => ({ changes: [], output: s.cfg, msg: s.cfg.encrypt ? 'has a gossip key' : 'no gossip key yet' }),
});
