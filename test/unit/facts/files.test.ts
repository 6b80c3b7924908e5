import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecOutput } from '../../../src/core/fact.ts';
import { fileState, FileStateError, treeDrift, type FileStateArg, type TreeDriftArg } from '../../../src/facts/files.ts';

interface Capture extends ExecOutput {
  readonly arg: FileStateArg;
  readonly command: string;
}

const dir = new URL('../../fixtures/facts/files/', import.meta.url);
const fixture = (name: string): Capture => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Capture;
const parseFixture = (name: string) => {
  const f = fixture(name);
  return fileState.parse(f, f.arg);
};

describe('fileState command', () => {
  it('is deterministic and matches the command the fixtures were captured with', () => {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('tree-'))) {
      const f = fixture(name.replace(/\.json$/, ''));
      expect(fileState.command(f.arg), name).toBe(f.command);
      expect(fileState.command(f.arg)).toBe(fileState.command({ ...f.arg }));
    }
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

describe('fileState parse (captured output)', () => {
  it('regular file with content', () => {
    const s = parseFixture('regular');
    expect(s).toMatchObject({ exists: true, type: 'file', mode: '0640', owner: 'root', group: 'root', uid: 0, gid: 0, size: 36 });
    if (!s.exists) throw new Error('expected present');
    const text = 'listen 80;\nserver_name example.org;\n';
    expect(new TextDecoder().decode(s.content)).toBe(text);
    expect(s.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(s.contentOmitted).toBeUndefined();
  });

  it('regular file without content asked', () => {
    const s = parseFixture('regular-nocontent');
    expect(s).toMatchObject({ exists: true, type: 'file', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(s.exists && s.content).toBeFalsy();
    expect(s.exists && s.contentOmitted).toBeFalsy();
  });

  it('directory: no checksum, content reported as not-a-file', () => {
    const s = parseFixture('directory');
    expect(s).toMatchObject({ exists: true, type: 'directory', mode: '0755', contentOmitted: 'not-a-file' });
    expect(s.exists && s.sha256).toBeFalsy();
  });

  it('symlink (lstat): link type and target, never the target file content', () => {
    const s = parseFixture('symlink');
    expect(s).toMatchObject({ exists: true, type: 'link', linkTarget: 'regular.conf', contentOmitted: 'not-a-file' });
    expect(s.exists && s.sha256).toBeFalsy();
  });

  it('symlink followed: the target file and its real path', () => {
    const s = parseFixture('symlink-follow');
    expect(s).toMatchObject({ exists: true, type: 'file', realPath: '/tmp/rigfx/regular.conf', mode: '0640' });
    expect(s.exists && new TextDecoder().decode(s.content)).toBe('listen 80;\nserver_name example.org;\n');
  });

  it('followed path with no symlink in it: its own real path, without running readlink', () => {
    const f = fixture('regular-follow');
    expect(f.stdout).toContain('real-same');
    expect(fileState.parse(f, f.arg)).toMatchObject({ exists: true, type: 'file', realPath: '/tmp/rigfx/regular.conf' });
  });

  it('dangling symlink: present as a link, absent when followed', () => {
    expect(parseFixture('dangling')).toMatchObject({ exists: true, type: 'link', linkTarget: '/nonexistent/target with space' });
    expect(parseFixture('dangling-follow')).toEqual({ path: '/tmp/rigfx/dangling', exists: false, danglingTo: '/tmp/rigfx/missing-target' });
  });

  it('missing path (missing parent too) is absent, not a failure', () => {
    expect(parseFixture('missing')).toEqual({ path: '/tmp/rigfx/missing/x', exists: false });
  });

  it('name with space, quote and newline', () => {
    const s = parseFixture('weird-name');
    expect(s).toMatchObject({ exists: true, type: 'file', path: "/tmp/rigfx/with space 'quote'\nnewline.txt", size: 2 });
    expect(s.exists && new TextDecoder().decode(s.content)).toBe('x\n');
  });

  it('binary content survives byte for byte', () => {
    const s = parseFixture('binary');
    expect(s.exists && Array.from(s.content ?? [])).toEqual([0, 1, 2, 255, 254, 10, 13, 0x80]);
  });

  it('empty file has empty content, not omitted', () => {
    const s = parseFixture('empty');
    expect(s.exists && s.content).toEqual(new Uint8Array());
    expect(s.exists && s.contentOmitted).toBeFalsy();
  });

  it('file over 1 MiB: checksum but content omitted as too large', () => {
    const s = parseFixture('too-large');
    expect(s).toMatchObject({ exists: true, size: 1048577, contentOmitted: 'too-large', sha256: expect.any(String) });
  });

  it('setuid mode and uids without names', () => {
    expect(parseFixture('orphan-setuid')).toMatchObject({ mode: '4755', owner: 'UNKNOWN', uid: 12345, gid: 54321 });
  });

  it('unreadable file (mode 0000, not root): stat works, bytes do not', () => {
    const s = parseFixture('unreadable');
    expect(s).toMatchObject({ exists: true, type: 'file', mode: '0000', unreadable: true, contentOmitted: 'unreadable' });
    expect(s.exists && s.sha256).toBeFalsy();
  });

  it('permission denied on a parent directory is a clear error', () => {
    expect(() => parseFixture('permission-denied')).toThrow(FileStateError);
    expect(() => parseFixture('permission-denied')).toThrow(/cannot inspect \/tmp\/rigfx\/locked\/inner\/f: Permission denied \(run the task with become: true/);
  });

  it('a path through a regular file is an error, not absent', () => {
    expect(() => parseFixture('not-a-directory')).toThrow(/Not a directory/);
  });

  it('garbage output throws', () => {
    expect(() => fileState.parse({ stdout: 'bash: stat: not found\n', stderr: '', code: 0 }, { path: '/x' })).toThrow(/unexpected output/);
  });
});

describe('treeDrift (captured output)', () => {
  const parseTree = (name: string) => {
    const f = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as ExecOutput & { arg: TreeDriftArg; command: string };
    expect(treeDrift.command(f.arg)).toBe(f.command);
    return treeDrift.parse(f, f.arg);
  };
  it('no entry differs', () => expect(parseTree('tree-converged')).toBe(false));
  it('an entry differs', () => expect(parseTree('tree-drift')).toBe(true));
  it('a missing directory has no drift (it is created empty)', () => expect(parseTree('tree-missing')).toBe(false));
  it('an unknown user is an error naming it', () => expect(() => parseTree('tree-unknown-user')).toThrow(/'nosuchuser' is not the name of a known user/));
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

  it('link target with a newline', () => {
    const p = join(base, 'l');
    symlinkSync('a\nb', p);
    expect(run({ path: p })).toMatchObject({ type: 'link', linkTarget: 'a\nb' });
  });
});
