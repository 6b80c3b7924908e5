/** Temporary directories for tests, removed after the test file that made them (see test/support/setup.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A fresh directory under the OS temp dir, named `<prefix>XXXXXX`; removed when the current test file ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Remove every directory tempDir made so far; one that will not go is reported, not fatal. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      console.warn(`could not remove test dir ${dir}: ${(e as Error).message}`);
    }
  }
}
