/** The typed core facts gathered once per host (one exec) and cached for the run. */
import type { PendingRecord } from './pending-records.ts';

/** OS families rig knows how to manage. */
export type OsFamily = 'debian' | 'redhat' | 'suse' | 'arch' | 'alpine' | 'unknown';

/** One address on an interface. */
export interface InterfaceAddress {
  readonly family: 'inet' | 'inet6';
  readonly address: string;
  readonly prefixlen: number;
}

/** A network interface as `ip -j addr` reports it. */
export interface NetInterface {
  readonly name: string;
  readonly mac?: string;
  readonly up: boolean;
  readonly mtu: number;
  readonly addresses: readonly InterfaceAddress[];
}

/** Core facts of one host. */
export interface HostFacts {
  readonly os: {
    readonly id: string;
    readonly idLike: readonly string[];
    readonly name: string;
    readonly versionId: string;
    readonly codename?: string;
    readonly family: OsFamily;
  };
  readonly kernel: { readonly release: string; readonly version: string };
  readonly arch: string;
  readonly hostname: string;
  readonly fqdn: string;
  /** /proc/sys/kernel/random/boot_id: changes on every boot. */
  readonly bootId: string;
  /** /proc/cmdline of the running kernel. */
  readonly cmdline: string;
  readonly interfaces: readonly NetInterface[];
  readonly defaultRoute?: { readonly interface: string; readonly gateway?: string };
  readonly memory: { readonly totalMb: number; readonly availableMb: number; readonly swapTotalMb: number };
  readonly cpus: number;
  readonly initSystem: 'systemd' | 'openrc' | 'sysvinit' | 'unknown';
  readonly packageManager: 'apt' | 'dnf' | 'yum' | 'zypper' | 'pacman' | 'apk' | 'unknown';
  /** systemd-detect-virt output, 'none' on bare metal. */
  readonly virtualization: string;
  /**
   * Whether the kernel enforces AppArmor: 'enabled' when securityfs has /sys/kernel/security/apparmor and
   * /sys/module/apparmor/parameters/enabled is Y (runc's test, which dockerd uses), else 'disabled'.
   * Source: Ansible's `ansible_apparmor.status` fact.
   */
  readonly apparmor: 'enabled' | 'disabled';
  /** The SSH login user. */
  readonly user: { readonly name: string; readonly uid: number; readonly home: string };
  /** Handler notifications interrupted runs left on this machine (rig's own records, one per inventory host; see
   *  core/pending-records.ts). @default [] */
  readonly pendingRecords?: readonly PendingRecord[];
}
