/** Run the real `rig` CLI as a child process (no TTY, like CI) and read its --json report. */
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../support/temp-dir.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** One task's result on one host, as the JSON report has it. */
export interface JsonHostResult {
  readonly status: string;
  readonly msg?: string;
  readonly predicted?: boolean;
  readonly execs: number;
  readonly changes?: readonly string[];
}

/** What a CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly report?: {
    plays: { name: string; tasks: { id: string; name: string; definedAt: string; handler: boolean; results: Record<string, JsonHostResult> }[] }[];
    recap: Record<string, { ok: number; changed: number; failed: number; unreachable: number; skipped: number; execs: number }>;
    exitCode: number;
    durationMs: number;
  };
  /** Raw JSON report text (for secret checks). */
  readonly reportText: string;
}

/** Where and which rig runs: @default rig's repository and its bin/rig.js. */
export interface RigWhere {
  /** `json: false` leaves --json to the caller's args. */
  readonly json?: boolean;
  /** Working directory (a user project). */
  readonly cwd?: string;
  /** The CLI to run (a project's node_modules/rig/bin/rig.js). */
  readonly bin?: string;
}

/** `rig <args> --json <tmp>`; env adds to process.env. */
export function rig(args: readonly string[], env: Record<string, string> = {}, opts: RigWhere = {}): Promise<CliRun> {
  const dir = tempDir('rig-cli-');
  const json = path.join(dir, 'report.json');
  const full = args[0] === 'run' && opts.json !== false ? [...args, '--json', json] : [...args];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [opts.bin ?? path.join(repo, 'bin/rig.js'), ...full], { cwd: opts.cwd ?? repo, env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const reportText = existsSync(json) ? readFileSync(json, 'utf8') : '';
      resolve({ code: code ?? -1, stdout, stderr, reportText, report: reportText ? JSON.parse(reportText) : undefined });
    });
  });
}

/** host → sorted list of "task@definedAt" with the given status (handlers included). */
export function tasksWithStatus(run: CliRun, status: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const play of run.report?.plays ?? []) {
    for (const t of play.tasks) {
      for (const [host, r] of Object.entries(t.results)) {
        if (r.status === status) (out[host] ??= []).push(`${t.name}@${t.definedAt}`);
      }
    }
  }
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

/** host → sorted declared ids (`play/role/name`, src/runner/task-ids.ts) of the tasks with the given status: the key
 *  that compares two runs (processes) of one playbook exactly, loop and repeated tasks included. */
export function idsWithStatus(run: CliRun, status: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const play of run.report?.plays ?? []) {
    for (const t of play.tasks) for (const [host, r] of Object.entries(t.results)) if (r.status === status) (out[host] ??= []).push(t.id);
  }
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

/** Path inside the repo. */
export const repoPath = (...p: string[]) => path.join(repo, ...p);
