/** The running lab's record (run/state.json) and the qemu pids behind it, checked before anything is killed. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabPaths } from './config.ts';
import type { LabRelease } from './image-recipe.ts';

/** One VM as booted. */
export interface VmRecord {
  name: string;
  sshPort: number;
  privateIp: string;
  group: 'managers' | 'workers';
  release: LabRelease;
}

/** What `up` booted, for `down`, `reset`, `status` and the e2e harness. */
export interface LabState {
  /** The base image each release's VMs boot from. */
  baseImages: Partial<Record<LabRelease, string>>;
  accel: 'kvm' | 'tcg';
  mcastPort: number;
  vms: VmRecord[];
  /** pid whose exit tears the lab down (a test run that booted it), or null for a lab brought up by hand. */
  owner: number | null;
  startedAt: string;
  /** A suite changed the VMs since they booted from the base image (`markChanged`); `reset` clears it. */
  changed?: boolean;
}

/** run/state.json */
export function statePath(paths: LabPaths): string {
  return join(paths.run, 'state.json');
}

/** The recorded state, or null when the lab was never brought up (or was brought down). */
export function readState(paths: LabPaths): LabState | null {
  const p = statePath(paths);
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as LabState;
  } catch {
    return null;
  }
}

/** Save the state. */
export function writeState(paths: LabPaths, state: LabState): void {
  writeFileSync(statePath(paths), JSON.stringify(state, null, 2) + '\n');
}

/** run/<name>.pid, written by qemu -pidfile. */
export function pidFile(paths: LabPaths, name: string): string {
  return join(paths.run, `${name}.pid`);
}

/** The pid of VM `name` if that process is alive and really is our qemu for that VM (guards against pid reuse). */
export function livePid(paths: LabPaths, name: string): number | null {
  const f = pidFile(paths, name);
  if (!existsSync(f)) return null;
  const pid = Number(readFileSync(f, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const ours = cmdline.some((a) => a.includes('qemu-system')) && cmdline.includes(f);
    return ours ? pid : null;
  } catch {
    return null;
  }
}
