/** Loop devices at an offset (no partition scanning on these machines) and the mounts on them, always released. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { onCleanup, type CleanupHandle } from './cleanup.ts';
import { must } from './exec.ts';

/** A filesystem inside an image file, attached and mounted until `release()`. */
export interface MountedImage {
  device: string;
  mountpoint: string;
  release(): void;
}

function quiet(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // nothing to release
  }
}

/** Unmount everything under `mountpoint` (debootstrap leaves proc/sys inside when killed). */
export function unmountAll(mountpoint: string): void {
  quiet('umount', ['-R', mountpoint]);
  quiet('umount', ['-R', '-l', mountpoint]);
}

/** Detach every loop device still backed by `file` (left over by a run that was killed with -9). */
export function detachStale(file: string, mountpoint?: string): void {
  if (mountpoint) unmountAll(mountpoint);
  let out = '';
  try {
    out = execFileSync('losetup', ['-n', '-O', 'NAME', '-j', file], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const dev of out.split('\n').map((s) => s.trim()).filter(Boolean)) {
    quiet('umount', ['-l', dev]);
    quiet('losetup', ['-d', dev]);
  }
}

/** Attach `file` at `offset` for `size` bytes; the device is detached on release, exit or signal. */
export async function attachAt(file: string, offset: number, size: number): Promise<{ device: string; handle: CleanupHandle }> {
  const device = (await must('losetup', ['-f', '--show', '-o', String(offset), '--sizelimit', String(size), file])).trim();
  const handle = onCleanup(() => quiet('losetup', ['-d', device]));
  return { device, handle };
}

/** Mount `device` on `mountpoint`; unmounted (recursively) and its loop detached on release, exit or signal. */
export async function mountLoop(device: string, loop: CleanupHandle, mountpoint: string): Promise<MountedImage> {
  await must('mount', [device, mountpoint]);
  const handle = onCleanup(() => unmountAll(mountpoint));
  return {
    device,
    mountpoint,
    release: () => {
      handle.release();
      loop.release();
    },
  };
}

/**
 * Pids whose mount namespace still has `device` mounted. A namespace made with `unshare -m` while the image was mounted
 * here (the integration tests' hosts) keeps its own copy of the mount: unmounting here then writes nothing out.
 */
export function mountedElsewhere(device: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let text = '';
    try {
      text = readFileSync(`/proc/${d}/mountinfo`, 'utf8');
    } catch {
      continue;
    }
    // "36 35 7:0 / /mnt rw,relatime shared:1 - ext4 /dev/loop0 rw": the source follows the fs type after " - "
    if (text.split('\n').some((l) => l.split(' - ')[1]?.split(' ')[1] === device)) pids.push(Number(d));
  }
  return pids;
}
