/**
 * Scripts past one argv word's limit (128 KiB, MAX_ARG_STRLEN) travel on stdin ahead of the exec's own bytes.
 * Everything runs for real: sh, GNU head, sudo (the test runs as root where it can).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../src/connection/local.ts';
import { MAX_ARGV_SCRIPT_BYTES, buildCommand, type RemoteCommand } from '../../../src/connection/remote-command.ts';
import { writeFileScript } from '../../../src/connection/write-file.ts';
import { tempDir } from '../../support/temp-dir.ts';

const isRoot = process.getuid?.() === 0;
const hasSudo = spawnSync('sh', ['-c', 'command -v sudo'], { encoding: 'utf8' }).status === 0;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** About 1 MiB of `echo` lines; multi-byte characters make its UTF-16 length differ from its byte count. */
const LINES = 40_000;
const bigScript = Array.from({ length: LINES }, (_, i) => `echo "line ${i} ü✓ 'q' \\$HOME"`).join('\n');
const expectedOut = Array.from({ length: LINES }, (_, i) => `line ${i} ü✓ 'q' $HOME\n`).join('');

/** What sshd does with a built command: `sh -c COMMAND`, stdin sent once the script runs (after the start marker, if any). */
function runLikeSshd(cmd: RemoteCommand, payload: Uint8Array = new Uint8Array(), cut?: number): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', cmd.command], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let sent = false;
    const send = (): void => {
      if (sent) return;
      sent = true;
      const all = Buffer.concat([cmd.stdinPrefix ?? new Uint8Array(), payload]);
      child.stdin.on('error', () => undefined);
      child.stdin.end(cut === undefined ? all : all.subarray(0, cut));
    };
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
      if (cmd.startMarker && err.includes(cmd.startMarker)) send();
    });
    if (!cmd.startMarker) send();
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: err.split(cmd.startMarker ?? '\0').join(''), code }));
  });
}

describe('buildCommand: where the script goes', () => {
  it('keeps the exact `sh -c SCRIPT` command line for scripts under the limit', () => {
    expect(buildCommand('id', {})).toEqual({ command: 'sh -c id' });
    expect(buildCommand('id', { become: true })).toEqual({ command: 'sudo -H -n -u root -- sh -c id' });
    const near = `echo ${'x'.repeat(MAX_ARGV_SCRIPT_BYTES - 20)}`;
    const c = buildCommand(near, {});
    expect(c.stdinPrefix).toBeUndefined();
    expect(c.command).toBe(`sh -c 'echo ${'x'.repeat(MAX_ARGV_SCRIPT_BYTES - 20)}'`);
  });

  it('sends a large script on stdin: the command line stays small, the prefix is the script in UTF-8 bytes', () => {
    for (const o of [{}, { become: true }, { become: true, password: 'pw' }]) {
      const c = buildCommand(bigScript, o);
      expect(Buffer.byteLength(c.command)).toBeLessThan(1000);
      expect(c.command).not.toContain('line 1');
      expect(Buffer.from(c.stdinPrefix!).toString('utf8').startsWith(bigScript)).toBe(true);
    }
    expect(Buffer.byteLength(bigScript)).toBeGreaterThan(1 << 20);
  });

  it('measures the quoted command line, not the script: quotes that grow 4x under quoting go on stdin too', () => {
    const quotes = `echo ${"'".repeat(10_000)} >/dev/null`;
    expect(Buffer.byteLength(quotes)).toBeLessThan(MAX_ARGV_SCRIPT_BYTES);
    expect(buildCommand(quotes, {}).stdinPrefix).toBeDefined();
  });

  it('runs a large script the way sshd would, with a binary payload after it', async () => {
    const payload = randomBytes(200_000);
    const r = await runLikeSshd(buildCommand(`${bigScript}\nsha256sum`, {}), payload);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${expectedOut}${sha(payload)}  -\n`);
  });

  it.skipIf(!isRoot || !hasSudo)('with become and a sudo password: sudo, then the start marker, then script and payload on stdin', async () => {
    const payload = randomBytes(100_000);
    const cmd = buildCommand(`${bigScript}\nid -un; sha256sum; exit 4`, { become: true, becomeUser: 'nobody', password: 'unused-by-root' });
    expect(cmd.startMarker).toBeDefined();
    const r = await runLikeSshd(cmd, payload);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 4, stderr: '' });
    expect(r.stdout).toBe(`${expectedOut}nobody\n${sha(payload)}  -\n`);
  });

  it('never runs a script cut short on its way (connection lost while sending)', async () => {
    const dir = tempDir('rig-cut-');
    const marker = path.join(dir, 'ran');
    const cmd = buildCommand(`touch ${marker}\n${bigScript}`, {});
    const r = await runLikeSshd(cmd, new Uint8Array(), cmd.stdinPrefix!.byteLength - 5);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('rig: the script arrived incomplete on stdin');
    expect(r.stdout).toBe('');
    expect(existsSync(marker)).toBe(false);
  });
});

describe('LocalConnection: a 1 MiB script', () => {
  it('runs it in one exec, with its output and exit code', async () => {
    const c = new LocalConnection('local');
    const r = await c.exec(bigScript);
    expect(r).toEqual({ stdout: expectedOut, stderr: '', code: 0 });
    expect(c.execCount).toBe(1);
    expect(await c.exec(`${bigScript}\nfalse`)).toMatchObject({ code: 1 });
    expect(await c.exec(`${bigScript}\necho gone >&2; exit 7\necho never`)).toEqual({ stdout: expectedOut, stderr: 'gone\n', code: 7 });
    // `exit` without a number, inside a function, and trailing newlines the $(...) would strip
    expect(await c.exec(`f() { sh -c 'exit 3'; exit; }\n${bigScript}\nf\necho never\n\n\n`)).toMatchObject({ code: 3 });
    expect(c.execCount).toBe(4);
  });

  it('hands the payload after the script to the script, byte for byte', async () => {
    const c = new LocalConnection('local');
    const payload = Buffer.concat([Buffer.from('exit 9\n\0'), randomBytes(300_000), Buffer.from([0, 0xff, 0x0a])]);
    const r = await c.exec(`${bigScript}\nsha256sum; wc -c`, { stdin: payload });
    expect(r).toEqual({ stdout: `${expectedOut}${sha(payload)}  -\n0\n`, stderr: '', code: 0 });
    const text = await c.exec(`${bigScript}\ncat`, { stdin: 'ünï\ncødé\n' });
    expect(text.stdout).toBe(`${expectedOut}ünï\ncødé\n`);
  });

  it('writes a file through the real write script behind a large batch (head -c leaves the content for it)', async () => {
    const dir = tempDir('rig-big-write-');
    const content = randomBytes(70_000);
    const w = writeFileScript({ kind: 'write', path: path.join(dir, 'f.bin'), content, mode: '0640', description: 'write' });
    const r = await new LocalConnection('local').exec(`${bigScript} >/dev/null\n${w.script}`, { stdin: w.stdin });
    expect(r.code, r.stderr).toBe(0);
    expect(sha(readFileSync(path.join(dir, 'f.bin')))).toBe(sha(content));
  });

  it.skipIf(!isRoot)('with become as root (no sudo needed) and as another user through sudo -n', async () => {
    const c = new LocalConnection('local');
    const payload = randomBytes(50_000);
    expect(await c.exec(`${bigScript}\nid -u; sha256sum`, { become: true, stdin: payload })).toEqual({ stdout: `${expectedOut}0\n${sha(payload)}  -\n`, stderr: '', code: 0 });
    if (!hasSudo) return;
    const r = await c.exec(`${bigScript}\nid -un; sha256sum; exit 5`, { become: true, becomeUser: 'nobody', stdin: payload });
    expect(r).toEqual({ stdout: `${expectedOut}nobody\n${sha(payload)}  -\n`, stderr: '', code: 5 });
  });

  it('refuses a script with a NUL byte instead of running something else', async () => {
    const c = new LocalConnection('local');
    expect(await c.exec(`${bigScript}\necho a\0b`)).toEqual({ stdout: '', stderr: 'rig: the script contains a NUL byte, which sh cannot run\n', code: 125 });
    expect(await c.exec('echo a\0b')).toMatchObject({ code: 125 });
  });
});
