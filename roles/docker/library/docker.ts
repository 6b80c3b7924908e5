/** dockerDaemonJson: /etc/docker/daemon.json from typed options, canonical JSON, checked before it is written. */
import { absPath, canonicalJson, defineModule, fileState, issuePath, read, strict, z, type FileState, type Plan, type Reads, type ReadonlyDeep, type WriteChange } from '../../../src/index.ts';
import { dockerEngine, dockerUnitHosts, hasDaemonValidate, type DockerEngine, type DockerUnitHosts } from './docker-facts.ts';

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

// each value in `v` that JSON cannot hold, with its path below `v`
function nonJson(v: unknown, path: (string | number)[] = []): { path: (string | number)[]; what: string }[] {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return [];
  if (typeof v === 'number') return Number.isFinite(v) ? [] : [{ path, what: String(v) }];
  if (Array.isArray(v)) return v.flatMap((x, i) => nonJson(x, [...path, i]));
  if (typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v))) return Object.entries(v).flatMap(([k, x]) => nonJson(x, [...path, k]));
  return [{ path, what: typeof v === 'object' ? `a ${v.constructor?.name ?? 'object'}` : typeof v }];
}
// a JSON value (what daemon.json can hold: no functions, undefined, NaN or Infinity); a check, not a recursive union,
// so a problem is reported at the offending value however deep it is
const jsonValue = z
  .custom<unknown>(() => true)
  .superRefine((v, ctx) => {
    for (const p of nonJson(v)) ctx.addIssue({ code: 'custom', path: p.path, message: `expected a JSON value (string, finite number, boolean, null, list or mapping), got ${p.what}` });
  })
  .meta({ description: 'A JSON value.' });

const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: (iss) => `${show(iss.input)} is not an IPv4 or IPv6 address` });
const DOMAIN = /^(\.|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?)$/;
const word = (what: string, example: string) =>
  z
    .string({ error: (iss) => `expected ${what} as a string, got ${show(iss.input)}` })
    .regex(/^[^\s"'$`\\]+$/, { error: (iss) => `${show(iss.input)} is not ${what} (no spaces or quotes), e.g. ${example}` });

/** Shape of the typed daemon.json options (the subset the cluster needs, plus `extra` for anything else). */
const optionsShape = {
  dns: z
    .array(ipAddress, { error: (iss) => `expected a list of IP addresses, got ${show(iss.input)}` })
    .optional()
    .describe("DNS servers for containers (daemon.json dns), IPv4 or IPv6, e.g. the node's Consul DNS address."),
  dnsSearch: z
    .array(z.string().max(255).regex(DOMAIN, { error: (iss) => `${show(iss.input)} is not a DNS search domain like service.consul` }))
    .optional()
    .describe('Search domains for containers (dns-search), e.g. service.consul.'),
  logDriver: word('a log driver name', 'json-file or journald').optional().describe("Default logging driver (log-driver). Unset: docker's json-file."),
  logOpts: z
    .record(
      z.string().regex(/^[A-Za-z0-9][\w.-]*$/),
      z.string({
        error: (iss) =>
          typeof iss.input === 'number' ? `docker wants strings in log-opts: write '${iss.input}' (quoted)` : `expected a string, got ${show(iss.input)}`,
      }),
      { error: (iss) => (iss.code === 'invalid_key' ? `${show(iss.input)} is not a log option name like max-size` : undefined) },
    )
    .optional()
    .describe("Options of the log driver (log-opts); docker wants strings, e.g. { 'max-size': '10m', 'max-file': '3' }."),
  labels: z
    .array(z.string().regex(/^[^=\s]+=.*$/, { error: (iss) => `${show(iss.input)} is not a 'key=value' label` }))
    .optional()
    .describe("Engine labels (labels), each 'key=value', e.g. ['instance=java']."),
  liveRestore: z.boolean().optional().describe('Keep containers running while dockerd is down (live-restore); must stay false on swarm nodes (docker refuses to start).'),
  clusterStore: word('a cluster store URL', 'consul://10.0.0.1:8500').optional().describe('Legacy standalone swarm key-value store (cluster-store), engines < 23 only; with clusterAdvertise.'),
  clusterAdvertise: word('an address:port or interface:port', 'eth1:2376').optional().describe('Legacy standalone swarm address (cluster-advertise), engines < 23 only; with clusterStore.'),
  extra: z.record(z.string().min(1), jsonValue).optional().describe('Further daemon.json keys, written as given (JSON values).'),
};
type OptionKey = keyof typeof optionsShape;
const OPTION_KEYS = Object.keys(optionsShape) as OptionKey[];

/** Typed daemon.json options schema. */
export const dockerDaemonOptions = strict(optionsShape).describe('daemon.json options; unset options are left out of the file.');
/** Typed daemon.json options. */
export type DockerDaemonOptions = ReadonlyDeep<z.infer<typeof dockerDaemonOptions>>;

const variableName = z.string().min(1).optional();

/** Args schema of dockerDaemonJson (and dockerEngineCheck). */
export const dockerDaemonJsonArgs = strict({
  options: dockerDaemonOptions,
  swarmNode: z.boolean({ error: 'expected true or false (is the node a swarm member?)' }).describe('The node is (or will be) a swarm member: live-restore is refused.'),
  variables: strict(Object.fromEntries(OPTION_KEYS.map((k) => [k, variableName])) as { [K in OptionKey]: typeof variableName })
    .optional()
    .describe('The inventory variable of each option, named in error messages. Default docker_<option in snake case>.'),
  path: absPath.optional().describe("Default '/etc/docker/daemon.json'."),
}).describe('/etc/docker/daemon.json holds exactly the canonical JSON of typed options (checked with dockerd --validate where the engine has it); notify a docker restart handler.');
/** Arguments of dockerDaemonJson. */
export type DockerDaemonJsonArgs = ReadonlyDeep<z.infer<typeof dockerDaemonJsonArgs>>;

/** What dockerDaemonJson reads. */
export interface DockerDaemonJsonState {
  readonly file: FileState;
  readonly engine: DockerEngine;
  /** How docker.service starts dockerd; read only when the options set daemon.json `hosts`. */
  readonly unit?: DockerUnitHosts;
}

/** daemon.json keys from typed options (unset options are left out). */
export function daemonConfig(o: DockerDaemonOptions): Record<string, unknown> {
  const c: Record<string, unknown> = { ...(o.extra ?? {}) };
  if (o.dns?.length) c.dns = [...o.dns];
  if (o.dnsSearch?.length) c['dns-search'] = [...o.dnsSearch];
  if (o.logDriver !== undefined) c['log-driver'] = o.logDriver;
  if (o.logOpts && Object.keys(o.logOpts).length) c['log-opts'] = { ...o.logOpts };
  if (o.labels?.length) c.labels = [...o.labels];
  if (o.liveRestore !== undefined) c['live-restore'] = o.liveRestore;
  if (o.clusterStore !== undefined) c['cluster-store'] = o.clusterStore;
  if (o.clusterAdvertise !== undefined) c['cluster-advertise'] = o.clusterAdvertise;
  return c;
}

// the inventory variable of an option: as given in `variables`, else docker_<snake_case>
const varName = (a: DockerDaemonJsonArgs, k: OptionKey): string => {
  const given: unknown = (a.variables as Record<string, unknown> | undefined)?.[k];
  if (typeof given === 'string') return given;
  return k === 'extra' ? 'options.extra' : `docker_${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
};

// daemon.json keys the typed options write (extra must not set them too)
const JSON_KEYS: Partial<Record<OptionKey, string>> = {
  dns: 'dns',
  dnsSearch: 'dns-search',
  logDriver: 'log-driver',
  logOpts: 'log-opts',
  labels: 'labels',
  liveRestore: 'live-restore',
  clusterStore: 'cluster-store',
  clusterAdvertise: 'cluster-advertise',
};

/** Checks across options (args the schema accepted). */
function crossProblems(a: DockerDaemonJsonArgs): string[] {
  const p: string[] = [];
  const o = a.options;
  if (a.swarmNode && o.liveRestore === true) {
    p.push(`${varName(a, 'liveRestore')} is true but live-restore is incompatible with swarm mode: set it to false on swarm nodes`);
  }
  if ((o.clusterStore === undefined) !== (o.clusterAdvertise === undefined)) p.push('cluster-store and cluster-advertise go together: set both or neither');
  for (const [k, key] of Object.entries(JSON_KEYS) as [OptionKey, string][]) {
    if (o[k] !== undefined && o.extra && key in o.extra) p.push(`extra sets ${key}, which ${varName(a, k)} sets too: set it in one place`);
  }
  return p;
}

/**
 * Problems of the args that need no host state: the schema's (an option's problem names its inventory variable, e.g.
 * `docker_dns[0]: "x" is not an IPv4 or IPv6 address`), then the checks across options.
 */
export function daemonOptionProblems(a: DockerDaemonJsonArgs): string[] {
  const r = dockerDaemonJsonArgs.safeParse(a);
  if (r.success) return crossProblems(a);
  return r.error.issues.map((i) => {
    const [top, option, ...rest] = i.path;
    const named = top === 'options' && typeof option === 'string' && (OPTION_KEYS as string[]).includes(option);
    const tail = issuePath({ message: i.message, path: rest });
    const path = named ? `${varName(a, option as OptionKey)}${tail === '' || tail.startsWith('[') ? tail : `.${tail}`}` : issuePath(i);
    return path ? `${path}: ${i.message}` : i.message;
  });
}

/** Problems that depend on the installed engine (cluster-store removed in 23.0). */
export function daemonEngineProblems(a: DockerDaemonJsonArgs, e: DockerEngine): string[] {
  if (e.installed && (e.major ?? 0) >= 23 && (a.options.clusterStore !== undefined || a.options.clusterAdvertise !== undefined)) {
    return [`${varName(a, 'clusterStore')}/cluster-advertise are not supported by Docker ${e.version} (removed in 23.0): remove them, swarm mode replaces the legacy standalone swarm`];
  }
  return [];
}

/**
 * daemon.json `hosts` beside `-H` in docker.service's ExecStart (Debian's and Ubuntu's units start `dockerd -H fd://`):
 * dockerd refuses to start ("directives are specified both as a flag and in the configuration file: hosts"), so the
 * restart would leave the node without docker. Refused before the write; also when the unit is not installed yet, since
 * the package's unit will pass `-H fd://`.
 * Source: https://docs.docker.com/engine/daemon/remote-access/ ("configuring remote access with daemon.json").
 */
export function daemonHostsProblems(a: DockerDaemonJsonArgs, unit: DockerUnitHosts | undefined): string[] {
  if (unit === undefined || a.options.extra?.hosts === undefined) return [];
  if (unit.loaded && unit.hostFlags.length === 0) return [];
  const why = unit.loaded ? `docker.service already starts dockerd with ${unit.hostFlags.join(' ')}` : 'docker.service is not installed yet, and the docker.io package\'s unit starts dockerd with -H fd://';
  return [`extra sets daemon.json hosts, but ${why}: dockerd would refuse to start (hosts given both as a flag and in daemon.json). Remove hosts from the options, or first install a systemd drop-in for docker.service that resets ExecStart= and starts dockerd without -H`];
}

const td = new TextDecoder();

function plan(a: DockerDaemonJsonArgs, s: DockerDaemonJsonState): Plan<undefined> {
  const path = a.path ?? '/etc/docker/daemon.json';
  const problems = [...crossProblems(a), ...daemonEngineProblems(a, s.engine), ...daemonHostsProblems(a, s.unit)];
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
  args: dockerDaemonJsonArgs,
  validate: crossProblems,
  probe: (a): Reads<DockerDaemonJsonState> => ({
    file: read(fileState, { path: a.path ?? '/etc/docker/daemon.json', content: true }),
    engine: read(dockerEngine, undefined),
    ...(a.options.extra?.hosts !== undefined ? { unit: read(dockerUnitHosts, undefined) } : {}),
  }),
  plan: (a, s) => plan(a, s),
});

/** Read-only: fail (before anything changes) when the installed engine cannot take these options. */
export const dockerEngineCheckModule = defineModule<DockerDaemonJsonArgs, { engine: DockerEngine; unit?: DockerUnitHosts }, undefined>({
  name: 'dockerEngineCheck',
  args: dockerDaemonJsonArgs.describe('Fail early when the installed engine cannot take these daemon.json options (read-only: cluster-store on engines >= 23, hosts beside -H in docker.service).'),
  readOnly: true,
  probe: (a): Reads<{ engine: DockerEngine; unit?: DockerUnitHosts }> => ({
    engine: read(dockerEngine, undefined),
    ...(a.options.extra?.hosts !== undefined ? { unit: read(dockerUnitHosts, undefined) } : {}),
  }),
  plan: (a, s) => {
    const p = [...daemonEngineProblems(a, s.engine), ...daemonHostsProblems(a, s.unit)];
    return p.length ? { changes: [], failed: p.join('; ') } : { changes: [], msg: s.engine.installed ? `Docker ${s.engine.version}` : 'Docker not installed yet' };
  },
});
