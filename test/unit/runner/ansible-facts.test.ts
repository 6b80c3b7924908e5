/** rig's facts under Ansible's names (data: facts in, Ansible-named values out), and as template names. */
import { describe, expect, it } from 'vitest';
import { ansibleFacts, ansibleFactVar } from '../../../src/runner/ansible-facts.ts';
import { debianFacts } from '../../../src/testing/index.ts';

describe('ansibleFacts', () => {
  it('a Debian 12 host, as ansible-core names it', () => {
    expect(ansibleFacts(debianFacts({ hostname: 'node1', fqdn: 'node1.lab.example' }))).toMatchObject({
      hostname: 'node1',
      fqdn: 'node1.lab.example',
      distribution: 'Debian',
      distribution_release: 'bookworm',
      distribution_major_version: '12',
      os_family: 'Debian',
      kernel: '6.1.0-27-amd64',
      architecture: 'x86_64',
      processor_vcpus: 1,
      memtotal_mb: 1024,
      interfaces: ['lo', 'eth0', 'eth1'],
      all_ipv4_addresses: ['10.0.2.15', '10.77.0.11'],
      default_ipv4: { interface: 'eth0', address: '10.0.2.15', prefix: '24', netmask: '255.255.255.0', gateway: '10.0.2.2', macaddress: '52:54:00:00:00:01', mtu: 1500 },
    });
  });

  it.each([
    [{ os: { id: 'ubuntu', idLike: ['debian'], name: 'Ubuntu', versionId: '24.04', codename: 'noble', family: 'debian' as const } }, { distribution: 'Ubuntu', distribution_major_version: '24', os_family: 'Debian' }],
    [{ os: { id: 'rocky', idLike: ['rhel'], name: 'Rocky Linux', versionId: '9.4', family: 'redhat' as const } }, { distribution: 'Rocky', distribution_release: '', os_family: 'RedHat' }],
    [{ os: { id: 'someos', idLike: [], name: 'Some OS', versionId: '1', family: 'unknown' as const } }, { distribution: 'Some OS' }],
    [{ defaultRoute: undefined }, { default_ipv4: {} }],
    [{ hostname: 'web1.example.com' }, { hostname: 'web1', nodename: 'web1.example.com' }],
  ])('%j → %j', (over, want) => expect(ansibleFacts(debianFacts(over))).toMatchObject(want));

  it('ansible_<name> for the names Ansible has, undefined otherwise', () => {
    const f = debianFacts();
    expect([ansibleFactVar(f, 'ansible_os_family'), ansibleFactVar(f, 'ansible_nope'), ansibleFactVar(f, 'hostname')]).toEqual(['Debian', undefined, undefined]);
  });
});
