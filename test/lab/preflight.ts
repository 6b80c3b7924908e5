/** Checks before the lab touches anything: root, loop devices, host tools (installed from Debian when missing), disk. */
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { run } from './exec.ts';
import { LabError } from './errors.ts';

/** Host commands the lab runs, and the Debian package that provides each. */
export const HOST_TOOLS: Readonly<Record<string, string>> = {
  'qemu-system-x86_64': 'qemu-system-x86',
  'qemu-img': 'qemu-utils',
  debootstrap: 'debootstrap',
  parted: 'parted',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  'mkfs.ext4': 'e2fsprogs',
  losetup: 'mount',
};

/** Is an executable on PATH (plus the sbin directories root normally has)? */
export function onPath(cmd: string): boolean {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/local/sbin']);
  return dirs.some((d) => {
    try {
      accessSync(join(d, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The one-line reason the lab cannot run here, or null; does not install anything. */
export function cannotRunReason(): string | null {
  if (process.platform !== 'linux') return `the VM lab needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the VM lab needs root (loop devices, mount, debootstrap): run as root, e.g. sudo npm run lab:up';
  if (!existsSync('/dev/loop-control')) return 'no loop devices (/dev/loop-control missing): load the loop module (modprobe loop) or use a machine that has them';
  const missing = missingTools();
  if (missing.length && !onPath('apt-get')) return `missing ${missing.join(', ')} and no apt-get to install them: install ${packagesFor(missing).join(' ')}`;
  return null;
}

/** Fail with a one-line error unless root and loop devices are available. */
export function requireRootAndLoop(): void {
  const reason = cannotRunReason();
  if (reason && !reason.startsWith('missing')) throw new LabError(reason);
}

function missingTools(): string[] {
  return Object.keys(HOST_TOOLS).filter((t) => !onPath(t));
}

function packagesFor(tools: string[]): string[] {
  return [...new Set(tools.map((t) => HOST_TOOLS[t] ?? t))];
}

/** Install the Debian packages for any missing host tool (non-interactive apt-get); one-line error if that fails. */
export async function ensureHostTools(log: (msg: string) => void): Promise<void> {
  const missing = missingTools();
  if (!missing.length) return;
  const pkgs = packagesFor(missing);
  if (!onPath('apt-get')) throw new LabError(`missing ${missing.join(', ')}: install the Debian packages ${pkgs.join(' ')}`);
  log(`installing ${pkgs.join(' ')} (missing ${missing.join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env });
  let r = await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env });
  // a half-configured dpkg from an earlier interrupted install is the usual cause; repair once and retry
  if (r.code !== 0) {
    await run('dpkg', ['--configure', '-a'], { env });
    await run('apt-get', ['-y', '-qq', '--fix-broken', 'install'], { env });
    r = await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env });
  }
  const still = missingTools();
  if (still.length) {
    const tail = r.stderr.trim().split('\n').slice(-1)[0] ?? '';
    throw new LabError(`missing ${still.join(', ')}: apt-get install ${packagesFor(still).join(' ')} failed: ${tail}`);
  }
}

/** Free bytes on the filesystem holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** Fail with a clear error when `dir` has less than `needGiB` free. */
export function requireFreeDisk(dir: string, needGiB: number, what: string): void {
  const free = freeBytes(dir) / 2 ** 30;
  if (free < needGiB) {
    throw new LabError(`not enough disk for ${what}: ${free.toFixed(1)} GiB free in ${dir}, need ${needGiB} GiB (free some space or set RIG_LAB_DIR to a bigger disk)`);
  }
}
