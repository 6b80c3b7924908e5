/** Running host commands for the lab: captured output, timeouts, and children killed if the lab exits early. */
import { createWriteStream } from 'node:fs';
import { killRunning, runProcess } from '../support/local-process.ts';
import { LabError } from './errors.ts';

/** What a finished command returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for `run`. */
export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** Append stdout and stderr to this file instead of only capturing them. */
  logFile?: string;
}

/** Kill every command still running (cleanup on exit or signal). */
export function killChildren(): void {
  killRunning();
}

/** Run a command without a shell of ours (zx quotes every argument); resolves with its exit code (124 on timeout) and output. */
export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const log = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : null;
  try {
    const r = await runProcess([cmd, ...args], {
      env: opts.env ?? process.env,
      ...(opts.cwd !== undefined && { cwd: opts.cwd }),
      ...(opts.input !== undefined && { input: opts.input }),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      ...(log && { onOutput: (d: Buffer) => log.write(d) }),
    });
    return { code: r.timedOut ? 124 : r.code, stdout: r.stdout, stderr: r.stderr };
  } finally {
    log?.end();
  }
}

/** Run a command that must succeed; throws a LabError naming the command and the end of its stderr. */
export async function must(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ');
    const where = opts.logFile ? ` (log: ${opts.logFile})` : '';
    throw new LabError(`${cmd} ${args.slice(0, 3).join(' ')} failed (exit ${r.code}): ${tail}${where}`);
  }
  return r.stdout;
}
