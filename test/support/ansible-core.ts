/**
 * The real ansible-core for comparison tests: on PATH, or installed once into a cached venv
 * (~/.cache/rig-test/ansible-venv, or $RIG_TEST_ANSIBLE_VENV). `bin` is undefined (with the reason) when it cannot be had.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './temp-dir.ts';

const run = promisify(execFile);
const venv = process.env.RIG_TEST_ANSIBLE_VENV ?? join(homedir(), '.cache/rig-test/ansible-venv');

async function which(cmd: string): Promise<string | undefined> {
  try {
    return (await run('sh', ['-c', `command -v ${cmd}`])).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Bin dir holding ansible-playbook, installing ansible-core into the cached venv if needed. */
export async function findAnsible(): Promise<{ readonly bin?: string; readonly reason?: string }> {
  const onPath = await which('ansible-playbook');
  if (onPath) return { bin: dirname(onPath) };
  const venvBin = join(venv, 'bin');
  if (existsSync(join(venvBin, 'ansible-playbook'))) return { bin: venvBin };
  try {
    await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
    await run(join(venvBin, 'pip'), ['install', '--quiet', 'ansible-core'], { timeout: 600_000 });
    return { bin: venvBin };
  } catch (e) {
    return { reason: `could not install ansible-core into ${venv}: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** A clean Ansible environment: an empty ansible.cfg (not the user's), no colour, a UTF-8 locale (ansible-core refuses others). */
export function ansibleEnv(): NodeJS.ProcessEnv {
  const home = tempDir('rig-ansible-home-');
  writeFileSync(join(home, 'ansible.cfg'), '[defaults]\n');
  return { ...process.env, ANSIBLE_CONFIG: join(home, 'ansible.cfg'), ANSIBLE_HOME: home, ANSIBLE_NOCOLOR: '1', LC_ALL: 'C.UTF-8', ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true' };
}

/** Run an ansible-core tool; resolves to stdout and stderr (rejects on a non-zero exit). */
export async function ansibleTool(bin: string, tool: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ stdout: string; stderr: string }> {
  return run(join(bin, tool), [...args], { ...opts, maxBuffer: 64 << 20 });
}
