/** Process helpers for the harness: run a command (async through test/support/local-process.ts, sync for exit-time cleanup). */
import { spawnSync } from 'node:child_process';
import { runProcess } from '../../support/local-process.ts';

/** Output of a finished command. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** A clean environment for everything started inside a test host. */
export const HOST_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  TERM: 'dumb',
};

/** Run argv[0] with args (zx quotes every word: no shell interpolation); resolves with the exit code (never rejects on
 *  non-zero; a missing command is 127). */
export async function run(argv: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const r = await runProcess(argv, { env: opts.env ?? HOST_ENV, ...(opts.input !== undefined && { input: opts.input }) });
  return { stdout: r.stdout, stderr: r.stderr, code: r.code };
}

/** Like run, but rejects with the command's stderr when it exits non-zero. */
export async function must(argv: readonly string[], opts: { input?: string } = {}): Promise<string> {
  const r = await run(argv, opts);
  if (r.code !== 0) throw new Error(`harness: \`${argv.join(' ')}\` exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Synchronous run for exit-time cleanup; never throws. Node's spawnSync, not zx: an exit handler cannot await, and zx's
 *  sync mode ignores `timeout` (a hung command would hold the exit forever). */
export function runSync(argv: readonly string[]): RunResult {
  const [cmd, ...args] = argv;
  const r = spawnSync(cmd as string, args, { env: HOST_ENV, encoding: 'utf8', timeout: 10_000 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', code: r.status ?? 1 };
}

/** Whether a pid is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sleep. */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
