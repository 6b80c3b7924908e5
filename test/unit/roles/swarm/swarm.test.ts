import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { swarmInfo } from '../../../../roles/swarm/library/swarm-facts.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { argProblems, type Module } from '../../../../src/core/index.ts';
import { decideSwarm, planNodeLabels, planSwarmInit, planSwarmJoin, swarmInitModule, swarmJoinModule, swarmNodeLabelsModule, swarmStatusModule, swarmTokensModule } from '../../../../roles/swarm/library/swarm.ts';

const fx = (p: string) => readFileSync(new URL(`../../../fixtures/facts/swarm/${p}`, import.meta.url), 'utf8');
const info = (p: string, code = 0) => swarmInfo.parse({ stdout: fx(p), stderr: '', code }, undefined);
const inactive = info('info-inactive.txt');
const manager = info('info-manager.txt'); // dockerd 20.10 after `swarm init --advertise-addr 127.0.0.1`

// swarmInfo/swarmNodeLabels parse cases are data: test/cases/facts/swarm.swarm-facts.*/*.json
describe('swarm facts (real sh)', () => {
  it('waits out the pending state a node reports while it reconnects after a reboot (real sh, a docker on PATH)', () => {
    const bin = tempDir('rig-swarm-');
    const pending = fx('info-manager.txt').replace('"LocalNodeState":"active"', '"LocalNodeState":"pending"');
    expect(pending).toContain('"pending"');
    writeFileSync(join(bin, 'pending.json'), pending);
    writeFileSync(join(bin, 'active.json'), fx('info-manager.txt'));
    // pending on the first two calls, then active
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\nn=$(cat "${bin}/n" 2>/dev/null || echo 0); echo $((n + 1)) > "${bin}/n"\nif [ "$n" -lt 2 ]; then cat "${bin}/pending.json"; else cat "${bin}/active.json"; fi\n`, { mode: 0o755 });
    const r = spawnSync('sh', ['-c', swarmInfo.command()], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
    expect(readFileSync(join(bin, 'n'), 'utf8').trim()).toBe('3');
    expect(swarmInfo.parse({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 }, undefined)).toMatchObject({ state: 'active', controlAvailable: true });
  });
});

describe('swarm decision', () => {
  const nodes = (m1 = inactive, w = inactive) => [
    { name: 'lab1', role: 'manager' as const, addr: '127.0.0.1', info: m1 },
    { name: 'lab2', role: 'worker' as const, addr: '10.77.0.12', info: w },
    { name: 'lab3', role: 'worker' as const, addr: '10.77.0.13', info: w },
  ];
  it('no manager in a swarm: init on the first', () => expect(decideSwarm(nodes())).toMatchObject({ initOn: 'lab1', liveManager: 'lab1', errors: [] }));
  it('a live manager: no init', () => expect(decideSwarm(nodes(manager))).toEqual({ liveManager: 'lab1', joinAddrs: ['127.0.0.1:2377'], errors: [] }));
  it('even managers is an error', () => {
    const d = decideSwarm([...nodes(), { name: 'lab4', role: 'manager', addr: '10.77.0.14' }]);
    expect(d.errors[0]).toMatch(/2 hosts: use an odd number/);
  });
  it('a worker in a different swarm is an error naming it', () => {
    const foreign = { ...manager, controlAvailable: false, remoteManagers: [{ nodeId: 'x', addr: '192.168.9.9:2377' }] };
    expect(decideSwarm(nodes(inactive, foreign)).errors[0]).toMatch(/lab2 is in a different swarm/);
  });
  it('a manager outside this run (--limit, no cluster_address): foreign membership is not judged', () => {
    const member = { ...manager, controlAvailable: false, remoteManagers: [{ nodeId: 'x', addr: '10.77.0.11:2377' }] };
    const limited = [{ name: 'lab1', role: 'manager' as const, addr: 'lab1', addrUnknown: true }, { name: 'lab2', role: 'worker' as const, addr: '10.77.0.12', info: member }];
    expect(decideSwarm(limited).errors).toEqual([]);
  });
});

describe('swarm init / join / labels plans', () => {
  it('init only when inactive, on the private address', () => {
    expect(planSwarmInit({ advertiseAddr: '10.77.0.11' }, inactive).changes[0]).toMatchObject({ command: 'docker swarm init --advertise-addr 10.77.0.11 --listen-addr 10.77.0.11:2377' });
    expect(planSwarmInit({ advertiseAddr: '127.0.0.1' }, manager).changes).toEqual([]);
  });
  it('join: token on stdin; already a member of ours: ok; another swarm: failed', () => {
    const a = { role: 'worker' as const, token: 'SWMTKN-1-abc', joinAddrs: ['127.0.0.1:2377'], advertiseAddr: '10.77.0.12' };
    const c = planSwarmJoin(a, inactive).changes[0] as { command: string; stdin: string };
    expect(c.stdin).toBe('SWMTKN-1-abc');
    expect(c.command).not.toContain('SWMTKN');
    expect(planSwarmJoin(a, manager).changes).toEqual([]);
    expect(planSwarmJoin({ ...a, joinAddrs: ['10.77.0.11:2377'] }, manager).failed).toMatch(/different swarm/);
    // still pending after the fact's wait: say what to check, not "fix it by hand"
    expect(planSwarmJoin(a, { ...inactive, state: 'pending' }).failed).toMatch(/pending after waiting 120 s: check that the managers are up and reachable on 2377\/tcp/);
    expect(planSwarmJoin(a, { ...inactive, state: 'error', error: 'bad cert' }).failed).toBe('swarm state is error: bad cert; fix it by hand first');
  });
  it('labels: only the differing ones, sorted', () => {
    expect(planNodeLabels({ node: 'vm', labels: { instance: 'java', zone: 'b', gpu: true } }, { instance: 'java', zone: 'a' }).changes[0]).toMatchObject({ command: 'docker node update --label-add gpu=true --label-add zone=b vm' });
    expect(planNodeLabels({ node: 'vm', labels: { instance: 'java' } }, { instance: 'java', zone: 'a' }).changes).toEqual([]);
  });
});

describe('swarm module args', () => {
  const TOKEN = 'SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx';
  const join = { role: 'worker', token: TOKEN, joinAddrs: ['10.77.0.11:2377'], advertiseAddr: '10.77.0.12' };
  it('valid args have no problems', () => {
    expect(argProblems(swarmStatusModule, {})).toEqual([]);
    expect(argProblems(swarmTokensModule, {})).toEqual([]);
    expect(argProblems(swarmInitModule, { advertiseAddr: '10.77.0.11', defaultAddrPool: ['10.128.0.0/12'], defaultAddrPoolMaskLength: 24 })).toEqual([]);
    expect(argProblems(swarmInitModule, { advertiseAddr: 'eth1' })).toEqual([]);
    expect(argProblems(swarmJoinModule, join)).toEqual([]);
    // check mode before the swarm exists: no token yet; a manager outside the run is named by host
    expect(argProblems(swarmJoinModule, { ...join, token: undefined, joinAddrs: ['lab1:2377', '[fd00::11]:2377', '10.77.0.13'] })).toEqual([]);
    expect(argProblems(swarmNodeLabelsModule, { node: 'lab2.example.org', labels: { instance: 'java', 'com.example/gpu': true, slots: 4 } })).toEqual([]);
  });
  it.each([
    [swarmStatusModule, { verbose: true }, "unknown key 'verbose'"],
    [swarmTokensModule, { role: 'worker' }, "unknown key 'role'"],
    [swarmInitModule, {}, "advertiseAddr: expected the node's IPv4 address or an interface name, got undefined"],
    [swarmInitModule, { advertiseAddr: '' }, 'advertiseAddr: "" is not an IPv4 address or an interface name like eth1'],
    [swarmInitModule, { advertiseAddr: 'fd00::11' }, 'advertiseAddr: "fd00::11" is not an IPv4 address or an interface name like eth1'],
    [swarmInitModule, { advertiseAddr: '10.77.0.11', defaultAddrPool: ['10.128.0.0'] }, 'defaultAddrPool[0]: "10.128.0.0" is not an IPv4 network like 10.128.0.0/12'],
    [swarmInitModule, { advertiseAddr: '10.77.0.11', defaultAddrPool: '10.128.0.0/12' }, 'defaultAddrPool: Invalid input: expected array, received string'],
    [swarmInitModule, { advertiseAddr: '10.77.0.11', defaultAddrPoolMaskLength: 33 }, 'defaultAddrPoolMaskLength: a mask length is 1-32, got 33'],
    [swarmInitModule, { advertiseAddr: '10.77.0.11', defaultAddrPoolMaskLength: '24' }, 'defaultAddrPoolMaskLength: expected a mask length (a whole number 1-32), got "24"'],
    [swarmInitModule, { advertiseAddr: '10.77.0.11', defaultAddrPoolMaskLength: 24.5 }, 'defaultAddrPoolMaskLength: a mask length is a whole number'],
    [swarmInitModule, { advertiseAdr: '10.77.0.11' }, "unknown key 'advertiseAdr' (did you mean 'advertiseAddr'?)"],
    [swarmJoinModule, { ...join, role: 'leader' }, 'role: Invalid option: expected one of "manager"|"worker"'],
    [swarmJoinModule, { ...join, joinAddrs: [] }, 'joinAddrs: no manager to join: list the managers as addr:2377'],
    [swarmJoinModule, { ...join, joinAddrs: ['10.77.0.11 2377'] }, 'joinAddrs[0]: "10.77.0.11 2377" is not a manager address like 10.0.0.11:2377'],
    [swarmJoinModule, { ...join, joinAddrs: ['--force'] }, 'joinAddrs[0]: "--force" is not a manager address'],
    [swarmJoinModule, { ...join, token: 'abc' }, "token: not a swarm join token (SWMTKN-1-...): pass the token swarmTokens read for this role"],
    [swarmJoinModule, { ...join, advertiseAddr: 10 }, "advertiseAddr: expected the node's IPv4 address or an interface name, got 10"],
    [swarmNodeLabelsModule, { node: 'lab2', labels: { 'bad key': 'x' } }, 'labels.bad key: "bad key" is not a label name (letters, digits and ._/-)'],
    [swarmNodeLabelsModule, { node: 'lab2', labels: { zone: { name: 'a' } } }, 'labels.zone: a label value is a string, number or boolean, got {"name":"a"}'],
    [swarmNodeLabelsModule, { node: 'lab2', labels: { zone: null } }, 'labels.zone: a label value is a string, number or boolean, got null'],
    [swarmNodeLabelsModule, { node: 'lab2', labels: ['zone=a'] }, 'labels: expected a mapping of label names to values, got ["zone=a"]'],
    [swarmNodeLabelsModule, { node: '-lab2', labels: {} }, 'node: "-lab2" is not a node hostname or ID'],
    [swarmNodeLabelsModule, { node: 'lab2', label: {} }, "unknown key 'label' (did you mean 'labels'?)"],
  ] as [Module<never, unknown, unknown>, unknown, string][])('%# %j → %s', (module, args, message) => expect(argProblems(module, args).join('\n')).toContain(message));
  it('a bad token is never echoed (the task is noLog)', () => {
    const secret = 'SWMTKN-1-abc def';
    expect(argProblems(swarmJoinModule, { ...join, token: secret }).join('\n')).not.toContain('abc def');
  });
});
