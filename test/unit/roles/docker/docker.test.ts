import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockerEngine, dockerUnitHosts } from '../../../../roles/docker/library/docker-facts.ts';
import { argProblems, canonicalJson } from '../../../../src/core/index.ts';
import { daemonConfig, daemonOptionProblems, dockerDaemonJsonModule, dockerEngineCheckModule, type DockerDaemonJsonArgs } from '../../../../roles/docker/library/docker.ts';

const debianUnit = `# /lib/systemd/system/docker.service\n${readFileSync(new URL('../../../fixtures/facts/docker/docker.io-20.10.24-docker.service', import.meta.url), 'utf8')}`;
const unit = (stdout: string) => dockerUnitHosts.parse({ stdout, stderr: '', code: 0 }, undefined);

const v20 = dockerEngine.parse({ stdout: readFileSync(new URL('../../../fixtures/facts/docker/dockerd-version-debian12.txt', import.meta.url), 'utf8'), stderr: '', code: 0 }, undefined);
const v24 = { installed: true, version: '24.0.7', major: 24, minor: 0 };
const absent = { path: '/etc/docker/daemon.json', exists: false as const };
const opts = { dns: ['10.77.0.11'], dnsSearch: ['service.consul'], logDriver: 'json-file', logOpts: { 'max-size': '10m', 'max-file': '3' }, labels: ['instance=java'] };

// dockerEngine parse cases are data: test/cases/facts/docker.docker-facts.dockerEngine/*.json
describe('docker daemon.json', () => {
  it('canonical JSON: sorted keys, 2 spaces, newline', () => {
    expect(canonicalJson(daemonConfig(opts))).toBe(
      '{\n  "dns": [\n    "10.77.0.11"\n  ],\n  "dns-search": [\n    "service.consul"\n  ],\n  "labels": [\n    "instance=java"\n  ],\n  "log-driver": "json-file",\n  "log-opts": {\n    "max-file": "3",\n    "max-size": "10m"\n  }\n}\n',
    );
  });
  it('writes with dockerd --validate only on engines that have it', () => {
    const p20 = dockerDaemonJsonModule.plan({ options: opts, swarmNode: true }, { file: absent, engine: v20 }, undefined as never);
    expect(p20.changes[0]).not.toHaveProperty('validate');
    const p24 = dockerDaemonJsonModule.plan({ options: opts, swarmNode: true }, { file: absent, engine: v24 }, undefined as never);
    expect(p24.changes[0]).toMatchObject({ validate: 'dockerd --validate --config-file %s' });
  });
  it('converged: no change (so no restart)', () => {
    const content = new TextEncoder().encode(canonicalJson(daemonConfig(opts)));
    const file = { path: '/etc/docker/daemon.json', exists: true as const, type: 'file' as const, mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0, size: content.length, content };
    expect(dockerDaemonJsonModule.plan({ options: opts, swarmNode: true }, { file, engine: v20 }, undefined as never).changes).toEqual([]);
  });
  it('refuses live-restore on swarm nodes and cluster-store on engines >= 23', () => {
    expect(argProblems(dockerDaemonJsonModule, { options: { liveRestore: true }, swarmNode: true })).toEqual([
      'docker_live_restore is true but live-restore is incompatible with swarm mode: set it to false on swarm nodes',
    ]);
    expect(argProblems(dockerDaemonJsonModule, { options: { liveRestore: true }, swarmNode: false })).toEqual([]);
    const cs = { options: { clusterStore: 'consul://x:8500', clusterAdvertise: 'eth1:2376' }, swarmNode: false };
    expect(dockerDaemonJsonModule.plan(cs, { file: absent, engine: v24 }, undefined as never).failed).toMatch(/docker_cluster_store.*removed in 23.0/);
    expect(dockerDaemonJsonModule.plan(cs, { file: absent, engine: v20 }, undefined as never).changes).toHaveLength(1);
  });
});

describe('dockerDaemonJson args', () => {
  const v = (a: unknown) => argProblems(dockerDaemonJsonModule, a).join('\n');
  const args = (options: unknown, more: object = {}) => ({ options, swarmNode: true, ...more });
  it('valid args have no problems (IPv4 and IPv6 dns, extra JSON values, variables, path)', () => {
    expect(v(args(opts))).toBe('');
    expect(v(args({ dns: ['10.0.0.1', 'fd00::53'], dnsSearch: ['.'], liveRestore: false, extra: { 'max-concurrent-downloads': 3, features: { buildkit: true }, 'default-ulimits': null } }, { variables: { dns: 'my_dns' }, path: '/etc/docker/daemon.json' }))).toBe('');
    expect(v(args({ clusterStore: 'consul://10.0.0.1:8500', clusterAdvertise: 'eth1:2376' }, { swarmNode: false }))).toBe('');
  });
  it.each([
    [args({ dns: ['consul'] }), 'options.dns[0]: "consul" is not an IPv4 or IPv6 address'],
    [args({ dns: ['10.0.0.256'] }), 'options.dns[0]: "10.0.0.256" is not an IPv4 or IPv6 address'],
    [args({ dns: '10.0.0.1' }), 'options.dns: expected a list of IP addresses, got "10.0.0.1"'],
    [args({ dnsSearch: ['-x.consul'] }), 'options.dnsSearch[0]: "-x.consul" is not a DNS search domain like service.consul'],
    [args({ logDriver: { name: 'json-file' } }), 'options.logDriver: expected a log driver name as a string, got {"name":"json-file"}'],
    [args({ logDriver: 'json file' }), 'options.logDriver: "json file" is not a log driver name (no spaces or quotes), e.g. json-file or journald'],
    [args({ logOpts: { 'max-file': 3 } }), "options.logOpts.max-file: docker wants strings in log-opts: write '3' (quoted)"],
    [args({ logOpts: { 'max-size': { value: '10m' } } }), 'options.logOpts.max-size: expected a string, got {"value":"10m"}'],
    [args({ logOpts: { 'max size': '10m' } }), 'options.logOpts.max size: "max size" is not a log option name like max-size'],
    [args({ logOpts: ['max-size=10m'] }), 'options.logOpts: Invalid input: expected record, received array'],
    [args({ labels: ['instance'] }), `options.labels[0]: "instance" is not a 'key=value' label`],
    [args({ labels: [{ instance: 'java' }] }), 'options.labels[0]: Invalid input: expected string, received object'],
    [args({ labels: 'instance=java' }), 'options.labels: Invalid input: expected array, received string'],
    [args({ liveRestore: 'false' }), 'options.liveRestore: Invalid input: expected boolean, received string'],
    [args({ clusterStore: '' }), 'options.clusterStore: "" is not a cluster store URL'],
    [args({ extra: { 'max-concurrent-downloads': Number.NaN } }), 'options.extra.max-concurrent-downloads: expected a JSON value (string, finite number, boolean, null, list or mapping), got NaN'],
    [args({ extra: { hook: () => 1 } }), 'options.extra.hook: expected a JSON value (string, finite number, boolean, null, list or mapping), got function'],
    [args({ extra: { nested: { deep: [Infinity] } } }), 'options.extra.nested.deep[0]: expected a JSON value (string, finite number, boolean, null, list or mapping), got Infinity'],
    [args({ logDrvier: 'local' }), "options: unknown key 'logDrvier' (did you mean 'logDriver'?)"],
    [args({}, { swarmNode: 'yes' }), 'swarmNode: expected true or false (is the node a swarm member?)'],
    [args({}, { variables: { dsn: 'docker_dns' } }), "variables: unknown key 'dsn' (did you mean 'dns'?)"],
    [args({}, { variables: { dns: '' } }), 'variables.dns: Too small'],
    [args({}, { path: 'daemon.json' }), 'path: must be an absolute path, got "daemon.json"'],
    [{ swarmNode: true }, 'options: Invalid input: expected object, received undefined'],
    [args({ clusterStore: 'consul://x:8500' }, { swarmNode: false }), 'cluster-store and cluster-advertise go together: set both or neither'],
    [args({ dns: ['10.0.0.1'], extra: { dns: ['1.1.1.1'] } }), 'extra sets dns, which docker_dns sets too: set it in one place'],
  ])('%j → %s', (a, message) => expect(v(a)).toContain(message));
  it('no value reaches daemon.json as [object Object]: objects where strings belong are refused', () => {
    for (const bad of [{ logDriver: {} }, { logOpts: { 'max-size': {} } }, { labels: [{}] }, { dns: [{}] }, { dnsSearch: [{}] }, { clusterStore: {}, clusterAdvertise: {} }]) {
      expect(argProblems(dockerDaemonJsonModule, args(bad)).length).toBeGreaterThan(0);
    }
  });
  it('the engine check takes the same args', () => {
    expect(argProblems(dockerEngineCheckModule, args({ dns: ['x'] }))).toEqual(['options.dns[0]: "x" is not an IPv4 or IPv6 address']);
  });
});

describe('daemonOptionProblems (the playbook\'s input check)', () => {
  it('names the inventory variable of each option: docker_<option> or the one given in variables', () => {
    const bad = { options: { dns: ['x'], logOpts: { 'max-file': 3 }, liveRestore: true }, swarmNode: true } as unknown as DockerDaemonJsonArgs;
    expect(daemonOptionProblems(bad)).toEqual(['docker_dns[0]: "x" is not an IPv4 or IPv6 address', "docker_log_opts.max-file: docker wants strings in log-opts: write '3' (quoted)"]);
    expect(daemonOptionProblems({ ...bad, variables: { dns: 'site_dns' } })[0]).toBe('site_dns[0]: "x" is not an IPv4 or IPv6 address');
    expect(daemonOptionProblems({ ...bad, options: { liveRestore: true } })).toEqual([
      'docker_live_restore is true but live-restore is incompatible with swarm mode: set it to false on swarm nodes',
    ]);
    expect(daemonOptionProblems({ options: opts, swarmNode: true })).toEqual([]);
  });
});

describe('daemon.json hosts beside -H in docker.service (dockerd would refuse to start)', () => {
  const override = `${debianUnit}\n# /etc/systemd/system/docker.service.d/override.conf\n[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd \\\n  --containerd=/run/containerd/containerd.sock\n`;
  it.each([
    ["Debian's docker.io unit: -H fd://", debianUnit, { loaded: true, hostFlags: ['-H fd://'] }],
    ['a drop-in resetting ExecStart= without -H (continuation line joined)', override, { loaded: true, hostFlags: [] }],
    ['a drop-in with --host=tcp://…', `${override}ExecStart=\nExecStart=/usr/sbin/dockerd --host=tcp://0.0.0.0:2376\n`, { loaded: true, hostFlags: ['--host=tcp://0.0.0.0:2376'] }],
    ['no unit (docker not installed, or no systemd)', '', { loaded: false, hostFlags: [] }],
  ])('%s', (_name, stdout, parsed) => expect(unit(stdout)).toEqual(parsed));

  const hosts = { options: { extra: { hosts: ['unix:///var/run/docker.sock', 'tcp://10.77.0.11:2376'] } }, swarmNode: true };
  it('refused on the Debian unit and before docker is installed, naming the way out; written with an override', () => {
    const plan = (u: string) => dockerDaemonJsonModule.plan(hosts, { file: absent, engine: v20, unit: unit(u) }, undefined as never);
    expect(plan(debianUnit).failed).toBe(
      'extra sets daemon.json hosts, but docker.service already starts dockerd with -H fd://: dockerd would refuse to start (hosts given both as a flag and in daemon.json). Remove hosts from the options, or first install a systemd drop-in for docker.service that resets ExecStart= and starts dockerd without -H',
    );
    expect(plan('').failed).toMatch(/docker.service is not installed yet, and the docker.io package's unit starts dockerd with -H fd:\/\//);
    expect(plan(override).changes).toHaveLength(1);
    expect(dockerEngineCheckModule.plan(hosts, { engine: v20, unit: unit(debianUnit) }, undefined as never).failed).toMatch(/-H fd:\/\//);
  });
  it('the unit is read only when hosts is set', () => {
    expect(Object.keys(dockerDaemonJsonModule.probe({ options: opts, swarmNode: true }, undefined as never))).toEqual(['file', 'engine']);
    expect(Object.keys(dockerDaemonJsonModule.probe(hosts, undefined as never))).toEqual(['file', 'engine', 'unit']);
  });
});
