import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitCommand, waitFor, type WaitArg, type WaitResult } from '../../../src/facts/wait.ts';

// Every test runs the real loop with /bin/sh against real sockets and files.
const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
const hasNc = which('nc') !== '';
const hasBash = which('bash') !== '';
if (!hasNc) console.warn('skipping the nc -z wait test: nc is not installed on this machine');
if (!hasBash) console.warn('skipping the bash /dev/tcp wait test: bash is not installed on this machine');

const dir = mkdtempSync(join(tmpdir(), 'rig-wait-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PATH holding only some tools (symlinks to the real ones), to exercise the fallbacks for real. */
function pathWith(name: string, tools: readonly string[]): string {
  const bin = join(dir, name);
  spawnSync('mkdir', ['-p', bin]);
  for (const t of tools) {
    const real = which(t);
    if (real) symlinkSync(real, join(bin, t));
  }
  return bin;
}

function run(arg: WaitArg, env: NodeJS.ProcessEnv = process.env): Promise<WaitResult> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', waitCommand(arg)], { env, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(err);
      else resolve(waitFor.parse({ stdout, stderr, code: 0 }, arg));
    });
  });
}

function listen(port = 0): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((c) => c.destroy());
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}
const portOf = (s: Server) => (s.address() as { port: number }).port;
const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));
async function freePort(): Promise<number> {
  const s = await listen();
  const p = portOf(s);
  await close(s);
  return p;
}
const port = (p: number, present = true, timeoutSec = 5): WaitArg => ({ target: { kind: 'port', host: '127.0.0.1', port: p }, present, timeoutSec, sleepSec: 0.2 });

describe('waitFor loop: ports', () => {
  it.skipIf(!hasNc)('an open port is seen at once with nc -z', async () => {
    const s = await listen();
    try {
      expect(await run(port(portOf(s)))).toEqual({ ok: true, elapsedSec: expect.any(Number), method: 'nc' });
    } finally {
      await close(s);
    }
  });
  it.skipIf(!hasBash)('without nc, bash’s /dev/tcp is used', async () => {
    const s = await listen();
    try {
      const PATH = pathWith('no-nc', ['date', 'sleep', 'timeout', 'bash']);
      expect(await run(port(portOf(s)), { PATH })).toEqual({ ok: true, elapsedSec: expect.any(Number), method: 'bash' });
    } finally {
      await close(s);
    }
  });
  it('neither nc nor bash: an error, not a timeout', async () => {
    const PATH = pathWith('bare', ['date', 'sleep']);
    const r = await run(port(await freePort()), { PATH });
    expect(r).toMatchObject({ ok: false, error: true, detail: expect.stringMatching(/neither nc nor bash/) });
  });
  it('a closed port times out after timeoutSec, measured on the host clock', async () => {
    const r = await run(port(await freePort(), true, 1));
    expect(r.ok).toBe(false);
    expect(r.error).toBeUndefined();
    expect(r.elapsedSec).toBeGreaterThanOrEqual(1);
  });
  it('timeoutSec 0 checks exactly once', async () => {
    const r = await run(port(await freePort(), true, 0));
    expect(r).toMatchObject({ ok: false, elapsedSec: expect.any(Number) });
  });
  it('a port that opens while waiting', async () => {
    const p = await freePort();
    let s: Server | undefined;
    const t = setTimeout(() => void listen(p).then((x) => (s = x)), 1200);
    try {
      const r = await run(port(p, true, 10));
      expect(r.ok).toBe(true);
      expect(r.elapsedSec).toBeGreaterThanOrEqual(1);
    } finally {
      clearTimeout(t);
      if (s) await close(s);
    }
  });
  it('state stopped: waits until the port closes', async () => {
    const s = await listen();
    const t = setTimeout(() => s.close(), 1200);
    try {
      const r = await run(port(portOf(s), false, 10));
      expect(r.ok).toBe(true);
      expect(r.elapsedSec).toBeGreaterThanOrEqual(1);
    } finally {
      clearTimeout(t);
    }
  });
});

describe('waitFor loop: paths and commands', () => {
  it('a path that appears while waiting (quoted path)', async () => {
    const f = join(dir, "ready 'now'.flag");
    const t = setTimeout(() => writeFileSync(f, ''), 1200);
    const r = await run({ target: { kind: 'path', path: f }, present: true, timeoutSec: 10, sleepSec: 0.2 });
    clearTimeout(t);
    expect(r).toMatchObject({ ok: true });
    expect(r.elapsedSec).toBeGreaterThanOrEqual(1);
  });
  it('absent: a missing path is ok at once', async () => {
    expect(await run({ target: { kind: 'path', path: join(dir, 'never') }, present: false, timeoutSec: 5, sleepSec: 1 })).toEqual({ ok: true, elapsedSec: expect.any(Number) });
  });
  it('a command that succeeds; one that keeps failing reports its last output', async () => {
    expect(await run({ target: { kind: 'command', command: 'test -d /' }, present: true, timeoutSec: 5, sleepSec: 1 })).toEqual({ ok: true, elapsedSec: expect.any(Number) });
    const r = await run({ target: { kind: 'command', command: "echo 'not ready: x'; exit 3" }, present: true, timeoutSec: 1, sleepSec: 0.3 });
    expect(r).toEqual({ ok: false, elapsedSec: expect.any(Number), detail: 'not ready: x' });
  });
  it('unexpected output is an error', () => {
    expect(() => waitFor.parse({ stdout: '', stderr: 'sh: 1: Syntax error', code: 2 }, port(1))).toThrow(/unexpected output/);
  });
});
