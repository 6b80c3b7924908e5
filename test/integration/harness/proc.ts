/** Process helpers for the harness: run a command (never through a shell of ours), sync and async. */
import { spawn, spawnSync } from 'node:child_process';

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

/** Run argv[0] with args; resolves with the exit code (never rejects on non-zero). */
export function run(argv: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd as string, args, { env: opts.env ?? HOST_ENV, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? 128 + (signal ? 9 : 0),
      }),
    );
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
  });
}

/** Like run, but rejects with the command's stderr when it exits non-zero. */
export async function must(argv: readonly string[], opts: { input?: string } = {}): Promise<string> {
  const r = await run(argv, opts);
  if (r.code !== 0) throw new Error(`harness: \`${argv.join(' ')}\` exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Synchronous run for exit-time cleanup; never throws. */
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
