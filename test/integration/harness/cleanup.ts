/**
 * Tearing test hosts down, synchronously so it also works from process 'exit' handlers, and finding what a crashed
 * run left behind. Everything a harness creates is named after its slot N: dir $TMP/rig-harness/N, bridge rigbrN,
 * network namespaces rigNhI, mounts under the dir.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, runSync } from './proc.ts';

/** Root of every harness's working dirs. */
export const HARNESS_ROOT = join(tmpdir(), 'rig-harness');

/** Names derived from a slot number. */
export const names = {
  dir: (slot: number): string => join(HARNESS_ROOT, String(slot)),
  /** Root-namespace end of the uplink into the slot's switch namespace (holds 10.231.SLOT.1). */
  bridge: (slot: number): string => `rigbr${slot}`,
  /** Namespace holding the slot's bridge: the real machine's firewall (docker's FORWARD DROP…) never sees host-to-host traffic. */
  switchNs: (slot: number): string => `rig${slot}sw`,
  netns: (slot: number, i: number): string => `rig${slot}h${i}`,
  veth: (slot: number, i: number): string => `rig${slot}h${i}v`,
  subnet: (slot: number): string => `10.231.${slot}`,
};

/** Identity of the process owning a slot: pid plus its start time (guards against pid reuse). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Kill every process in a network namespace (holder, sshd, sessions) and wait until they are gone. */
function killNetnsProcesses(ns: string): void {
  for (let round = 0; round < 50; round++) {
    const pids = runSync(['ip', 'netns', 'pids', ns]).stdout.split(/\s+/).filter(Boolean).map(Number);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    runSync(['sleep', '0.02']);
  }
}

/** Mount points under `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const points = lines
    .map((l) => l.split(' ')[4] ?? '')
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Remove everything of one slot. Never throws; safe to call twice. */
export function cleanupSlot(slot: number): void {
  const nsList = runSync(['ip', 'netns', 'list']).stdout;
  const prefix = `rig${slot}h`;
  const nss = nsList
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)));
  if (nsList.split('\n').some((l) => l.split(' ')[0] === names.switchNs(slot))) nss.push(names.switchNs(slot));
  for (const ns of nss) killNetnsProcesses(ns);
  const dir = names.dir(slot);
  for (const m of mountsUnder(dir)) runSync(['umount', '-l', m]);
  for (const ns of nss) runSync(['ip', 'netns', 'del', ns]);
  // deleting the host side of a veth destroys the pair even if something still pins the namespace
  for (const line of runSync(['ip', '-o', 'link', 'show']).stdout.split('\n')) {
    const m = new RegExp(`^\\d+: (rig${slot}h\\d+v)[:@]`).exec(line);
    if (m?.[1]) runSync(['ip', 'link', 'del', m[1]]);
  }
  runSync(['ip', 'link', 'del', names.bridge(slot)]);
  // never follow into a mount that is somehow still there
  if (mountsUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
}

/** Whether a slot's owner process is gone (or the slot was never finished and is older than a minute). */
function slotIsStale(slot: number): boolean {
  const dir = names.dir(slot);
  const ownerFile = join(dir, 'owner');
  if (!existsSync(ownerFile)) {
    try {
      return Date.now() - statSync(dir).mtimeMs > 60_000;
    } catch {
      return true;
    }
  }
  const [pid, start] = readFileSync(ownerFile, 'utf8').trim().split(' ');
  return !alive(Number(pid)) || processStartTime(Number(pid)) !== start;
}

/** Remove what crashed runs left: slots whose owner died, and namespaces/bridges that have no slot dir. */
export function cleanupStale(): void {
  const slots = new Set<number>();
  if (existsSync(HARNESS_ROOT)) for (const d of readdirSync(HARNESS_ROOT)) if (/^\d+$/.test(d)) slots.add(Number(d));
  for (const slot of slots) if (slotIsStale(slot)) cleanupSlot(slot);
  const orphanSlots = new Set<number>();
  for (const line of runSync(['ip', 'netns', 'list']).stdout.split('\n')) {
    const m = /^rig(\d+)(h\d+|sw)\b/.exec(line);
    if (m && !existsSync(names.dir(Number(m[1])))) orphanSlots.add(Number(m[1]));
  }
  for (const line of runSync(['ip', '-o', 'link', 'show']).stdout.split('\n')) {
    const m = /^\d+: rigbr(\d+)[:@]/.exec(line);
    if (m && !existsSync(names.dir(Number(m[1])))) orphanSlots.add(Number(m[1]));
  }
  for (const line of runSync(['ip', '-o', 'link', 'show']).stdout.split('\n')) {
    const m = /^\d+: rig(\d+)h\d+v[:@]/.exec(line);
    if (m && !existsSync(names.dir(Number(m[1])))) orphanSlots.add(Number(m[1]));
  }
  for (const slot of orphanSlots) cleanupSlot(slot);
}
