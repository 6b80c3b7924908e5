/**
 * Local processes for the tests, the lab and the bench, through zx: the one file of test/ and bench/ that imports it
 * (scripts/build.mjs, the package build, is a zx script of its own). zx's `$` runs one
 * command line in bash, built by quoting every argv word (`$'…'` for anything beyond `[\w/.\-@:=]`), so no argument is
 * ever interpolated by a shell; a timeout kills the whole process tree (zx's kill walks it with `ps`), not only the
 * command.
 */
import { constants } from 'node:os';
import { $, which, type ProcessPromise } from 'zx';

/** Options of `runProcess`. */
export interface ProcessOptions {
  /** The whole environment of the process. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  readonly input?: string | Buffer;
  /** Kill the process tree with SIGKILL after this many milliseconds (then `timedOut`, whatever the exit code). @default no limit */
  readonly timeoutMs?: number;
  /** Called with each chunk of stdout and stderr as it arrives (a log file), besides capturing it. */
  readonly onOutput?: (chunk: Buffer) => void;
}

/** What a finished process gave. */
export interface ProcessResult {
  /** The exit code; 128 + the signal's number when a signal ended it (as a shell reports it). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Killed by `timeoutMs`. */
  readonly timedOut: boolean;
}

const running = new Set<ProcessPromise>();

// zx finds the tree with `ps`; without it (a minimal container) its parser throws an uncaught TypeError and ends the
// whole process: there, a timeout kills the direct child only, as the hand-rolled runners did
// (ProcessPromise.kill calls the global $.kill, so it is set there: nothing else in a test or bench process uses zx)
if (which.sync('ps', { nothrow: true }) === null) {
  $.kill = async (pid: number | `${number}`, signal?: NodeJS.Signals): Promise<void> => {
    try {
      process.kill(Number(pid), signal);
    } catch {
      // already gone
    }
  };
}

/**
 * Run `argv` (argv[0] looked up on the env's PATH); resolves with its exit code and output, never rejects for a
 * non-zero exit. A command that does not exist is exit 127 with bash's "command not found" on stderr.
 */
export async function runProcess(argv: readonly string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  if (argv.length === 0) throw new TypeError('runProcess: empty argv');
  const p = $({
    nothrow: true,
    quiet: true,
    env: opts.env ?? process.env,
    ...(opts.cwd !== undefined && { cwd: opts.cwd }),
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(opts.input !== undefined && { input: opts.input }),
  })`${argv}`;
  running.add(p);
  // our timer, not zx's `timeout`: a command whose children are killed first may exit 0 before its own kill lands,
  // and it still ran out of time
  let timedOut = false;
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          killTree(p);
        }, opts.timeoutMs);
  if (opts.onOutput) {
    p.stdout.on('data', opts.onOutput);
    p.stderr.on('data', opts.onOutput);
  }
  try {
    const out = await p;
    const signal = out.signal ?? undefined;
    const code = out.exitCode ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
    return { code, stdout: out.stdout, stderr: out.stderr, timedOut };
  } finally {
    clearTimeout(timer);
    running.delete(p);
  }
}

/** SIGKILL `p` and its descendants (zx's kill walks the tree); nothing when it has ended already. */
function killTree(p: ProcessPromise): void {
  try {
    p.kill('SIGKILL').catch(() => undefined);
  } catch {
    // settled meanwhile
  }
}

/** SIGKILL every process `runProcess` started that is still running; synchronous, for exit and signal handlers. */
export function killRunning(): void {
  for (const p of running) {
    try {
      p.child?.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
