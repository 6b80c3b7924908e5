/** consul: the agent on every node (servers = managers), JSON config with a gossip key generated once and reused. */
import { randomBytes } from 'node:crypto';
import { absPath, canonicalJson, copy, defineHandler, defineRole, directory, flushHandlers, group, nonEmpty, secret, shell, sh, systemd, template, user, waitFor, z, type Task, type TaskContext } from '../../src/index.ts';
import { clusterAddress, hostForPort, requireClusterAddressOf } from '../lib/cluster.ts';
import { consulAgentConfig, type ConsulAgentOptions, type ConsulKeyOutput } from './library/consul.ts';
import { consulExistingKey, consulGossipKey, consulRestart } from './library/tasks.ts';
import { consulBin, consulInstallTasks } from './install.ts';
import { stringList } from '../lib/vars.ts';
import { knownOutput } from '../lib/results.ts';

const CONFIG = '/etc/consul.d/consul.json';

/** Seconds a restarted agent gets to show up alive in `consul members` before the rolling restart stops. */
const ALIVE_TIMEOUT_SEC = 120;

/**
 * Restart the agent one host at a time, each waiting until this node is alive in the cluster again before the next host
 * restarts (servers keep a quorum; a node that cannot rejoin stops the roll instead of taking the next one down too).
 */
export const restartConsul = defineHandler(
  'restart consul',
  consulRestart((ctx) => ({ node: ctx.facts.hostname, consulBin: consulBin(ctx), aliveTimeoutSec: ALIVE_TIMEOUT_SEC }), { serial: 1 }),
);

const servers = (ctx: TaskContext<unknown>): readonly string[] => ctx.groupHosts(String(ctx.vars.consul_servers_group ?? 'managers'));

/** Agent options of a host from its variables and the chosen gossip key. */
export function consulOptions(ctx: TaskContext<unknown>, key: string): ConsulAgentOptions {
  const v = ctx.vars;
  const addr = clusterAddress(ctx).address;
  const srv = servers(ctx);
  const isServer = srv.includes(ctx.host.name);
  // servers' private addresses (facts of this run or cached, or cluster_address); unknown is an error, not a guessed name
  // retry_join takes IPv6 addresses in brackets (Consul's join parameters)
  const retryJoin = Array.isArray(v.consul_retry_join) ? v.consul_retry_join.map(String) : srv.map((h) => hostForPort(requireClusterAddressOf(ctx, h, 'consul server')));
  return {
    datacenter: String(v.consul_datacenter ?? 'dc1'),
    nodeName: ctx.facts.hostname,
    dataDir: String(v.consul_data_dir ?? '/opt/consul'),
    server: isServer,
    ...(isServer ? { bootstrapExpect: Number(v.consul_bootstrap_expect ?? srv.length) } : {}),
    bindAddr: addr,
    advertiseAddr: addr,
    retryJoin,
    encrypt: key,
    ...(Array.isArray(v.consul_recursors) ? { recursors: v.consul_recursors.map(String) } : {}),
  };
}

/** The tasks deciding the gossip key, and the decision task whose output holds it. */
export interface GossipKeyTasks {
  readonly tasks: readonly Task[];
  readonly decision: Task<ConsulKeyOutput>;
}

/**
 * Read the keys in use and decide the gossip key once: this run's hosts read their own config; the Consul servers are
 * read by delegation too, so a node added with `--limit newnode` joins with the cluster's key instead of a fresh one it
 * could never join with (delegated reads of servers in the run are served from their read cache: no extra exec).
 * `when` limits them (the input play skips hosts with consul_manage: false; the role has its own `when`).
 */
export function gossipKeyTasks(when?: (ctx: TaskContext<unknown>) => boolean): GossipKeyTasks {
  const on = when ? { when } : {};
  const existing = consulExistingKey({ path: CONFIG }, { name: 'existing gossip key', noLog: true, ...on });
  const onServers = consulExistingKey<string>({ path: CONFIG }, { name: 'gossip key on the consul servers', noLog: true, runOnce: true, loop: (ctx) => servers(ctx), delegateTo: (ctx) => ctx.item, ...on });
  // every key is registered as a secret (redacted in all output), so the decision needs no noLog and its failure
  // ("different keys", "consul_encrypt_key differs") is shown
  const decision = consulGossipKey(
    (ctx) => {
      const found: Record<string, string | undefined> = {};
      const keep = (k: string | undefined): string | undefined => (k === undefined ? undefined : secret(k));
      for (const h of ctx.groupHosts('all')) {
        // a host not in this run (--limit) has none: the servers' keys below stand for the cluster
        found[h] = keep(knownOutput(ctx, existing, h)?.encrypt);
      }
      const serverList = servers(ctx);
      ctx.result(onServers).items?.forEach((r, i) => {
        const h = serverList[i];
        if (h !== undefined && found[h] === undefined) found[h] = keep(r.output?.encrypt);
      });
      return {
        existing: found,
        ...(typeof ctx.vars.consul_encrypt_key === 'string' ? { provided: secret(ctx.vars.consul_encrypt_key) } : {}),
        generated: secret(randomBytes(32).toString('base64')),
      };
    },
    { name: 'gossip key (once)', runOnce: true, ...on },
  );
  return { tasks: [existing, onServers, decision], decision };
}

const gossip = gossipKeyTasks();

/** The consul role. */
export default defineRole({
  name: 'consul',
  defaults: {
    consul_manage: true,
    consul_datacenter: 'dc1',
    consul_data_dir: '/opt/consul',
    consul_servers_group: 'managers',
    consul_recursors: [] as readonly string[],
    consul_version: '1.21.0' as string | null,
    consul_archive_dir: '/var/cache/rig',
  },
  vars: {
    consul_datacenter: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'a datacenter name has letters, digits, - and _ only' }),
    consul_data_dir: absPath,
    consul_servers_group: nonEmpty,
    consul_recursors: stringList,
    consul_version: z.string().regex(/^\d+\.\d+\.\d+([-+][\w.]+)?$/, { error: "expected a Consul version like '1.21.0'" }).nullable(),
    consul_archive_dir: absPath,
    consul_install: z.enum(['archive', 'apt', 'upload']).optional(),
    consul_binary_src: nonEmpty.optional(),
    consul_archive_url: z.url().optional(),
    consul_archive_sha256: z.string().regex(/^[0-9a-f]{64}$/i, { error: 'expected the 64 hex digits of a sha256' }).optional(),
    consul_apt_key_src: nonEmpty.optional(),
    consul_apt_repo_url: z.url().optional(),
    consul_apt_codename: nonEmpty.optional(),
    // `consul keygen`: 32 random bytes in base64
    consul_encrypt_key: z.string().refine((k) => /^[A-Za-z0-9+/]{43}=$/.test(k), { error: 'expected a gossip key from `consul keygen` (32 bytes, base64)' }).optional(),
    consul_bootstrap_expect: z.number().int().min(1).optional(),
    consul_retry_join: stringList.optional(),
  },
  handlers: [restartConsul],
  when: (ctx) => ctx.vars.consul_manage !== false,
  tasks: ({ vars }) => [
    group({ name: 'consul', system: true }, { name: 'consul group' }),
    user({ name: 'consul', group: 'consul', system: true, shell: '/usr/sbin/nologin', home: '/opt/consul', createHome: false }, { name: 'consul user' }),
    directory((ctx) => ({ path: String(vars(ctx).consul_data_dir), owner: 'consul', group: 'consul', mode: '0750' }), { name: 'consul data dir' }),
    directory({ path: '/etc/consul.d', owner: 'root', group: 'consul', mode: '0750' }, { name: 'consul config dir' }),
    ...consulInstallTasks(restartConsul),
    ...gossip.tasks,
    copy(
      (ctx) => ({
        content: canonicalJson(consulAgentConfig(consulOptions(ctx, ctx.result(gossip.decision).output?.key ?? ''))),
        dest: CONFIG,
        owner: 'root',
        group: 'consul',
        mode: '0640',
        validate: `${consulBin(ctx)} validate -config-format=json %s`,
      }),
      { name: 'consul config', notify: [restartConsul], noLog: true },
    ),
    // ExecStart names the binary where the install method put it
    template((ctx) => ({ src: 'consul.service.hbs', dest: '/etc/systemd/system/consul.service', mode: '0644', vars: { consul_bin: consulBin(ctx) } }), {
      name: 'consul unit',
      notify: [restartConsul],
    }),
    systemd({ name: 'consul', state: 'started', enabled: true, daemonReload: true }, { name: 'consul running' }),
    flushHandlers(),
    waitFor((ctx) => ({ host: clusterAddress(ctx).address, port: 8301, timeoutSec: 60 }), { name: 'consul serf port up' }),
  ],
});
