/** One lab operation at a time across processes (a test run and a person at a terminal may both call up). */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { onCleanup } from './cleanup.ts';
import { LabError } from './errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Run `fn` holding the lock file; waits for a live holder (up to `waitMs`), takes over from a dead one. */
export async function withLock<T>(file: string, log: (m: string) => void, fn: () => Promise<T>, waitMs = 60 * 60_000): Promise<T> {
  const t0 = Date.now();
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch {
      let holder = NaN;
      try {
        holder = Number(readFileSync(file, 'utf8').trim());
      } catch {
        continue;
      }
      if (holder === process.pid) throw new LabError(`lab lock ${file} is already held by this process`);
      if (!Number.isInteger(holder) || !alive(holder)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() - t0 > waitMs) throw new LabError(`another lab operation (pid ${holder}) still holds ${file}`);
      if (!told) log(`waiting for another lab operation (pid ${holder}) to finish`);
      told = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  const handle = onCleanup(() => rmSync(file, { force: true }));
  try {
    return await fn();
  } finally {
    handle.release();
  }
}
