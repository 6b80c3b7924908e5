/** Plausible facts of a Debian 12 host, for planning tasks without a host. */
import type { HostFacts } from '../core/index.ts';

/** Debian 12 amd64 facts; override any field. */
export function debianFacts(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    os: { id: 'debian', idLike: [], name: 'Debian GNU/Linux', versionId: '12', codename: 'bookworm', family: 'debian' },
    kernel: { release: '6.1.0-27-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1' },
    arch: 'x86_64',
    hostname: 'node1',
    fqdn: 'node1',
    bootId: '00000000-0000-4000-8000-000000000001',
    cmdline: 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-27-amd64 root=/dev/vda1 ro quiet',
    interfaces: [
      { name: 'lo', up: true, mtu: 65536, addresses: [{ family: 'inet', address: '127.0.0.1', prefixlen: 8 }] },
      { name: 'eth0', mac: '52:54:00:00:00:01', up: true, mtu: 1500, addresses: [{ family: 'inet', address: '10.0.2.15', prefixlen: 24 }] },
      { name: 'eth1', mac: '52:54:00:00:01:01', up: true, mtu: 1500, addresses: [{ family: 'inet', address: '10.77.0.11', prefixlen: 24 }] },
    ],
    defaultRoute: { interface: 'eth0', gateway: '10.0.2.2' },
    memory: { totalMb: 1024, availableMb: 700, swapTotalMb: 0 },
    cpus: 1,
    initSystem: 'systemd',
    packageManager: 'apt',
    virtualization: 'kvm',
    apparmor: 'enabled',
    user: { name: 'root', uid: 0, home: '/root' },
    pendingRecords: [],
    ...overrides,
  };
}
