/** The write script on this machine's sh: small text inline (printf), the rest from stdin; -vvv never shows content. */
import { chmodSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../src/connection/local.ts';
import { hideContent, INLINE_CONTENT_BYTES, writeFileScript } from '../../../src/connection/write-file.ts';
import { buildCommand } from '../../../src/connection/remote-command.ts';
import { tempDir } from '../../support/temp-dir.ts';

const TEXTS: readonly string[] = [
  '',
  'plain\n',
  "it's 'quoted' \\'' twice\n",
  '100% %s %d %% \\n \\t \\\\ literal\n',
  '-n starts with a dash',
  '$HOME `id` $(id) ${x} * ? [a] ~ !\n',
  'no trailing newline',
  '\n\n\nonly newlines\n\n',
  'ü ✓ 日本 emoji 🙂\r\nCRLF\r\n',
  'x'.repeat(INLINE_CONTENT_BYTES),
];

describe('writeFileScript', () => {
  it.each(TEXTS.map((t, i) => [i, t] as const))('small text %i is written inline, byte-exact, with no stdin', async (_i, text) => {
    const dir = tempDir('rig-write-');
    const p = path.join(dir, 'f');
    const w = writeFileScript({ kind: 'write', path: p, content: text, mode: '0640', description: 'write' });
    expect(w.stdin.byteLength).toBe(0);
    const r = await new LocalConnection('local').exec(w.script);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(p, 'utf8')).toBe(text);
    expect(statSync(p).mode & 0o777).toBe(0o640);
    if (text.length > 3) expect(hideContent(w.script)).not.toContain(text.slice(0, 20));
  });

  it('binary, NUL-bearing and large content travel on stdin', async () => {
    for (const content of [randomBytes(5000), 'a\0b', 'y'.repeat(INLINE_CONTENT_BYTES + 1)]) {
      const dir = tempDir('rig-write-');
      const p = path.join(dir, 'f');
      const w = writeFileScript({ kind: 'write', path: p, content, description: 'write' });
      expect(w.stdin.byteLength).toBeGreaterThan(0);
      const r = await new LocalConnection('local').exec(w.script, { stdin: w.stdin });
      expect(r.code, r.stderr).toBe(0);
      expect(Buffer.compare(readFileSync(p), Buffer.from(typeof content === 'string' ? Buffer.from(content) : content))).toBe(0);
    }
  });

  it('a private script never shows on a command line (ps, /proc/PID/cmdline), with or without sudo', async () => {
    const secret = 'TOPSECRET-cmdline-42';
    const dir = tempDir('rig-write-');
    const w = writeFileScript({ kind: 'write', path: path.join(dir, 'f'), content: `pw=${secret}\n`, description: 'write' });
    const show = "tr '\\0' ' ' < /proc/$$/cmdline; echo; tr '\\0' ' ' < /proc/$PPID/cmdline";
    const seen = await new LocalConnection('local').exec(`${w.script}\n${show}`, { privateScript: true });
    expect(seen.code, seen.stderr).toBe(0);
    expect(seen.stdout).toContain('sh -c');
    expect(seen.stdout).not.toContain(secret);
    expect(buildCommand(w.script, { privateScript: true }).command).not.toContain(secret);
    expect(buildCommand(w.script, { become: true, privateScript: true }).command).not.toContain(secret);
    // without the flag a small script is the command line itself (what the flag exists for)
    expect(buildCommand(w.script, {}).command).toContain(secret);
  });

  it('-vvv shows the script with every inline content replaced by its size', () => {
    const secret = "pa'ss w0rd%s";
    const w = writeFileScript({ kind: 'write', path: '/etc/app/secret', content: `token=${secret}\n`, description: 'write' });
    const shown = hideContent(`echo before\n${w.script}\n${writeFileScript({ kind: 'write', path: '/x', content: 'safe', description: 'w' }).script}`);
    expect(shown).not.toContain(secret);
    expect(shown).not.toMatch(/printf '%s' safe/);
    expect(shown).toMatch(/printf '%s' <\d+ characters hidden> > "\$tmp"/);
    expect(shown).toContain('echo before');
  });

  describe('the temp file', () => {
    const run = (script: string, umask = '022') => spawnSync('/bin/sh', ['-c', `umask ${umask}\n${script}`], { encoding: 'utf8' });
    const write = (p: string, mode?: string) => writeFileScript({ kind: 'write', path: p, content: 'data\n', ...(mode ? { mode } : {}), description: 'write' }).script;
    const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8);

    it.each([
      ['0644', undefined, '644'],
      ['0600', undefined, '600'],
      ['0640', undefined, '640'],
      ['0755', undefined, '755'],
      ['4755', undefined, '4755'],
      ['0444', undefined, '444'],
      ['0000', undefined, '0'],
      [undefined, '022', '644'],
      [undefined, '077', '600'],
      [undefined, '027', '640'],
    ] as const)('mode %s (umask %s): the file ends %s, new or replacing one', (mode, umask, want) => {
      const dir = tempDir('rig-tmp-');
      const p = path.join(dir, 'f');
      const r = run(write(p, mode), umask ?? '022');
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(p, 'utf8')).toBe('data\n');
      expect(modeOf(p)).toBe(want);
      if (mode !== undefined) {
        expect(run(write(p, mode)).status).toBe(0);
        expect(modeOf(p)).toBe(want);
      }
      expect(readdirSync(dir)).toEqual(['f']);
    });

    it('a file without a mode keeps its own mode when replaced: a 0600 secret is never in a wider temp file', () => {
      const dir = tempDir('rig-tmp-');
      const p = path.join(dir, 'f');
      writeFileSync(p, 'old\n');
      chmodSync(p, 0o600);
      const script = write(p).replace('sync -- "$tmp"', 'stat -c %a "$tmp" > "$p.seen"; sync -- "$tmp"');
      const r = run(script, '000');
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(`${p}.seen`, 'utf8').trim()).toBe('600');
      expect(modeOf(p)).toBe('600');
    });

    it('no mktemp process: the shell makes the temp file; one chmod sets its mode before the fill', () => {
      const dir = tempDir('rig-tmp-');
      const traced = (mode: string) => {
        const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '/bin/sh', '-c', write(path.join(dir, `f${mode}`), mode)], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return [...r.stderr.matchAll(/execve\("[^"]*\/([^/"]+)"/g)].map((m) => m[1]).filter((c) => c !== 'sh');
      };
      if (spawnSync('strace', ['-V']).status !== 0) {
        console.warn('skipped the process count: strace is not installed');
        return;
      }
      expect(traced('0644')).toEqual(['chmod', 'sync', 'mv', 'sync']);
      expect(traced('0755')).toEqual(['chmod', 'sync', 'mv', 'sync']);
      // a mode the file cannot be filled with (setuid: chown would clear it; no owner write) is set after the fill
      expect(traced('4755')).toEqual(['chmod', 'chmod', 'sync', 'mv', 'sync']);
    });

    it('in a sticky directory (/tmp) and when its name is taken, mktemp makes it; a planted link is never written through', () => {
      const sticky = tempDir('rig-tmp-');
      chmodSync(sticky, 0o1777);
      const p = path.join(sticky, 'f');
      const script = write(p, '0644');
      const r = run(script.replace('sync -- "$tmp"', 'echo "made=$made" >&2; sync -- "$tmp"'));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('made=mktemp');
      expect(modeOf(p)).toBe('644');

      // the name taken (by a link to a device, by a leftover file): the pid part fixed so the test can plant it first
      for (const plant of ['link', 'file'] as const) {
        const dir = tempDir('rig-tmp-');
        const q = path.join(dir, 'g');
        const named = write(q, '0644').replace('.$$"', '.4242"');
        const taken = path.join(dir, `${/t="\$d\/(\.rig-[0-9a-f]+\.4242)"/.exec(named)![1]!}`);
        if (plant === 'link') symlinkSync('/dev/null', taken);
        else writeFileSync(taken, 'leftover\n');
        const r2 = run(named.replace('sync -- "$tmp"', 'echo "made=$made" >&2; sync -- "$tmp"'));
        expect(r2.status, r2.stderr).toBe(0);
        expect(r2.stderr).toContain('made=mktemp');
        expect(readFileSync(q, 'utf8')).toBe('data\n');
        expect(modeOf(q)).toBe('644');
        if (plant === 'link') expect(lstatSync(taken).isSymbolicLink()).toBe(true);
        else expect(readFileSync(taken, 'utf8')).toBe('leftover\n');
      }
    });
  });
});
