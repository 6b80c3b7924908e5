// fileState.many must be invisible: for every path, split(group output) parses to what the path's own command gives.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecOutput } from '../../../src/core/fact.ts';
import { fileState, MAX_CONTENT_BYTES, type FileStateArg } from '../../../src/facts/files.ts';
import { tempDir } from '../../support/temp-dir.ts';

const many = fileState.many!;
const gnuStat = spawnSync('stat', ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU coreutils') ?? false;
if (!gnuStat) console.warn('skipping fileState.many round trips: GNU coreutils stat not found');
const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
if (!asNobody) console.warn('skipping the fileState.many permission cases: they need root and setpriv to run as nobody');
const hasStrace = spawnSync('strace', ['-V']).status === 0;
if (!hasStrace) console.warn('skipping the fileState.many process count: strace not found');

function sh(script: string, nobody: boolean): ExecOutput {
  const argv = nobody ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', 'sh', '-c', script] : ['sh', '-c', script];
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', maxBuffer: 16 * MAX_CONTENT_BYTES });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

// a parse result or the error it throws, comparable with toEqual
function outcome(out: ExecOutput, arg: FileStateArg): unknown {
  try {
    const s = fileState.parse(out, arg);
    // a 1 MiB Uint8Array compared element by element takes seconds: compare its base64 instead
    return s.exists && s.content ? { ...s, content: Buffer.from(s.content).toString('base64') } : s;
  } catch (e) {
    return { threw: (e as Error).message };
  }
}

function tree(): string {
  const root = tempDir('rig-many-');
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'dir'));
  writeFileSync(join(root, 'regular.conf'), 'listen 80;\n', { mode: 0o640 });
  writeFileSync(join(root, 'public'), 'hello\n', { mode: 0o644 });
  writeFileSync(join(root, 'empty'), '', { mode: 0o644 });
  writeFileSync(join(root, 'big'), Buffer.alloc(MAX_CONTENT_BYTES + 1, 'a'), { mode: 0o644 });
  writeFileSync(join(root, 'exact'), Buffer.alloc(MAX_CONTENT_BYTES, 'b'), { mode: 0o644 });
  writeFileSync(join(root, "with space 'q' $x"), 'w\n', { mode: 0o644 });
  writeFileSync(join(root, 'secret'), 's\n', { mode: 0o600 });
  mkdirSync(join(root, 'locked', 'inner'), { recursive: true });
  writeFileSync(join(root, 'locked', 'inner', 'f'), 'f\n');
  chmodSync(join(root, 'locked'), 0o700);
  symlinkSync('regular.conf', join(root, 'link'));
  symlinkSync('/nonexistent/target', join(root, 'dangling'));
  mkdirSync(join(root, 'real-dir'), { mode: 0o755 });
  writeFileSync(join(root, 'real-dir', 'f'), 'rf\n', { mode: 0o644 });
  symlinkSync(join(root, 'real-dir'), join(root, 'dir-link'));
  symlinkSync('loop', join(root, 'loop'));
  return root;
}

function cases(root: string): FileStateArg[] {
  const p = (name: string) => join(root, name);
  return [
    { path: p('regular.conf'), content: true },
    { path: p('regular.conf') },
    { path: p('regular.conf'), follow: true },
    { path: p('public'), content: true },
    { path: p('dir'), content: true },
    { path: p('empty'), content: true },
    { path: p('big'), content: true },
    { path: p('exact'), content: true },
    { path: p('missing/x'), content: true },
    { path: p('regular.conf/x') },
    { path: p("with space 'q' $x"), content: true },
    { path: p('secret'), content: true },
    { path: p('secret') },
    { path: p('locked/inner/f'), content: true },
    { path: p('link'), content: true },
    { path: p('link'), content: true, follow: true },
    { path: p('dangling') },
    { path: p('dangling'), follow: true },
    { path: p('dir-link/f'), follow: true, content: true },
    { path: p('real-dir/./f'), follow: true },
    { path: p('-dash') },
    { path: p('dangling/c/e') },
    { path: p('dangling/c'), follow: true },
    { path: p('dir-link/missing/x'), follow: true },
    // the script resolves directories with `cd -P` in its own shell: through a link, at the top, the same path again
    { path: p('dir-link'), follow: true },
    { path: p('dir-link/f') },
    { path: p('dir-link/f'), follow: true },
    { path: p('locked/inner'), follow: true },
    { path: '/tmp', follow: true },
    { path: '/rig-no-such-top', follow: true },
    { path: p('real-dir/f'), follow: true },
    // a missing path is told without stat only where that is sure: not below a locked directory, a link loop, a file,
    // nor with a name longer than NAME_MAX
    { path: p('locked/nothing') },
    { path: p('locked/nothing/deeper'), follow: true },
    { path: p('loop'), follow: true },
    { path: p('loop/x') },
    { path: p(`${'n'.repeat(300)}/x`) },
    { path: p('n'.repeat(300)), follow: true },
    { path: p('missing/a/b/c'), follow: true },
    { path: '/rig-no-such-top/a' },
  ];
}

describe('fileState.many', () => {
  it('declines names a stat or sha256sum line could not carry', () => {
    expect(many.accepts({ path: '/etc/hosts' })).toBe(true);
    expect(many.accepts({ path: "/tmp/a 'b' $c" })).toBe(true);
    expect(many.accepts({ path: '/tmp/a\nb' })).toBe(false);
    expect(many.accepts({ path: '/tmp/a\\b' })).toBe(false);
  });

  it('uses one stat per follow mode and one sha256sum for all paths', () => {
    const cmd = many.command(cases('/srv'));
    expect(cmd.match(/^stat -c /gm)).toHaveLength(1);
    expect(cmd.match(/^stat -L /gm)).toHaveLength(1);
    expect(cmd.match(/sha256sum/g)).toHaveLength(1);
  });

  it('defines each kind of read once: a path costs one short line, and no subshell to resolve its directory', () => {
    const paths = Array.from({ length: 100 }, (_, i) => ({ path: `/srv/app/conf.d/file-${i}.conf`, follow: i % 2 === 0 }));
    const cmd = many.command(paths);
    expect(cmd.match(/^rig_s\d+\(\)/gm)).toHaveLength(2);
    const calls = cmd.split('\n').filter((l) => /^rig_s\d+ \d+ /.test(l));
    expect(calls).toHaveLength(100);
    expect(Math.max(...calls.map((l) => l.length))).toBeLessThan(80);
    expect(cmd).not.toContain('pwd -P');
  });

  it.skipIf(!gnuStat || !hasStrace)('tells a missing path below a searchable directory without a stat process', () => {
    const root = tree();
    const args: FileStateArg[] = Array.from({ length: 30 }, (_, i) => ({ path: join(root, 'missing', `f${i}`), follow: i % 2 === 0 }));
    const traced = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', 'sh', '-c', many.command(args)], { encoding: 'utf8' });
    const stats = traced.stderr.split('\n').filter((l) => /execve\("[^"]*\/stat"/.test(l) && !l.includes('ENOENT'));
    expect(stats).toHaveLength(2); // the one lstat and the one stat -L of every path
    expect(many.split({ stdout: traced.stdout, stderr: '', code: 0 }, args).map((o, i) => fileState.parse(o, args[i] as FileStateArg).exists)).toEqual(args.map(() => false));
  });

  for (const nobody of [false, true]) {
    it.skipIf(!gnuStat || (nobody && !asNobody))(`split output parses like each path's own command (${nobody ? 'as nobody' : 'as root'})`, () => {
      const args = cases(tree());
      const grouped = sh(many.command(args), nobody);
      expect(grouped.code).toBe(0);
      const split = many.split(grouped, args);
      expect(split).toHaveLength(args.length);
      const seen = new Set<string>();
      args.forEach((arg, i) => {
        const alone = outcome(sh(fileState.command(arg), nobody), arg);
        expect(outcome(split[i] as ExecOutput, arg), JSON.stringify(arg)).toEqual(alone);
        seen.add(JSON.stringify(alone).slice(0, 40));
      });
      // the cases cover absent, errors, files, links and directories, not one shape many times
      expect(seen.size).toBeGreaterThan(8);
    });
  }

  it.skipIf(!gnuStat)('a path that vanishes after the stat only loses its own result', () => {
    const root = tree();
    const args: FileStateArg[] = [{ path: join(root, 'public') }, { path: join(root, 'empty') }];
    const out = sh(many.command(args), false);
    const without = { ...out, stdout: out.stdout.split('\n').filter((l) => !l.endsWith(`${join(root, 'public')}`) || l.startsWith('X')).join('\n') };
    const [a, b] = many.split(without, args);
    expect(() => fileState.parse(a as ExecOutput, args[0] as FileStateArg)).toThrow(/unexpected output/);
    expect(fileState.parse(b as ExecOutput, args[1] as FileStateArg)).toMatchObject({ exists: true, type: 'file', size: 0 });
  });
});
