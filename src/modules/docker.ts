/** dockerDaemonJson: /etc/docker/daemon.json from typed options, canonical JSON, checked before it is written. */
import type { WriteChange } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule, type Plan, type Reads } from '../core/module.ts';
import { dockerEngine, hasDaemonValidate, type DockerEngine } from '../facts/docker.ts';
import { fileState, type FileState } from '../facts/files.ts';

/** Typed daemon.json options (the subset the cluster needs, plus `extra` for anything else). */
export interface DockerDaemonOptions {
  /** DNS servers for containers, e.g. the node's Consul DNS address. */
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  /** @default unset (docker's json-file) */
  readonly logDriver?: string;
  /** log-opts; docker wants strings, numbers are converted. */
  readonly logOpts?: Readonly<Record<string, string | number>>;
  /** Engine labels, e.g. ['instance=java']. */
  readonly labels?: readonly string[];
  /** Must stay false on swarm nodes (docker refuses to start otherwise). */
  readonly liveRestore?: boolean;
  /** Legacy standalone swarm (engines < 23 only). */
  readonly clusterStore?: string;
  readonly clusterAdvertise?: string;
  /** Further daemon.json keys, written as given. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Arguments of dockerDaemonJson. */
export interface DockerDaemonJsonArgs {
  readonly options: DockerDaemonOptions;
  /** The node is (or will be) a swarm member: live-restore is refused. */
  readonly swarmNode: boolean;
  /** Names the inventory variable of each option in error messages. @default docker_<option> */
  readonly variables?: Partial<Record<keyof DockerDaemonOptions, string>>;
  /** @default '/etc/docker/daemon.json' */
  readonly path?: string;
}

/** What dockerDaemonJson reads. */
export interface DockerDaemonJsonState {
  readonly file: FileState;
  readonly engine: DockerEngine;
}

/** daemon.json keys from typed options (unset options are left out). */
export function daemonConfig(o: DockerDaemonOptions): Record<string, unknown> {
  const c: Record<string, unknown> = { ...(o.extra ?? {}) };
  if (o.dns?.length) c.dns = [...o.dns];
  if (o.dnsSearch?.length) c['dns-search'] = [...o.dnsSearch];
  if (o.logDriver !== undefined) c['log-driver'] = o.logDriver;
  if (o.logOpts && Object.keys(o.logOpts).length) c['log-opts'] = Object.fromEntries(Object.entries(o.logOpts).map(([k, v]) => [k, String(v)]));
  if (o.labels?.length) c.labels = [...o.labels];
  if (o.liveRestore !== undefined) c['live-restore'] = o.liveRestore;
  if (o.clusterStore !== undefined) c['cluster-store'] = o.clusterStore;
  if (o.clusterAdvertise !== undefined) c['cluster-advertise'] = o.clusterAdvertise;
  return c;
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** Canonical JSON: keys sorted at every level, 2-space indent, trailing newline (so equal configs are equal bytes). */
export function canonicalJson(v: unknown): string {
  return `${JSON.stringify(sortDeep(v), null, 2)}\n`;
}

const varName = (a: DockerDaemonJsonArgs, k: keyof DockerDaemonOptions, fallback: string): string => a.variables?.[k] ?? fallback;

/** Problems of the options that need no host state (checked at preflight). */
export function daemonOptionProblems(a: DockerDaemonJsonArgs): string[] {
  const p: string[] = [];
  const o = a.options;
  if (a.swarmNode && o.liveRestore === true) {
    p.push(`${varName(a, 'liveRestore', 'docker_live_restore')} is true but live-restore is incompatible with swarm mode: set it to false on swarm nodes`);
  }
  for (const [k, v] of Object.entries(o.logOpts ?? {})) {
    if (typeof v !== 'string' && typeof v !== 'number') p.push(`log-opts ${k} must be a string or number`);
  }
  if ((o.clusterStore === undefined) !== (o.clusterAdvertise === undefined)) p.push('cluster-store and cluster-advertise go together: set both or neither');
  for (const ip of o.dns ?? []) if (!/^[0-9a-fA-F:.]+$/.test(ip)) p.push(`${varName(a, 'dns', 'docker_dns')}: ${JSON.stringify(ip)} is not an IP address`);
  return p;
}

/** Problems that depend on the installed engine (cluster-store removed in 23.0). */
export function daemonEngineProblems(a: DockerDaemonJsonArgs, e: DockerEngine): string[] {
  if (e.installed && (e.major ?? 0) >= 23 && (a.options.clusterStore !== undefined || a.options.clusterAdvertise !== undefined)) {
    return [`${varName(a, 'clusterStore', 'docker_cluster_store')}/cluster-advertise are not supported by Docker ${e.version} (removed in 23.0): remove them, swarm mode replaces the legacy standalone swarm`];
  }
  return [];
}

const td = new TextDecoder();

function plan(a: DockerDaemonJsonArgs, s: DockerDaemonJsonState): Plan<undefined> {
  const path = a.path ?? '/etc/docker/daemon.json';
  const problems = [...daemonOptionProblems(a), ...daemonEngineProblems(a, s.engine)];
  if (problems.length) return { changes: [], failed: problems.join('; ') };
  const text = canonicalJson(daemonConfig(a.options));
  const before = s.file.exists && s.file.type === 'file' && s.file.content ? td.decode(s.file.content) : undefined;
  if (before === text) return { changes: [] };
  const write: WriteChange = {
    kind: 'write',
    path,
    content: text,
    mode: '0644',
    // engines < 23 have no --validate; the content is generated JSON and checked above
    ...(hasDaemonValidate(s.engine) ? { validate: 'dockerd --validate --config-file %s' } : {}),
    description: `write ${path}`,
  };
  return { changes: [write], diff: [{ path, before: before ?? '', after: text }], msg: before === undefined ? 'created' : 'options changed' };
}

/** /etc/docker/daemon.json holds exactly the canonical JSON of the options; notify a docker restart handler. */
export const dockerDaemonJsonModule = defineModule<DockerDaemonJsonArgs, DockerDaemonJsonState, undefined>({
  name: 'dockerDaemonJson',
  validate: (a) => (a.options === null || typeof a.options !== 'object' ? ['dockerDaemonJson: options must be an object'] : []),
  preflight: (a) => daemonOptionProblems(a),
  probe: (a): Reads<DockerDaemonJsonState> => ({
    file: read(fileState, { path: a.path ?? '/etc/docker/daemon.json', content: true }),
    engine: read(dockerEngine, undefined),
  }),
  plan: (a, s) => plan(a, s),
});

/** Read-only: fail (before anything changes) when the installed engine cannot take these options. */
export const dockerEngineCheckModule = defineModule<DockerDaemonJsonArgs, { engine: DockerEngine }, undefined>({
  name: 'dockerEngineCheck',
  readOnly: true,
  probe: (): Reads<{ engine: DockerEngine }> => ({ engine: read(dockerEngine, undefined) }),
  plan: (a, s) => {
    const p = daemonEngineProblems(a, s.engine);
    return p.length ? { changes: [], failed: p.join('; ') } : { changes: [], msg: s.engine.installed ? `Docker ${s.engine.version}` : 'Docker not installed yet' };
  },
});
