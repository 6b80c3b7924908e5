import { describe, expect, it } from 'vitest';
import { pickCidrAddress, parseCidr } from '../../../roles/lib/cidr.ts';
import { grubTokens, kernelAtLeast } from '../../../roles/kernel/index.ts';
import { debianFacts, planTask } from '../../../src/testing/index.ts';
import type { TaskContext } from '../../../src/index.ts';

const ifs = debianFacts().interfaces; // eth0 10.0.2.15 (NAT), eth1 10.77.0.11 (private)

describe('cluster address by CIDR (not a hard-coded eth1)', () => {
  it('picks the interface inside cluster_cidr', () => expect(pickCidrAddress('lab1', ifs, '10.77.0.0/24')).toEqual({ interface: 'eth1', address: '10.77.0.11' }));
  it('bad CIDR: error naming host and variable', () => {
    expect(() => pickCidrAddress('lab1', ifs, '10.77.0.0/33')).toThrow(/lab1: variable 'cluster_cidr' = "10.77.0.0\/33"/);
    expect(parseCidr('10.77.0.5/24')).toBeUndefined();
  });
  it('host without an address inside: error naming host, variable and what it has', () => {
    expect(() => pickCidrAddress('lab2', ifs, '192.168.50.0/24')).toThrow(/host lab2 has no address inside cluster_cidr 192.168.50.0\/24 \(it has: lo 127.0.0.1, eth0 10.0.2.15, eth1 10.77.0.11\)/);
  });
});

describe('kernel role helpers', () => {
  it('kernel >= 3.16', () => {
    expect(kernelAtLeast('6.1.0-27-amd64', 3, 16)).toBe(true);
    expect(kernelAtLeast('3.10.0-1160.el7.x86_64', 3, 16)).toBe(false);
  });
  it('grub tokens from a string or a list', () => {
    expect(grubTokens('cgroup_enable=memory  swapaccount=1')).toEqual(['cgroup_enable=memory', 'swapaccount=1']);
    expect(grubTokens(['a=1'])).toEqual(['a=1']);
  });
});

describe('consul rolling restart', () => {
  it('restarts one host at a time and waits until that node is alive in consul members', async () => {
    const { restartConsul } = await import('../../../roles/consul/index.ts');
    expect(restartConsul.options.serial).toBe(1);
    const { plan } = planTask(restartConsul, { facts: { ...debianFacts(), hostname: 'lab2' } });
    const cmd = plan.changes.map((c) => (c.kind === 'exec' ? c.command : '')).join('\n');
    expect(cmd).toContain("n=lab2;");
    expect(cmd).toMatch(/systemctl restart consul && .*until \/usr\/local\/bin\/consul members -status=alive .*grep -qxF "\$n"/);
    expect(cmd).toMatch(/exit 1/);
    // declared, so the terminal shows the wait (elapsed, limit) while the node rejoins
    expect(plan.changes[0]).toMatchObject({ waits: { what: 'lab2 alive in consul members after the restart', limitSec: 120 } });
  });
});

describe('addresses of hosts outside the run', () => {
  it('an unknown consul server address is an error naming host and fix, never a guessed inventory name', async () => {
    const { requireClusterAddressOf } = await import('../../../roles/lib/cluster.ts');
    const ctx = { host: { name: 'lab2' }, factsOf: () => undefined, hostvars: (h: string) => (h === 'lab3' ? { cluster_address: '10.77.0.13' } : {}) } as unknown as TaskContext<unknown>;
    expect(() => requireClusterAddressOf(ctx, 'lab1', 'consul server')).toThrow(/the cluster address of consul server lab1 is unknown: it is not in this run \(--limit\) and rig has no cached facts for it/);
    expect(requireClusterAddressOf(ctx, 'lab3', 'consul server')).toBe('10.77.0.13');
  });
});
