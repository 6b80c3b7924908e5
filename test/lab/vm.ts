/** Booting a lab VM as a qcow2 overlay with two NICs, waiting for its sshd, and stopping it by pid. */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Accel } from './accel.ts';
import { onCleanup, type CleanupHandle } from './cleanup.ts';
import { VM_MEMORY_MIB, type LabPaths, type VmSpec } from './config.ts';
import { LabError } from './errors.ts';
import { must } from './exec.ts';
import { sshRun, type SshTarget } from './ssh.ts';
import { livePid, pidFile } from './state.ts';

/** run/<name>.qcow2 */
export function overlayPath(paths: LabPaths, name: string): string {
  return join(paths.run, `${name}.qcow2`);
}

/** run/<name>.serial.log: the VM's console, for when it does not come up. */
export function serialLog(paths: LabPaths, name: string): string {
  return join(paths.run, `${name}.serial.log`);
}

/** Fail early when a forwarded port is taken by something else on 127.0.0.1. */
export function requirePortFree(port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', () =>
      reject(new LabError(`127.0.0.1:${port} is already in use: stop what listens there or set RIG_LAB_SSH_PORT to another base port`)),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolvePromise()));
  });
}

/** Create the VM's overlay on the base image unless it exists (reset removes it). */
export async function ensureOverlay(paths: LabPaths, name: string, baseImage: string): Promise<string> {
  const overlay = overlayPath(paths, name);
  if (!existsSync(overlay)) await must('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', baseImage, '-F', 'raw', overlay]);
  return overlay;
}

/** Start qemu for one VM in the background (-daemonize); the VM is killed on exit/signal until the handle is forgotten. */
export async function startVm(
  paths: LabPaths, vm: VmSpec, opts: { accel: Accel; overlay: string; seed: string; mcastPort: number },
): Promise<CleanupHandle> {
  const pidf = pidFile(paths, vm.name);
  rmSync(pidf, { force: true });
  // NIC 1 is management (like a cloud's eth0): no route out unless RIG_LAB_OUTBOUND=1, SSH forwarded to loopback
  const restrict = process.env['RIG_LAB_OUTBOUND'] === '1' ? 'off' : 'on';
  await must('qemu-system-x86_64', [
    '-name', vm.name, ...opts.accel.args, '-m', String(VM_MEMORY_MIB), '-smp', '1',
    '-nodefaults', '-display', 'none', '-uuid', vm.uuid,
    '-drive', `file=${opts.overlay},if=virtio,format=qcow2`,
    '-drive', `file=${opts.seed},if=virtio,format=raw,readonly=on`,
    '-netdev', `user,id=n0,restrict=${restrict},hostfwd=tcp:127.0.0.1:${vm.sshPort}-:22`,
    '-device', `virtio-net-pci,netdev=n0,mac=${vm.mgmtMac}`,
    '-netdev', `socket,id=n1,mcast=230.0.0.1:${opts.mcastPort},localaddr=127.0.0.1`,
    '-device', `virtio-net-pci,netdev=n1,mac=${vm.privateMac}`,
    '-serial', `file:${serialLog(paths, vm.name)}`,
    '-pidfile', pidf, '-daemonize',
  ]);
  return onCleanup(() => killVm(paths, vm.name));
}

/** Kill VM `name` by its pid (TERM, then KILL after 5 s); true when one was running. Synchronous for exit handlers. */
export function killVm(paths: LabPaths, name: string): boolean {
  const pid = livePid(paths, name);
  if (pid === null) {
    rmSync(pidFile(paths, name), { force: true });
    return false;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  for (let i = 0; i < 50 && livePid(paths, name) !== null; i++) execFileSync('sleep', ['0.1']);
  if (livePid(paths, name) !== null) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    for (let i = 0; i < 20 && livePid(paths, name) !== null; i++) execFileSync('sleep', ['0.1']);
  }
  rmSync(pidFile(paths, name), { force: true });
  return true;
}

/** Poll until `true` runs over SSH (host key pinned); fails if qemu dies or the deadline passes. Returns seconds. */
export async function waitForSsh(paths: LabPaths, name: string, target: SshTarget, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < timeoutMs) {
    if (livePid(paths, name) === null) throw new LabError(`${name}'s qemu exited during boot: see ${serialLog(paths, name)}`);
    const r = await sshRun(target, 'true', 30_000, 5);
    if (r.code === 0) return (Date.now() - t0) / 1000;
    last = r.stderr.trim().split('\n').slice(-1)[0] ?? '';
    // a host key mismatch will not fix itself by waiting
    if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/.test(r.stderr)) {
      throw new LabError(`${name}: host key does not match the pinned known_hosts (${target.knownHosts}): ${last}`);
    }
    await new Promise((res) => setTimeout(res, 2000));
  }
  throw new LabError(`${name}: no SSH on 127.0.0.1:${target.port} after ${timeoutMs / 1000} s (last: ${last}); console: ${serialLog(paths, name)}`);
}
