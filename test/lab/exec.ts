/** Running host commands for the lab: captured output, timeouts, and children killed if the lab exits early. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
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

const children = new Set<ChildProcess>();

/** Kill every command still running (cleanup on exit or signal). */
export function killChildren(): void {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Run a command without a shell; resolves with its exit code (124 on timeout) and output. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    children.add(child);
    const log = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : null;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : null;
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      log?.write(d);
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      log?.write(d);
    });
    child.on('error', (e) => {
      stderr += String(e);
    });
    child.on('close', (code) => {
      children.delete(child);
      if (timer) clearTimeout(timer);
      log?.end();
      resolvePromise({ code: timedOut ? 124 : (code ?? 1), stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
  });
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
