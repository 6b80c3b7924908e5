import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseRead, readCommand } from '../../../src/core/fact.ts';
import { argProblems } from '../../../src/core/index.ts';
import { waitForModule, type WaitForArgs } from '../../../src/modules/wait-for.ts';
import { planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();
const checkCtx = planContext(true);

/** probe → run the read with sh for real → plan, as the runner does. */
async function runTask(a: WaitForArgs, c = ctx) {
  const r = waitForModule.probe(a, c).wait;
  const out = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
    execFile('/bin/sh', ['-c', readCommand(r)], { encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(err) : resolve({ stdout, stderr }))),
  );
  return waitForModule.plan(a, { wait: parseRead(r, { ...out, code: 0 }) }, c);
}
function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((c) => c.destroy());
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}
const portOf = (s: Server) => (s.address() as { port: number }).port;

describe('args', () => {
  const v = (a: unknown) => argProblems(waitForModule, a);
  it('valid args have no problems', () => {
    expect(v({ port: 8500, host: '10.0.0.1', state: 'started', timeoutSec: 60 })).toEqual([]);
    expect(v({ port: 65535, host: 'db-1.example.org', state: 'stopped', timeoutSec: 0, sleepSec: 0.25 })).toEqual([]);
    expect(v({ path: '/run/app.pid', state: 'absent' })).toEqual([]);
    expect(v({ command: 'pg_isready', state: 'started' })).toEqual([]);
  });
  it.each([
    // each field, checked by the schema
    [{ port: 70000 }, 'port: a port is 1-65535, got 70000'],
    [{ port: 0 }, 'port: a port is 1-65535, got 0'],
    [{ port: -22 }, 'port: a port is 1-65535, got -22'],
    [{ port: 80.5 }, 'port: a port is a whole number'],
    [{ port: '8500' }, 'port: expected a port number (1-65535), got "8500"'],
    [{ port: 5432, host: 'db; rm -rf /' }, 'host: "db; rm -rf /" is not a host name or address'],
    [{ port: 5432, host: 5 }, 'host: expected a host name or address as a string, got 5'],
    [{ path: '' }, 'path: must not be empty'],
    [{ command: '' }, 'command: must not be empty'],
    [{ port: 80, state: 'up' }, 'state: Invalid option: expected one of "started"|"stopped"|"present"|"absent"'],
    [{ port: 80, timeoutSec: -1 }, 'timeoutSec: a number of seconds cannot be negative, got -'],
    [{ port: 80, timeoutSec: '60' }, 'timeoutSec: expected a number of seconds, got "'],
    [{ port: 80, sleepSec: 0 }, 'sleepSec: must be > 0 (seconds between checks, e.g. 1)'],
    [{ port: 80, sleepSec: -1 }, 'sleepSec: a number of seconds cannot be negative, got -'],
    [{ prot: 80 }, `unknown key 'prot' (did you mean 'port'?)`],
    [{ port: 80, timeout: 60 }, `unknown key 'timeout'`],
    // across fields, checked by validate
    [{ port: 80, path: '/x' }, 'give exactly one of port, path, command (got port, path)'],
    [{}, 'give exactly one of port, path, command'],
    [{ path: '/x', host: 'db' }, 'host only applies to port'],
    [{ command: 'true', state: 'absent' }, 'a command is waited for until it succeeds; state does not apply'],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});

describe('probe', () => {
  it('is a volatile read (never prefetched or cached) with the defaults', () => {
    const r = waitForModule.probe({ port: 8500 }, ctx).wait;
    expect(r.volatile).toBe(true);
    expect(r.arg).toEqual({ target: { kind: 'port', host: '127.0.0.1', port: 8500 }, present: true, timeoutSec: 300, sleepSec: 1 });
  });
  it('check mode looks once instead of waiting', () => {
    expect(waitForModule.probe({ path: '/x', state: 'absent', timeoutSec: 60 }, checkCtx).wait.arg).toMatchObject({ present: false, timeoutSec: 0 });
  });
});

describe('plan', () => {
  it('ok → no changes, elapsed registered', () => {
    expect(waitForModule.plan({ port: 22 }, { wait: { ok: true, elapsedSec: 3, method: 'nc' } }, ctx)).toEqual({
      changes: [], msg: 'port 127.0.0.1:22 open after 3s', output: { elapsedSec: 3 },
    });
  });
  it('timeout → failed with what was awaited and the last output', () => {
    expect(waitForModule.plan({ command: 'consul members', timeoutSec: 30 }, { wait: { ok: false, elapsedSec: 30, detail: 'connection refused' } }, ctx).failed).toBe(
      'waitFor: timed out after 30s waiting for command `consul members` succeeding; last output: connection refused',
    );
  });
  it('check mode: not there yet is not a failure', () => {
    expect(waitForModule.plan({ path: '/run/app.sock' }, { wait: { ok: false, elapsedSec: 0 } }, checkCtx)).toEqual({
      changes: [], msg: 'check mode: not yet /run/app.sock present; a real run waits up to 300s', output: { elapsedSec: 0 },
    });
  });
});

describe('for real: the read runs with sh against a port opened here', () => {
  it('an open port → ok', async () => {
    const s = await listen();
    try {
      const p = await runTask({ port: portOf(s), timeoutSec: 5 });
      expect(p.failed).toBeUndefined();
      expect(p.changes).toEqual([]);
      // whole seconds of `date +%s`: a second boundary (or a loaded machine) between start and success reads 1 or more;
      // what matters is that it did not wait for the 5 s timeout
      expect(p.output?.elapsedSec).toBeGreaterThanOrEqual(0);
      expect(p.output?.elapsedSec).toBeLessThan(5);
    } finally {
      s.close();
    }
  });
  it('a port that stays closed → failed after the timeout', async () => {
    const s = await listen();
    const port = portOf(s);
    await new Promise<void>((r) => s.close(() => r()));
    const p = await runTask({ port, timeoutSec: 1, sleepSec: 0.2 });
    expect(p.failed).toMatch(new RegExp(`^waitFor: timed out after \\d+s waiting for port 127.0.0.1:${port} open$`));
  });
});
