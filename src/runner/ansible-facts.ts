/**
 * Ansible's names for the facts rig gathers, so inventories and `-a` text written for Ansible read them:
 * `ansible_default_ipv4.address`, `ansible_hostname`, `ansible_distribution`… (and, unprefixed, inside `ansible_facts`).
 * Only what rig's facts hold; values follow ansible-core's setup module on the same host where rig knows them.
 * Source: ansible/module_utils/facts (distribution.py, network/linux.py, hardware/linux.py, system/platform.py).
 */
import type { HostFacts, OsFamily } from '../core/index.ts';

// distro ids as Ansible's distribution fact spells them (distro.id() → OS_DISTRIBUTION name)
const DISTRIBUTION: Readonly<Record<string, string>> = {
  debian: 'Debian', ubuntu: 'Ubuntu', raspbian: 'Debian', centos: 'CentOS', rhel: 'RedHat', rocky: 'Rocky', almalinux: 'AlmaLinux',
  fedora: 'Fedora', ol: 'OracleLinux', amzn: 'Amazon', alpine: 'Alpine', arch: 'Archlinux', 'opensuse-leap': 'openSUSE Leap',
  'opensuse-tumbleweed': 'openSUSE Tumbleweed', sles: 'SLES', linuxmint: 'Linux Mint', pop: 'Pop!_OS',
};
const FAMILY: Readonly<Record<OsFamily, string>> = { debian: 'Debian', redhat: 'RedHat', suse: 'Suse', arch: 'Archlinux', alpine: 'Alpine', unknown: 'unknown' };

/** An IPv4 prefix length as a dotted netmask (24 → 255.255.255.0). */
function netmask(prefix: number): string {
  const n = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** The facts under Ansible's names, without the `ansible_` prefix (as `ansible_facts` holds them). */
export function ansibleFacts(f: HostFacts): Readonly<Record<string, unknown>> {
  const v4 = f.interfaces.flatMap((i) => i.addresses.filter((a) => a.family === 'inet').map((a) => ({ i, a })));
  const v6 = f.interfaces.flatMap((i) => i.addresses.filter((a) => a.family === 'inet6').map((a) => a.address));
  const route = f.defaultRoute;
  const dflt = route ? v4.find((x) => x.i.name === route.interface) : undefined;
  return {
    hostname: f.hostname.split('.')[0],
    nodename: f.hostname,
    fqdn: f.fqdn,
    distribution: DISTRIBUTION[f.os.id] ?? f.os.name,
    distribution_release: f.os.codename ?? '',
    distribution_version: f.os.versionId,
    distribution_major_version: f.os.versionId.split('.')[0] ?? '',
    os_family: FAMILY[f.os.family],
    system: 'Linux',
    kernel: f.kernel.release,
    kernel_version: f.kernel.version,
    architecture: f.arch,
    machine: f.arch,
    processor_vcpus: f.cpus,
    memtotal_mb: f.memory.totalMb,
    swaptotal_mb: f.memory.swapTotalMb,
    service_mgr: f.initSystem,
    pkg_mgr: f.packageManager,
    virtualization_type: f.virtualization,
    apparmor: { status: f.apparmor },
    user_id: f.user.name,
    user_uid: f.user.uid,
    user_dir: f.user.home,
    cmdline_raw: f.cmdline,
    interfaces: f.interfaces.map((i) => i.name),
    all_ipv4_addresses: v4.filter((x) => !x.a.address.startsWith('127.')).map((x) => x.a.address),
    all_ipv6_addresses: v6.filter((a) => a !== '::1'),
    default_ipv4: dflt
      ? {
          interface: dflt.i.name,
          address: dflt.a.address,
          prefix: String(dflt.a.prefixlen),
          netmask: netmask(dflt.a.prefixlen),
          ...(route?.gateway !== undefined && { gateway: route.gateway }),
          ...(dflt.i.mac !== undefined && { macaddress: dflt.i.mac }),
          mtu: dflt.i.mtu,
        }
      : {},
  };
}

/** `ansible_<name>` for a fact name Ansible has and rig knows, else undefined. */
export function ansibleFactVar(f: HostFacts, name: string): unknown {
  if (!name.startsWith('ansible_')) return undefined;
  const facts = ansibleFacts(f);
  const key = name.slice('ansible_'.length);
  return Object.hasOwn(facts, key) ? facts[key] : undefined;
}
