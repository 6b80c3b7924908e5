/** The write script on this machine's sh: small text inline (printf), the rest from stdin; -vvv never shows content. */
import { readFileSync, statSync } from 'node:fs';
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
});
