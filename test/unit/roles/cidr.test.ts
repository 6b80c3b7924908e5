/** roles/lib/cidr (ipaddr.js): IPv4 and IPv6 networks, and where the roles accept or refuse an IPv6 cluster_cidr. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addressesIn, cidrContains, cidrHolds, parseCidr, pickCidrAddress } from '../../../roles/lib/cidr.ts';
import { checkClusterInput } from '../../../roles/lib/cluster.ts';
import { sourceHolds } from '../../../roles/firewall/library/ufw-coverage.ts';
import consul from '../../../roles/consul/index.ts';
import firewall from '../../../roles/firewall/index.ts';
import swarm from '../../../roles/swarm/index.ts';
import { assert, ValidationError, type HostFacts, type Role, type Task, type TaskResult } from '../../../src/index.ts';
import { debianFacts, planTask } from '../../../src/testing/index.ts';

// every file read answers "absent", as captured from a real host
const missing = JSON.parse(readFileSync(new URL('../../fixtures/facts/files/missing.json', import.meta.url), 'utf8')) as { stdout: string; stderr: string; code: number };

/** The seed VM's interfaces plus a ULA IPv6 address on the private interface (and a link-local one). */
const dual = (): HostFacts => {
  const f = debianFacts();
  return {
    ...f,
    interfaces: f.interfaces.map((i) =>
      i.name === 'eth1' ? { ...i, addresses: [...i.addresses, { family: 'inet6' as const, address: 'fe80::5054:ff:fe00:101', prefixlen: 64 }, { family: 'inet6' as const, address: 'fd00:77::11', prefixlen: 64 }] } : i,
    ),
  };
};

describe('parseCidr', () => {
  it.each([
    ['10.77.0.0/24', 'ipv4', 24],
    [' 0.0.0.0/0 ', 'ipv4', 0],
    ['10.77.0.11/32', 'ipv4', 32],
    ['fd00:77::/64', 'ipv6', 64],
    ['::/0', 'ipv6', 0],
    ['2001:db8::1/128', 'ipv6', 128],
  ])('%s is an %s network /%i', (text, family, prefix) => expect(parseCidr(text)).toEqual({ family, prefix, text: text.trim() }));

  it.each([
    '10.77.0.5/24', // host bits set: a typo, not a network
    'fd00:77::11/64',
    '10.77.0.0/33',
    'fd00::/129',
    '10.77.0.0',
    '10.1/8', // ipaddr.js reads these old forms; a cluster CIDR is a dotted quad
    '0x0a.0.0.0/8',
    '010.0.0.0/8',
    'fe80::%eth0/64',
    '256.0.0.0/8',
    'eth1',
    '',
  ])('%s is refused', (text) => expect(parseCidr(text)).toBeUndefined());

  it('takes only strings', () => expect(parseCidr(24)).toBeUndefined());
});

describe('containment', () => {
  it('an address is inside a network of its own family only', () => {
    const v4 = parseCidr('10.77.0.0/24')!;
    const v6 = parseCidr('fd00:77::/64')!;
    expect([cidrContains(v4, '10.77.0.11'), cidrContains(v4, '10.77.1.11'), cidrContains(v4, 'fd00:77::11'), cidrContains(v4, '::ffff:10.77.0.11')]).toEqual([true, false, false, false]);
    expect([cidrContains(v6, 'fd00:77::11'), cidrContains(v6, 'fd00:77:0:1::11'), cidrContains(v6, '10.77.0.11'), cidrContains(v6, 'not an address')]).toEqual([true, false, false, false]);
  });

  it('a source holds a narrower one of its family (ufw and firewalld coverage), IPv6 included', () => {
    expect(cidrHolds('10.0.0.0/8', '10.77.0.0/24')).toBe(true);
    expect(cidrHolds('10.77.0.0/24', '10.0.0.0/8')).toBe(false);
    expect(cidrHolds('10.77.0.11', '10.77.0.11/32')).toBe(true);
    expect(cidrHolds('fd00::/16', 'fd00:77::/64')).toBe(true);
    expect(cidrHolds('fd00:77::11/128', 'fd00:77::11')).toBe(true);
    expect(cidrHolds('fd00:77::/64', '10.77.0.0/24')).toBe(false);
    expect(cidrHolds('Anywhere', '10.77.0.0/24')).toBeUndefined();
    // what ufw coverage makes of it: anything else is the same text or nothing
    expect([sourceHolds('any', 'fd00::/64'), sourceHolds('fd00::/16', 'fd00:1::/64'), sourceHolds('fd00:1::/64', 'fd00::/16'), sourceHolds('x', 'x')]).toEqual([true, true, false, true]);
  });

  it('the cluster address: the up interface address of the network\'s family inside it', () => {
    expect(pickCidrAddress('lab1', dual().interfaces, '10.77.0.0/24')).toEqual({ interface: 'eth1', address: '10.77.0.11' });
    expect(pickCidrAddress('lab1', dual().interfaces, 'fd00:77::/64')).toEqual({ interface: 'eth1', address: 'fd00:77::11' });
    expect(addressesIn(dual().interfaces, parseCidr('fe80::/10')!)).toEqual([{ interface: 'eth1', address: 'fe80::5054:ff:fe00:101' }]);
    expect(() => pickCidrAddress('lab1', debianFacts().interfaces, 'fd00:77::/64')).toThrow(/host lab1 has no address inside cluster_cidr fd00:77::\/64 \(it has: no IPv6 address\)/);
    expect(() => pickCidrAddress('lab1', dual().interfaces, 'fd00:77::11/64')).toThrow(/lab1: variable 'cluster_cidr' = "fd00:77::11\/64" is not a network like 10\.77\.0\.0\/24 or fd00:77::\/64/);
  });
});

const byName = (role: Role, n: string): Task<unknown> => {
  const t = role.tasks.find((x): x is Task<unknown> => x.kind === 'task' && x.options.name === n);
  if (!t) throw new Error(`no task ${n} in ${role.name}`);
  return t;
};
const ok = (task: Task<unknown>, output: unknown): Map<Task<unknown>, TaskResult<unknown>> =>
  new Map([[task, { status: 'ok', host: 'node1', task: String(task.options.name), definedAt: task.definedAt, durationMs: 0, execs: 0, output } as TaskResult<unknown>]]);
const thrown = (f: () => unknown): ValidationError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
};

describe('an IPv6 cluster_cidr', () => {
  const input = assert((ctx) => ({ that: checkClusterInput(ctx), msg: 'cluster input' }), { name: 'cluster input' });
  const groups = { managers: ['node1'] };

  it('is refused by the input check, naming cluster_cidr and what to do, for each role that cannot use it yet', () => {
    const e = thrown(() => planTask(input, { vars: { cluster_cidr: 'fd00:77::/64' }, facts: dual(), groups }));
    expect(e.problems.map((p) => p.message)).toEqual([
      `variable 'cluster_cidr' = "fd00:77::/64" is an IPv6 network: the firewall role writes IPv4 rules only (its nftables, iptables, ufw and firewalld sources and the DNS redirect are IPv4)`,
      `variable 'cluster_cidr' = "fd00:77::/64" is an IPv6 network: the swarm role advertises and joins on IPv4 addresses only (rig's swarmInit/swarmJoin take an IPv4 address or an interface name)`,
    ]);
    expect(e.problems.map((p) => p.hint)).toEqual([expect.stringMatching(/set firewall_manage: false and allow 2377\/tcp/), expect.stringMatching(/set swarm_manage: false/)]);
    expect(e.problems.every((p) => p.where === 'node1')).toBe(true);
  });

  it('passes the input check where those roles are off, and the IPv4 network still passes with them on', () => {
    expect(planTask(input, { vars: { cluster_cidr: 'fd00:77::/64', firewall_manage: false, swarm_manage: false }, facts: dual(), groups }).plan.failed).toBeUndefined();
    expect(planTask(input, { vars: { cluster_cidr: '10.77.0.0/24' }, facts: dual(), groups }).plan.failed).toBeUndefined();
    expect(() => planTask(input, { vars: { cluster_cidr: '10.77.0.5/24' }, facts: dual(), groups })).toThrow(/'cluster_cidr' = "10\.77\.0\.5\/24" is not a network like 10\.77\.0\.0\/24/);
  });

  it('in clusterPlaybook, the role params that turn firewall and swarm off count too (the input play has no role scope)', async () => {
    const { clusterInputPlay } = await import('../../../roles/index.ts');
    const first = (params: Parameters<typeof clusterInputPlay>[0]) => clusterInputPlay(params).tasks[0] as Task<unknown>;
    const vars = { cluster_cidr: 'fd00:77::/64' };
    expect(() => planTask(first({}), { vars, facts: dual(), groups })).toThrow(ValidationError);
    expect(() => planTask(first({ params: { firewall: { firewall_manage: false } } }), { vars, facts: dual(), groups })).toThrow(/the swarm role advertises/);
    expect(planTask(first({ params: { firewall: { firewall_manage: false }, swarm: { swarm_manage: false } } }), { vars, facts: dual(), groups }).plan.failed).toBeUndefined();
  });

  it('stops the firewall rules at preflight (never silently IPv4 rules without the cluster), and is no concern with firewall_manage: false', () => {
    const vars = { ...firewall.defaults, cluster_cidr: 'fd00:77::/64' };
    const results = ok(byName(firewall, 'firewall backend'), { backend: 'nftables', installed: true });
    const rules = byName(firewall, 'cluster firewall rules');
    expect(() => planTask(rules, { vars, facts: dual(), results })).toThrow(/variable 'cluster_cidr' = "fd00:77::\/64" is an IPv6 network: the firewall role writes IPv4 rules only/);
    expect(planTask(rules, { vars: { ...vars, firewall_manage: false }, facts: dual(), results }).plan.skipped).toBe('conditional result was false');
  });

  it('stops swarm init at preflight, naming cluster_cidr', () => {
    const vars = { ...swarm.defaults, cluster_cidr: 'fd00:77::/64' };
    const init = byName(swarm, 'swarm init (first manager)');
    const results = ok(byName(swarm, 'swarm state'), { state: 'inactive', dockerInstalled: true, daemonUp: true, remoteManagers: [] });
    expect(() => planTask(init, { vars, facts: dual(), groups, results, hostResults: { node1: results } })).toThrow(/is an IPv6 network: the swarm role advertises and joins on IPv4 addresses only/);
  });

  it('is honoured by the consul role: binds on the IPv6 address, retry_join in brackets (Consul\'s join syntax)', () => {
    const gossip = byName(consul, 'gossip key (once)');
    const vars = { ...consul.defaults, cluster_cidr: 'fd00:77::/64' };
    const w = planTask(byName(consul, 'consul config'), { vars, facts: dual(), groups: { managers: ['node1'] }, results: ok(gossip, { key: 'k' }), reads: () => missing }).plan.changes[0];
    const cfg = JSON.parse(w?.kind === 'write' ? String(w.content) : '{}') as Record<string, unknown>;
    expect(cfg).toMatchObject({ bind_addr: 'fd00:77::11', advertise_addr: 'fd00:77::11', retry_join: ['[fd00:77::11]'], client_addr: '127.0.0.1 fd00:77::11' });
  });
});
