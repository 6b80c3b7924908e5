/** The lab's operations: up (build if needed, boot, inventory), down, reset, status. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseAccel, type Accel } from './accel.ts';
import type { CleanupHandle } from './cleanup.ts';
import { DEFAULT_VM_COUNT, LAB_USER, labPaths, portBase, REPO_ROOT, vmSpecs, type LabPaths, type VmSpec } from './config.ts';
import { cachedConsul, ensureConsul, type ConsulArtifact } from './consul.ts';
import { LabError } from './errors.ts';
import { run } from './exec.ts';
import { ensureBaseImage, pruneOldImages, type ImageBuildInfo } from './image.ts';
import type { LabRelease } from './image-recipe.ts';
import { writeInventory } from './inventory.ts';
import { ensureHostKey, ensureLabKey, knownHostsText } from './keys.ts';
import { withLock } from './lock.ts';
import { detachStale } from './loop.ts';
import { ensureHostTools, requireFreeDisk, requireRootAndLoop } from './preflight.ts';
import { buildSeed } from './seed.ts';
import { sshArgs, type SshTarget } from './ssh.ts';
import { exemptNatFromPenalties } from './sshd-nat.ts';
import { livePid, readState, statePath, writeState, type LabState, type VmRecord } from './state.ts';
import { ensureOverlay, killVm, overlayPath, requirePortFree, startVm, waitForSsh } from './vm.ts';

/** Progress output (stderr by default). */
export type Log = (msg: string) => void;

/** Default progress output: timestamped lines on stderr. */
export const stderrLog: Log = (m) => process.stderr.write(`[lab ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

const BOOT_TIMEOUT_MS = 25 * 60_000;

/** The pinned known_hosts (stable: host keys and ports do not change between runs). */
export function knownHostsPath(paths: LabPaths): string {
  return join(paths.ssh, 'known_hosts');
}

/** How to reach VM `vm` over SSH. */
export function sshTarget(paths: LabPaths, vm: { sshPort: number }): SshTarget {
  return { port: vm.sshPort, user: LAB_USER, privateKey: paths.privateKey, knownHosts: knownHostsPath(paths) };
}

/** What `up` did. */
export interface UpResult {
  state: LabState;
  inventoryDir: string;
  reused: boolean;
  /** The images built by this `up` (none when all were cached). */
  images: ImageBuildInfo[];
  bootSeconds: number | null;
  consul: ConsulArtifact;
}

/** Options for `up`. */
export interface UpOptions {
  vms?: number;
  /** A pid whose exit should tear the lab down (set by the e2e harness); null for a lab kept up by hand. */
  owner?: number | null;
  log?: Log;
}

function allRunning(paths: LabPaths, state: LabState): boolean {
  return state.vms.every((v) => livePid(paths, v.name) !== null);
}

/** Does the running lab boot each VM's wanted release (a lab from before per-VM releases has none recorded)? */
function sameReleases(state: LabState, specs: readonly VmSpec[]): boolean {
  return specs.every((s, i) => state.vms[i]?.release === s.release && state.baseImages?.[s.release] !== undefined);
}

/** Build (or find cached) the base image of every release in `specs`, at the same time: a build is mostly network and disk. */
async function baseImages(paths: LabPaths, accel: Accel, specs: readonly VmSpec[], log: Log): Promise<{ images: Partial<Record<LabRelease, string>>; builds: ImageBuildInfo[] }> {
  const releases = [...new Set(specs.map((s) => s.release))];
  const done = await Promise.all(releases.map((r) => ensureBaseImage(paths, accel, r, log)));
  return {
    images: Object.fromEntries(releases.map((r, i) => [r, done[i]!.path])),
    builds: done.flatMap((d) => (d.build ? [d.build] : [])),
  };
}

/** Bring the lab up: reuse a running one, else build the image if its recipe changed, boot the VMs from fresh overlays, write the inventory. */
export async function up(opts: UpOptions = {}): Promise<UpResult> {
  const log = opts.log ?? stderrLog;
  const count = opts.vms ?? DEFAULT_VM_COUNT;
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new LabError(`--vms must be 1..9, got ${count}`);
  requireRootAndLoop();
  await ensureHostTools(log);
  const paths = labPaths();
  const specs = vmSpecs(count);
  mkdirSync(paths.root, { recursive: true });
  return withLock(paths.lock, log, async () => {
    const existing = readState(paths);
    if (existing && existing.vms.length === count && sameReleases(existing, specs) && allRunning(paths, existing)) {
      log(`lab already up (${existing.vms.map((v) => `${v.name} ${v.release}`).join(', ')}); reusing it`);
      await Promise.all(existing.vms.map((v) => waitForSsh(paths, v.name, sshTarget(paths, v), 5 * 60_000)));
      await exemptNat(paths, existing.vms, log);
      const consul = cachedConsul(paths) ?? (await ensureConsul(paths, log));
      const inventoryDir = inventoryFor(paths, existing.vms, consul);
      return { state: existing, inventoryDir, reused: true, images: [], bootSeconds: null, consul };
    }
    if (existing) {
      log('a previous lab is partly down, a different size or other releases; stopping it first');
      stopAll(paths, existing);
    }
    mkdirSync(paths.run, { recursive: true });
    const accel = await chooseAccel();
    log(`acceleration: ${accel.kind} (${accel.why})`);
    // the Consul build (CPU) overlaps the image build (mostly network and disk)
    const consulPromise = ensureConsul(paths, log);
    const handles: CleanupHandle[] = [];
    try {
      const { images, builds } = await baseImages(paths, accel, specs, log);
      requireFreeDisk(paths.run, 1.5 * count, `${count} VM overlays`);
      const labKey = await ensureLabKey(paths);
      for (const vm of specs) await requirePortFree(vm.sshPort);
      const hostKeys = await Promise.all(specs.map((vm) => ensureHostKey(paths, vm.name)));
      writeFileSync(knownHostsPath(paths), knownHostsText(specs.map((vm, i) => ({ sshPort: vm.sshPort, publicKey: hostKeys[i]!.publicKey }))));
      const { mcast } = portBase();
      const t0 = Date.now();
      for (const [i, vm] of specs.entries()) {
        // a disk left by a lab that went down without `lab:down` (killed, crashed) is in whatever state its last run
        // left it (the e2e once found a swarm and a GRUB edit on it): booting always starts from the base image
        rmSync(overlayPath(paths, vm.name), { force: true });
        const overlay = await ensureOverlay(paths, vm.name, images[vm.release]!);
        const seed = await buildSeed(paths.run, vm, hostKeys[i]!, labKey);
        handles.push(await startVm(paths, vm, { accel, overlay, seed, mcastPort: mcast }));
      }
      const state: LabState = {
        baseImages: images, accel: accel.kind, mcastPort: mcast, vms: specs.map(record), owner: opts.owner ?? null, startedAt: new Date().toISOString(),
      };
      writeState(paths, state);
      log(`booting ${specs.map((v) => `${v.name} (${v.release}, ssh 127.0.0.1:${v.sshPort}, ${v.privateIp})`).join(', ')}`);
      const perVm = await Promise.all(specs.map((vm) => waitForSsh(paths, vm.name, sshTarget(paths, vm), BOOT_TIMEOUT_MS)));
      const bootSeconds = (Date.now() - t0) / 1000;
      await exemptNat(paths, specs, log);
      log(`all ${count} VMs answer SSH after ${bootSeconds.toFixed(0)} s (${specs.map((v, i) => `${v.name} ${perVm[i]!.toFixed(0)} s`).join(', ')})`);
      const consul = await consulPromise;
      if (!consul.ok) log(`Consul unavailable, Consul checks will skip: ${consul.reason}`);
      const inventoryDir = inventoryFor(paths, state.vms, consul);
      log(`inventory written to ${inventoryDir}`);
      for (const h of handles) h.forget();
      pruneOldImages(paths, Object.values(images));
      recordTimings(paths, { images: builds.length ? builds : null, boot: { vms: count, accel: accel.kind, seconds: bootSeconds, perVm } });
      return { state, inventoryDir, reused: false, images: builds, bootSeconds, consul };
    } catch (e) {
      for (const h of handles) h.release();
      rmSync(statePath(paths), { force: true });
      await consulPromise.catch(() => undefined);
      throw e;
    }
  });
}

/** See sshd-nat.ts: every connection from here comes from one NAT address, which Debian 13's sshd must not penalise. */
async function exemptNat(paths: LabPaths, vms: readonly { name: string; sshPort: number }[], log: Log): Promise<void> {
  const done = await Promise.all(vms.map((v) => exemptNatFromPenalties(v.name, sshTarget(paths, v))));
  log(`sshd PerSourcePenalties: ${vms.map((v, i) => `${v.name} ${done[i]}`).join('; ')}`);
}

function record(vm: VmSpec): VmRecord {
  return { name: vm.name, sshPort: vm.sshPort, privateIp: vm.privateIp, group: vm.group, release: vm.release };
}

function inventoryFor(paths: LabPaths, vms: readonly VmRecord[], consul: ConsulArtifact): string {
  return writeInventory({ dir: paths.inventory, vms, privateKey: paths.privateKey, knownHosts: knownHostsPath(paths), consul });
}

function recordTimings(paths: LabPaths, add: Record<string, unknown>): void {
  const f = join(paths.root, 'timings.json');
  let prev: Record<string, unknown> = {};
  try {
    prev = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
  } catch {
    // first record
  }
  for (const [k, v] of Object.entries(add)) if (v !== null && v !== undefined) prev[k] = v;
  writeFileSync(f, JSON.stringify(prev, null, 2) + '\n');
}

function stopAll(paths: LabPaths, state: LabState | null): string[] {
  const names = new Set(state?.vms.map((v) => v.name) ?? []);
  if (existsSync(paths.run)) for (const f of readdirSync(paths.run)) if (f.endsWith('.pid')) names.add(f.slice(0, -4));
  return [...names].filter((n) => killVm(paths, n));
}

/** Stop every VM by pid, drop overlays and seeds, release stale loop devices; caches (image, keys, Consul) stay. */
export async function down(opts: { ifOwner?: number; log?: Log } = {}): Promise<string[]> {
  const log = opts.log ?? stderrLog;
  const paths = labPaths();
  if (!existsSync(paths.root)) return [];
  return withLock(paths.lock, log, async () => {
    const state = readState(paths);
    if (opts.ifOwner !== undefined && state?.owner !== opts.ifOwner) {
      log(`lab not owned by pid ${opts.ifOwner}; leaving it up`);
      return [];
    }
    const killed = stopAll(paths, state);
    rmSync(paths.run, { recursive: true, force: true });
    if (existsSync(paths.images)) {
      for (const d of readdirSync(paths.images)) if (d.startsWith('build-')) detachStale(join(paths.images, d, 'disk.raw'), join(paths.images, d, 'mnt'));
    }
    log(killed.length ? `stopped ${killed.join(', ')}` : 'no VMs were running');
    return killed;
  });
}

/** Return VMs (all, or `names`) to the pristine base image; running ones are rebooted from fresh overlays. */
export async function reset(opts: { names?: readonly string[]; log?: Log } = {}): Promise<number | null> {
  const log = opts.log ?? stderrLog;
  const paths = labPaths();
  return withLock(paths.lock, log, async () => {
    const state = readState(paths);
    if (!state) {
      rmSync(paths.run, { recursive: true, force: true });
      log('lab is down; the next lab:up starts from pristine disks');
      return null;
    }
    const targets = state.vms.filter((v) => !opts.names || opts.names.includes(v.name));
    const unknown = (opts.names ?? []).filter((n) => !state.vms.some((v) => v.name === n));
    if (unknown.length) throw new LabError(`no such lab VM: ${unknown.join(', ')}`);
    const accel = await chooseAccel();
    const labKey = await ensureLabKey(paths);
    // each VM keeps the release it was brought up with
    const specs = vmSpecs(state.vms.length)
      .filter((s) => targets.some((t) => t.name === s.name))
      .map((s) => ({ ...s, release: state.vms.find((v) => v.name === s.name)!.release }));
    const lost = specs.filter((s) => !state.baseImages?.[s.release]);
    if (lost.length) throw new LabError(`the running lab has no base image recorded for ${lost.map((s) => s.name).join(', ')} (brought up by an older lab): run lab:down, then lab:up`);
    const t0 = Date.now();
    const handles: CleanupHandle[] = [];
    try {
      for (const vm of specs) {
        killVm(paths, vm.name);
        rmSync(overlayPath(paths, vm.name), { force: true });
        const overlay = await ensureOverlay(paths, vm.name, state.baseImages[vm.release]!);
        const seed = await buildSeed(paths.run, vm, await ensureHostKey(paths, vm.name), labKey);
        handles.push(await startVm(paths, vm, { accel, overlay, seed, mcastPort: state.mcastPort }));
      }
      await Promise.all(specs.map((vm) => waitForSsh(paths, vm.name, sshTarget(paths, vm), BOOT_TIMEOUT_MS)));
      await exemptNat(paths, specs, log);
    } catch (e) {
      for (const h of handles) h.release();
      throw e;
    }
    for (const h of handles) h.forget();
    if (!opts.names || state.vms.every((v) => opts.names!.includes(v.name))) writeState(paths, { ...state, changed: false });
    const seconds = (Date.now() - t0) / 1000;
    log(`reset ${specs.map((s) => s.name).join(', ')}: pristine and answering SSH after ${seconds.toFixed(0)} s`);
    return seconds;
  });
}

/** Record that a suite is about to change the VMs: a later suite of the same run then resets them before relying on pristine disks. */
export async function markChanged(log: Log = stderrLog): Promise<void> {
  const paths = labPaths();
  await withLock(paths.lock, log, async () => {
    const state = readState(paths);
    if (state && state.changed !== true) writeState(paths, { ...state, changed: true });
  });
}

/** One VM's status line. */
export interface VmStatus {
  name: string;
  release: string;
  pid: number | null;
  ssh: boolean;
  sshPort: number;
  privateIp: string;
}

/** What is cached and what runs. */
export interface LabStatus {
  dir: string;
  state: LabState | null;
  vms: VmStatus[];
  consul: ConsulArtifact | null;
  diskBytes: number;
}

/** Inspect the lab without changing it. */
export async function status(): Promise<LabStatus> {
  const paths = labPaths();
  const state = readState(paths);
  const vms: VmStatus[] = [];
  for (const v of state?.vms ?? []) {
    const pid = livePid(paths, v.name);
    const ssh = pid !== null && (await run('ssh', [...sshArgs(sshTarget(paths, v), 3), 'true'], { timeoutMs: 10_000 })).code === 0;
    vms.push({ name: v.name, release: v.release ?? 'unknown', pid, ssh, sshPort: v.sshPort, privateIp: v.privateIp });
  }
  const du = existsSync(paths.root) ? await run('du', ['-s', '-B1', paths.root]) : null;
  return { dir: paths.root, state, vms, consul: cachedConsul(paths), diskBytes: du ? Number(du.stdout.split(/\s/)[0]) : 0 };
}

/** Tear the lab down once `owner` exits (a test run that booted it), even if that run is killed with -9. */
export function watchOwner(owner: number): void {
  const paths = labPaths();
  mkdirSync(paths.root, { recursive: true });
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const cli = join(REPO_ROOT, 'test', 'lab', 'cli.ts');
  const out = openSync(join(paths.root, 'watchdog.log'), 'a');
  // node's spawn, not zx: the watchdog is detached and must outlive this process (zx ties a child to its promise)
  const child = spawn(
    'sh',
    ['-c', 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; exec "$2" "$3" down --if-owner "$1"', 'rig-lab-watchdog', String(owner), tsx, cli],
    { detached: true, stdio: ['ignore', out, out], cwd: REPO_ROOT },
  );
  child.unref();
}
