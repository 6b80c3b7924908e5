import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockerEngine } from '../../../src/facts/docker.ts';
import { canonicalJson, daemonConfig, dockerDaemonJsonModule } from '../../../src/modules/docker.ts';

const v20 = dockerEngine.parse({ stdout: readFileSync(new URL('../../fixtures/facts/docker/dockerd-version-debian12.txt', import.meta.url), 'utf8'), stderr: '', code: 0 }, undefined);
const v24 = { installed: true, version: '24.0.7', major: 24, minor: 0 };
const absent = { path: '/etc/docker/daemon.json', exists: false as const };
const opts = { dns: ['10.77.0.11'], dnsSearch: ['service.consul'], logDriver: 'json-file', logOpts: { 'max-size': '10m', 'max-file': 3 }, labels: ['instance=java'] };

describe('docker daemon.json', () => {
  it('engine version from captured dockerd --version', () => expect(v20).toEqual({ installed: true, version: '20.10.24+dfsg1', major: 20, minor: 10 }));
  it('canonical JSON: sorted keys, strings for log-opts, 2 spaces, newline', () => {
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
    expect(dockerDaemonJsonModule.preflight!({ options: { liveRestore: true }, swarmNode: true }, undefined as never)[0]).toMatch(/docker_live_restore is true/);
    const cs = { options: { clusterStore: 'consul://x:8500', clusterAdvertise: 'eth1:2376' }, swarmNode: false };
    expect(dockerDaemonJsonModule.plan(cs, { file: absent, engine: v24 }, undefined as never).failed).toMatch(/docker_cluster_store.*removed in 23.0/);
    expect(dockerDaemonJsonModule.plan(cs, { file: absent, engine: v20 }, undefined as never).changes).toHaveLength(1);
  });
});
