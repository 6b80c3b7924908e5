/** Where the lab keeps its caches and runtime state, and the fixed layout of its VMs. */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from './errors.ts';
import { RELEASES, type LabRelease } from './image-recipe.ts';

/** The repository root (test/lab/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The non-root lab user on every VM (passwordless sudo, lab key). */
export const LAB_USER = 'rig';

/** The private cluster segment (NIC 2, eth1 in the guests). */
export const PRIVATE_CIDR = '10.77.0.0/24';

/** Guest name of the private NIC (net.ifnames=0 keeps cloud-style eth0/eth1 names). */
export const PRIVATE_IFACE = 'eth1';

/** RAM per VM in MiB. */
export const VM_MEMORY_MIB = 1024;

/** Default number of VMs. */
export const DEFAULT_VM_COUNT = 3;

/** Every path the lab uses: caches survive `down`, `run` does not. */
export interface LabPaths {
  root: string;
  images: string;
  debs: string;
  ssh: string;
  privateKey: string;
  hostKeys: string;
  consul: string;
  run: string;
  lock: string;
  inventory: string;
}

/** Resolve the lab's paths: cache in RIG_LAB_DIR or ~/.cache/rig-lab, inventory in <repo>/inventory/lab. */
export function labPaths(env: NodeJS.ProcessEnv = process.env): LabPaths {
  const root = resolve(env['RIG_LAB_DIR'] || join(homedir(), '.cache', 'rig-lab'));
  return {
    root,
    images: join(root, 'images'),
    debs: join(root, 'debs'),
    ssh: join(root, 'ssh'),
    privateKey: join(root, 'ssh', 'id_ed25519'),
    hostKeys: join(root, 'hostkeys'),
    consul: join(root, 'consul'),
    run: join(root, 'run'),
    lock: join(root, 'lab.lock'),
    inventory: resolve(env['RIG_LAB_INVENTORY'] || join(REPO_ROOT, 'inventory', 'lab')),
  };
}

/** One VM of the lab, fully determined by its index. */
export interface VmSpec {
  name: string;
  index: number;
  group: 'managers' | 'workers';
  sshPort: number;
  privateIp: string;
  prefixLength: number;
  mgmtMac: string;
  privateMac: string;
  uuid: string;
  /** Debian release the VM boots. */
  release: LabRelease;
}

/**
 * The default releases, cycled over the VMs: a mixed cluster (lab1 and lab3 Debian 13, lab2 Debian 12), so one run
 * proves docker.io 26 and 20.10, kernels 6.12 and 6.1, and both GRUB versions side by side.
 */
export const DEFAULT_RELEASES: readonly LabRelease[] = ['trixie', 'bookworm'];

/**
 * Each VM's release from RIG_LAB_RELEASES: one suite for every VM (`trixie`), or a comma list cycled over the VMs
 * (`trixie,bookworm`); default DEFAULT_RELEASES. Throws LabError naming the variable for an unknown suite.
 */
export function labReleases(count: number, env: NodeJS.ProcessEnv = process.env): LabRelease[] {
  const raw = env['RIG_LAB_RELEASES']?.trim();
  const list = raw ? raw.split(',').map((r) => r.trim()) : [...DEFAULT_RELEASES];
  const bad = list.filter((r) => !Object.hasOwn(RELEASES, r));
  if (bad.length || !list.length) {
    throw new LabError(`RIG_LAB_RELEASES=${JSON.stringify(raw)}: unknown Debian release ${bad.map((b) => JSON.stringify(b)).join(', ') || '(empty)'}; use ${Object.keys(RELEASES).join(' or ')}, or a comma list of them`);
  }
  return Array.from({ length: count }, (_, i) => list[i % list.length] as LabRelease);
}

/** Ports: SSH forwards from RIG_LAB_SSH_PORT (default 2201) upwards; the private segment's multicast port. */
export function portBase(env: NodeJS.ProcessEnv = process.env): { ssh: number; mcast: number } {
  return { ssh: Number(env['RIG_LAB_SSH_PORT'] || 2201), mcast: Number(env['RIG_LAB_MCAST_PORT'] || 23077) };
}

/** The VMs lab1..labN: lab1 is the manager, the rest are workers. */
export function vmSpecs(count: number, env: NodeJS.ProcessEnv = process.env): VmSpec[] {
  const { ssh } = portBase(env);
  const releases = labReleases(count, env);
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const hex = n.toString(16).padStart(2, '0');
    return {
      name: `lab${n}`,
      index: n,
      group: n === 1 ? 'managers' : 'workers',
      sshPort: ssh + i,
      privateIp: `10.77.0.${10 + n}`,
      prefixLength: 24,
      mgmtMac: `52:54:00:12:34:${hex}`,
      privateMac: `52:54:00:77:00:${hex}`,
      uuid: `7269672d-6c61-6200-0000-0000000000${hex}`,
      release: releases[i]!,
    };
  });
}
