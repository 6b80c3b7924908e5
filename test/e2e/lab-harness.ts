/** The e2e harness for the VM lab: boot or reuse the lab once per suite, run commands on VMs over the system ssh. */
import { labPaths } from '../lab/config.ts';
import { cachedConsul } from '../lab/consul.ts';
import type { RunResult } from '../lab/exec.ts';
import { markChanged as markChangedLab, reset as resetLab, sshTarget, stderrLog, up, watchOwner } from '../lab/lab.ts';
import { cannotRunReason } from '../lab/preflight.ts';
import { sshRun } from '../lab/ssh.ts';
import type { ShellFragment } from '../../src/core/quote.ts';

/** A lab VM as tests see it. */
export interface LabHost {
  name: string;
  sshPort: number;
  privateIp: string;
  user: string;
}

/** Exit code and output of a command run on a VM (code 255: ssh itself failed). */
export type CommandResult = RunResult;

/** The Consul binary for the consul role, or the reason the Consul checks must skip. */
export type LabConsul = { available: true; binary: string; version: string } | { available: false; reason: string };

/** What a suite gets from `useLab()`. */
export interface Lab {
  /** inventory/lab (hosts.yml, group_vars/all.yml) for `rig run … -i`. */
  inventoryDir: string;
  /** lab1 (manager), lab2, lab3 (workers). */
  hosts: LabHost[];
  /** The host named `name` (throws if there is none). */
  host(name: string): LabHost;
  /** Run a shell command on a VM as the lab user (host key pinned, StrictHostKeyChecking=yes); never throws on exit codes. */
  run(host: LabHost | string, cmd: string | ShellFragment, opts?: { timeoutMs?: number }): Promise<CommandResult>;
  /** Like `run`, but throws with the output when the exit code is not 0; returns stdout. */
  must(host: LabHost | string, cmd: string | ShellFragment, opts?: { timeoutMs?: number }): Promise<string>;
  /** Return VMs (default all) to the pristine base image and wait for SSH. */
  reset(names?: readonly string[]): Promise<void>;
  /** This test run booted the VMs from fresh overlays (or reset them) and no suite has changed them since. */
  pristine: boolean;
  /** Record that this suite changes the VMs (call before the first change): later suites then reset before relying on them. */
  markChanged(): Promise<void>;
  /** The lab user's private key and the pinned known_hosts, for tools that take them directly. */
  privateKeyFile: string;
  knownHostsFile: string;
  consul: LabConsul;
}

/** Why the lab cannot run on this machine (not root, no loop devices, no qemu and no apt), or null. */
export function labSkipReason(): string | null {
  if (process.env['RIG_LAB_SKIP']) return `RIG_LAB_SKIP is set: ${process.env['RIG_LAB_SKIP']}`;
  return cannotRunReason();
}

let shared: Promise<Lab> | null = null;

/**
 * Boot the lab (or reuse a running one) once per test file. A lab this test run boots is torn down when the run's
 * main process exits, however it exits; a lab brought up by hand (`npm run lab:up`) is left running.
 */
export function useLab(): Promise<Lab> {
  shared ??= bootOrReuse();
  return shared;
}

async function bootOrReuse(): Promise<Lab> {
  const reason = labSkipReason();
  if (reason) throw new Error(`the VM lab cannot run here: ${reason}`);
  // vitest runs test files in forked workers: the run itself is the parent process
  const forked = typeof process.send === 'function';
  const owner = forked ? process.ppid : process.pid;
  watchOwner(owner);
  // the run died under us (kill -9): exit now so a half-done boot is cleaned up and the watchdog can take the lock
  if (forked) process.once('disconnect', () => process.exit(1));
  const r = await up({ owner, log: stderrLog });
  const paths = labPaths();
  const hosts: LabHost[] = r.state.vms.map((v) => ({ name: v.name, sshPort: v.sshPort, privateIp: v.privateIp, user: 'rig' }));
  const host = (name: string): LabHost => {
    const h = hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no lab host ${name} (have ${hosts.map((x) => x.name).join(', ')})`);
    return h;
  };
  const runOn = (h: LabHost | string, cmd: string | ShellFragment, opts?: { timeoutMs?: number }): Promise<CommandResult> =>
    sshRun(sshTarget(paths, typeof h === 'string' ? host(h) : h), typeof cmd === 'string' ? cmd : cmd.text, opts?.timeoutMs ?? 600_000);
  const consul = cachedConsul(paths) ?? r.consul;
  return {
    inventoryDir: r.inventoryDir,
    hosts,
    host,
    run: runOn,
    must: async (h, cmd, opts) => {
      const res = await runOn(h, cmd, opts);
      if (res.code !== 0) {
        const name = typeof h === 'string' ? h : h.name;
        throw new Error(`on ${name}: \`${typeof cmd === 'string' ? cmd : cmd.text}\` exited ${res.code}: ${(res.stderr || res.stdout).trim()}`);
      }
      return res.stdout;
    },
    reset: async (names) => {
      await resetLab(names ? { names } : {});
    },
    // a lab up by hand may have been changed by hand: only a lab this run booted counts as pristine
    pristine: !r.reused || (r.state.owner === owner && r.state.changed !== true),
    markChanged: () => markChangedLab(stderrLog),
    privateKeyFile: paths.privateKey,
    knownHostsFile: sshTarget(paths, { sshPort: 0 }).knownHosts,
    consul: consul.ok ? { available: true, binary: consul.binary, version: consul.version } : { available: false, reason: consul.reason },
  };
}
