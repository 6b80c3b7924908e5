import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathExists } from '../../../src/facts/command.ts';

const dir = mkdtempSync(join(tmpdir(), "rig-facts-command 'q' "));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function live(path: string): boolean {
  const r = spawnSync('sh', ['-c', pathExists.command(path)], { encoding: 'utf8' });
  return pathExists.parse({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? 255 }, path);
}

// parse cases are data: test/cases/facts/command.pathExists/*.json
describe('pathExists (run for real with sh)', () => {
  it('an existing file with spaces and quotes in its path', () => {
    const f = join(dir, 'it "exists".txt');
    writeFileSync(f, 'x');
    expect(live(f)).toBe(true);
  });
  it('a directory exists, a missing path does not', () => {
    expect(live(dir)).toBe(true);
    expect(live(join(dir, 'missing $(touch pwned)'))).toBe(false);
    expect(live(join(dir, 'pwned'))).toBe(false);
  });
  it('a dangling symlink counts as missing (test -e follows links)', () => {
    const l = join(dir, 'dangling');
    symlinkSync(join(dir, 'nowhere'), l);
    expect(live(l)).toBe(false);
  });
});
