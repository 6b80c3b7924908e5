/** Run one command under GNU time: wall clock, controller CPU (user+sys of the waited-for process tree), peak RSS. */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** One timed run. */
export interface Sample {
  readonly wallS: number;
  readonly cpuS: number;
  /** GNU time %M: the largest resident set of any single process in the tree, in MB. */
  readonly rssMB: number;
  readonly code: number;
}

/** Run `cmd args` with output to `logFile`; resolves with its measures. */
export async function timed(cmd: string, args: string[], o: { env?: Record<string, string>; cwd?: string; logFile: string }): Promise<Sample> {
  const tdir = mkdtempSync(path.join(tmpdir(), 'rig-bench-time-'));
  const tfile = path.join(tdir, 'time');
  const fd = openSync(o.logFile, 'w');
  const t0 = performance.now();
  // node's spawn, not zx (test/support/local-process.ts): the timed child is /usr/bin/time itself, writing straight to
  // the log's fd (zx would add a bash start inside the measured wall time and hold the whole log in memory)
  const code = await new Promise<number>((resolve) => {
    const p = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', tfile, cmd, ...args], {
      cwd: o.cwd,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', fd, fd],
    });
    p.on('exit', (c) => resolve(c ?? 1));
  });
  const wallS = (performance.now() - t0) / 1000;
  closeSync(fd);
  const lastLine = readFileSync(tfile, 'utf8').trim().split('\n').pop() ?? '';
  rmSync(tdir, { recursive: true, force: true });
  const [, u, s, m] = lastLine.split(/\s+/).map(Number);
  return { wallS, cpuS: (u ?? NaN) + (s ?? NaN), rssMB: (m ?? NaN) / 1024, code };
}

/** Median of numbers (NaN when empty). */
export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
