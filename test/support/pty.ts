/**
 * Run a command in a real pseudo-terminal with util-linux `script` (what a person's terminal gives rig: isTTY, a size,
 * the line discipline); `ptyUnavailable` says why a test cannot run here.
 */
import { execFileSync, spawn } from 'node:child_process';
import { quote } from '../../src/core/quote.ts';

/** Why no pty can be had here (no `script` from util-linux), or undefined. */
export function ptyUnavailable(): string | undefined {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'util-linux `script` is not installed (apt-get install bsdutils) to give the command a pseudo-terminal';
  }
}

/** What a command printed on its terminal (stdout and stderr together, CRLF as the tty writes it) and its exit code. */
export interface PtyRun {
  readonly code: number;
  readonly output: string;
}

/** Run `argv` on a `cols`×`rows` pseudo-terminal; env replaces the environment (TERM included). */
export function runInPty(argv: readonly string[], opts: { readonly env: NodeJS.ProcessEnv; readonly cwd?: string; readonly cols?: number; readonly rows?: number; readonly timeoutMs?: number }): Promise<PtyRun> {
  const inner = `stty cols ${opts.cols ?? 100} rows ${opts.rows ?? 40}; exec ${argv.map((a) => quote(a)).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', inner, '/dev/null'], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** Text without ANSI escape sequences (colors, cursor moves) and carriage returns. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b\][^\x07]*\x07/g, '').replace(/\r/g, '');
}

/** Whether `text` holds an SGR color sequence (foreground/background colors, not bold/dim/cursor codes). */
export function hasColor(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|4[0-7]|10[0-7])(?:;[0-9;]*)?m/.test(text);
}
