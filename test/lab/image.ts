/** A Debian base image per release: debootstrap into an offset-loop ext4, GRUB installed by a first boot, cached by recipe hash. */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Accel } from './accel.ts';
import type { LabPaths } from './config.ts';
import { LabError } from './errors.ts';
import { must, run } from './exec.ts';
import {
  CHROOT_STEPS, CMDLINE_DEFAULT, DISK_BYTES, FIRSTBOOT_OK, GUEST_FILES, PACKAGES, PART_OFFSET, RELEASE_PACKAGES, REMOVE_PATHS, ROOT_LABEL,
  type LabRelease,
} from './image-recipe.ts';
import { attachAt, detachStale, mountedElsewhere, mountLoop } from './loop.ts';
import { debianMirror } from './mirror.ts';
import { requireFreeDisk } from './preflight.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** Hash of the recipe (this builder, image-recipe.ts and the release): a new hash means a new image. */
export function recipeHash(release: LabRelease): string {
  const h = createHash('sha256');
  for (const f of ['image.ts', 'image-recipe.ts']) h.update(readFileSync(join(here, f)));
  h.update(release);
  return h.digest('hex').slice(0, 12);
}

/** Path of the cached base image of `release` for the current recipe. */
export function baseImagePath(paths: LabPaths, release: LabRelease): string {
  return join(paths.images, `base-${release}-${recipeHash(release)}.raw`);
}

/** Timings of one image build, stored next to the image. */
export interface ImageBuildInfo {
  release: LabRelease;
  hash: string;
  mirror: string;
  debootstrapSeconds: number;
  firstBootSeconds: number;
  totalSeconds: number;
  builtAt: string;
}

/** Return the cached base image of `release`, building it first when the recipe changed. */
export async function ensureBaseImage(
  paths: LabPaths, accel: Accel, release: LabRelease, log: (m: string) => void,
): Promise<{ path: string; build: ImageBuildInfo | null }> {
  const path = baseImagePath(paths, release);
  if (existsSync(path)) return { path, build: null };
  mkdirSync(paths.images, { recursive: true });
  requireFreeDisk(paths.images, 6, `the ${release} base image build (4 GB sparse disk, ~1.5 GB used, plus the package cache)`);
  const build = await buildImage(paths, accel, release, (m) => log(`[${release}] ${m}`));
  return { path, build };
}

async function buildImage(paths: LabPaths, accel: Accel, release: LabRelease, log: (m: string) => void): Promise<ImageBuildInfo> {
  const hash = recipeHash(release);
  const work = join(paths.images, `build-${release}-${hash}`);
  // one package cache per release: two builds may run at once, and a package of the same name differs between them
  const debs = join(paths.debs, release);
  const raw = join(work, 'disk.raw');
  const mnt = join(work, 'mnt');
  detachStale(raw, mnt);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(mnt, { recursive: true });
  mkdirSync(debs, { recursive: true });
  const t0 = Date.now();
  const mirror = debianMirror(release);

  writeFileSync(raw, '');
  await must('truncate', ['-s', String(DISK_BYTES), raw]);
  await must('parted', ['-s', raw, 'mklabel', 'msdos', 'mkpart', 'primary', 'ext4', `${PART_OFFSET}B`, '100%', 'set', '1', 'boot', 'on']);
  const size = await partitionSize(raw);
  const loop = await attachAt(raw, PART_OFFSET, size);
  await must('mkfs.ext4', ['-q', '-L', ROOT_LABEL, loop.device]);
  const fs = await mountLoop(loop.device, loop.handle, mnt);
  let kernel: string;
  let initrd: string;
  let debootstrapSeconds: number;
  try {
    log(`debootstrap ${release} from ${mirror} (log: ${join(work, 'debootstrap.log')})`);
    const tb = Date.now();
    await must('debootstrap', ['--variant=minbase', `--include=${[...PACKAGES, ...RELEASE_PACKAGES[release]].join(',')}`, `--cache-dir=${debs}`, release, mnt, mirror], {
      logFile: join(work, 'debootstrap.log'),
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    debootstrapSeconds = (Date.now() - tb) / 1000;
    log(`debootstrap done in ${debootstrapSeconds.toFixed(0)} s; configuring`);
    await configure(mnt);
    kernel = join(work, 'vmlinuz');
    initrd = join(work, 'initrd.img');
    const boot = readdirSync(join(mnt, 'boot'));
    const vmlinuz = boot.find((f) => f.startsWith('vmlinuz-'));
    const initramfs = boot.find((f) => f.startsWith('initrd.img-'));
    if (!vmlinuz || !initramfs) throw new LabError(`the image has no kernel/initrd in /boot (found: ${boot.join(' ')})`);
    copyFileSync(join(mnt, 'boot', vmlinuz), kernel);
    copyFileSync(join(mnt, 'boot', initramfs), initrd);
  } finally {
    fs.release();
  }
  const holders = mountedElsewhere(loop.device);
  if (holders.length) {
    throw new LabError(
      `the new image's filesystem (${loop.device}) is still mounted in the mount namespace of pid ${holders.slice(0, 5).join(', ')} ` +
        '(a process started with unshare -m while the image was being built, e.g. the integration tests\' hosts), so it was ' +
        'not written out and would boot without the lab\'s files: build the lab when no such process runs (npm test runs the tiers one after another)',
    );
  }

  log(`first boot: installing GRUB from inside the VM (${accel.kind})`);
  const tf = Date.now();
  const serial = join(work, 'firstboot.log');
  const r = await run('qemu-system-x86_64', [
    ...accel.args, '-m', '1024', '-smp', '2', '-nodefaults', '-display', 'none', '-no-reboot',
    '-drive', `file=${raw},if=virtio,format=raw`,
    '-kernel', kernel, '-initrd', initrd, '-append', `root=/dev/vda1 rw ${CMDLINE_DEFAULT}`,
    '-serial', `file:${serial}`,
  ], { timeoutMs: 20 * 60_000 });
  const firstBootSeconds = (Date.now() - tf) / 1000;
  const console = existsSync(serial) ? readFileSync(serial, 'utf8') : '';
  if (r.code !== 0 || !console.includes(FIRSTBOOT_OK)) {
    throw new LabError(`first boot did not install GRUB (qemu exit ${r.code}${r.code === 124 ? ', timed out' : ''}): see ${serial}`);
  }
  const path = baseImagePath(paths, release);
  renameSync(raw, path);
  chmodSync(path, 0o444);
  rmSync(work, { recursive: true, force: true });
  const info: ImageBuildInfo = {
    release, hash, mirror, debootstrapSeconds, firstBootSeconds, totalSeconds: (Date.now() - t0) / 1000, builtAt: new Date().toISOString(),
  };
  writeFileSync(path.replace(/\.raw$/, '.json'), JSON.stringify(info, null, 2) + '\n');
  log(`base image ${path} built in ${info.totalSeconds.toFixed(0)} s (first boot ${firstBootSeconds.toFixed(0)} s)`);
  return info;
}

async function partitionSize(raw: string): Promise<number> {
  const out = await must('parted', ['-s', '-m', raw, 'unit', 'B', 'print']);
  const line = out.split('\n').find((l) => l.startsWith('1:'));
  const start = Number(/^1:(\d+)B/.exec(line ?? '')?.[1]);
  const size = Number(/^1:\d+B:\d+B:(\d+)B/.exec(line ?? '')?.[1]);
  if (start !== PART_OFFSET || !size) throw new LabError(`unexpected partition table on ${raw}: ${line ?? out}`);
  return size;
}

async function configure(root: string): Promise<void> {
  for (const f of GUEST_FILES) {
    const p = join(root, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
    chmodSync(p, f.mode);
  }
  for (const p of REMOVE_PATHS) rmSync(join(root, p), { force: true });
  for (const step of CHROOT_STEPS) await must('chroot', [root, ...step], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Remove base images of older recipes that nothing uses any more. */
export function pruneOldImages(paths: LabPaths, keepPaths: readonly string[]): void {
  if (!existsSync(paths.images)) return;
  for (const f of readdirSync(paths.images)) {
    const p = join(paths.images, f);
    if (/^base-([a-z]+-)?[0-9a-f]+\.(raw|json)$/.test(f) && !keepPaths.some((k) => k.replace(/\.raw$/, '') === p.replace(/\.(raw|json)$/, ''))) {
      rmSync(p, { force: true });
    }
  }
}

/** Bytes the image really occupies (it is sparse). */
export function allocatedBytes(path: string): number {
  return statSync(path).blocks * 512;
}
