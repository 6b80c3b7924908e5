import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileState, treeDrift, type FileStateArg } from '../../../src/facts/files.ts';

// parse cases (command + captured output → value) are data: test/cases/facts/files.*/*.json, their output the JSON captures
// of test/fixtures/facts/files/ (capture.ts), each checked to be taken with the command the case pins
describe('fileState command', () => {
  it('is deterministic', () => {
    const arg = { path: '/etc/hosts', content: true };
    expect(fileState.command(arg)).toBe(fileState.command({ ...arg }));
  });

  it('quotes the path so quotes and newlines stay inside one word', () => {
    const cmd = fileState.command({ path: "/tmp/a 'b'\nc" });
    expect(cmd.split('\n')[0]).toBe(`p='/tmp/a '\\''b'\\''`);
    expect(cmd).not.toContain('/tmp/a \'b\'\nc');
  });

  it('differs for different options (distinct cache keys)', () => {
    const a = fileState.command({ path: '/etc/hosts' });
    expect(fileState.command({ path: '/etc/hosts', content: true })).not.toBe(a);
    expect(fileState.command({ path: '/etc/hosts', follow: true })).not.toBe(a);
  });
});

describe('treeDrift command', () => {
  it('quotes owner, group and mode', () => {
    expect(treeDrift.command({ path: '/srv/a b', owner: "x'y", mode: '0750' })).toContain(`p='/srv/a b'`);
    expect(treeDrift.command({ path: '/srv', owner: "x'y" })).toContain(`! -user 'x'\\''y'`);
  });
});

// Runs the real command through the local sh on fresh files: the command and the parser agree end to end.
const gnuStat = spawnSync('stat', ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU coreutils') ?? false;
if (!gnuStat) console.warn('skipping live fileState round trip: GNU coreutils stat not found');
describe.skipIf(!gnuStat)('fileState live round trip (local sh)', () => {
  const base = mkdtempSync(join(tmpdir(), 'rig-files-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const run = (arg: FileStateArg) => {
    const r = spawnSync('sh', ['-c', fileState.command(arg)], { encoding: 'utf8' });
    return fileState.parse({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 }, arg);
  };

  it('handles names starting with a dash, with $ and backticks', () => {
    const p = join(base, "-n $HOME `id` 'x'");
    writeFileSync(p, 'héllo\n');
    const s = run({ path: p, content: true });
    expect(s).toMatchObject({ exists: true, type: 'file', size: 7 });
    expect(s.exists && new TextDecoder().decode(s.content)).toBe('héllo\n');
  });

  it('followed path under a symlinked directory: the real path resolves the directory', () => {
    mkdirSync(join(base, 'real-dir'));
    symlinkSync(join(base, 'real-dir'), join(base, 'dir-link'));
    writeFileSync(join(base, 'real-dir', 'f'), 'f\n');
    expect(run({ path: join(base, 'dir-link', 'f'), follow: true })).toMatchObject({ type: 'file', realPath: join(realpathSync(base), 'real-dir', 'f') });
    expect(run({ path: join(base, 'real-dir', '.', 'f'), follow: true })).toMatchObject({ type: 'file', realPath: join(realpathSync(base), 'real-dir', 'f') });
    expect(run({ path: join(base, 'real-dir', 'f'), follow: true })).toMatchObject({ realPath: join(base, 'real-dir', 'f') });
  });

  const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
  if (!asNobody) console.warn('skipping the unreadable-file round trip: it needs root and setpriv to run as nobody');
  it.skipIf(!asNobody)('a file the login user cannot read: stat works, no checksum (as nobody)', () => {
    const p = join(base, 'nope');
    writeFileSync(p, 'x', { mode: 0o600 });
    chmodSync(base, 0o755);
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'sh', '-c', fileState.command({ path: p })], { encoding: 'utf8' });
    expect(fileState.parse({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 }, { path: p })).toMatchObject({ exists: true, type: 'file', unreadable: true });
  });

  it('a missing path below a link to nothing: which link, and where it leads (mkdir -p stops there)', () => {
    const d = join(base, 'dp');
    mkdirSync(join(d, 'x'), { recursive: true });
    symlinkSync(join(d, 'a'), join(d, 'd'));
    symlinkSync(join(d, 'x'), join(d, 'l'));
    symlinkSync('nothing', join(d, 'x', 'e'));
    for (const follow of [false, true]) {
      expect(run({ path: join(d, 'd', 'c', 'e'), follow })).toEqual({ path: join(d, 'd', 'c', 'e'), exists: false, danglingParent: { path: join(d, 'd'), to: join(d, 'a') } });
      // through a link to a directory, to a link to nothing inside it
      expect(run({ path: join(d, 'l', 'e', 'c'), follow })).toMatchObject({ exists: false, danglingParent: { path: join(d, 'l', 'e'), to: join(realpathSync(d), 'x', 'nothing') } });
      expect(run({ path: join(d, 'l', 'c'), follow })).toEqual({ path: join(d, 'l', 'c'), exists: false });
      expect(run({ path: join(d, 'nope', 'c'), follow })).toEqual({ path: join(d, 'nope', 'c'), exists: false });
    }
    expect(run({ path: join(d, 'd'), follow: true })).toEqual({ path: join(d, 'd'), exists: false, danglingTo: join(d, 'a') });
  });

  it('link target with a newline', () => {
    const p = join(base, 'l');
    symlinkSync('a\nb', p);
    expect(run({ path: p })).toMatchObject({ type: 'link', linkTarget: 'a\nb' });
  });
});
