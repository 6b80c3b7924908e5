import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseRead, readCommand } from '../../../src/core/fact.ts';
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

describe('validate', () => {
  const v = (a: WaitForArgs) => waitForModule.validate!(a);
  it('exactly one target', () => {
    expect(v({ port: 80, path: '/x' })).toEqual(['waitFor: give exactly one of port, path, command (got port, path)']);
    expect(v({})).toEqual(['waitFor: give exactly one of port, path, command']);
  });
  it('ports, hosts, states, times', () => {
    expect(v({ port: 70000 })).toEqual(['waitFor: port 70000 is not a TCP port (1-65535)']);
    expect(v({ path: '/x', host: 'db' })).toEqual(['waitFor: host only applies to port']);
    expect(v({ command: 'true', state: 'absent' })).toEqual(['waitFor: a command is waited for until it succeeds; state does not apply']);
    expect(v({ port: 5432, host: 'db; rm -rf /' })).toEqual(['waitFor: "db; rm -rf /" is not a host name or address']);
    expect(v({ port: 8500, timeoutSec: -1, sleepSec: 0 })).toEqual(['waitFor: timeoutSec must be >= 0', 'waitFor: sleepSec must be > 0']);
    expect(v({ port: 8500, host: '10.0.0.1', state: 'started', timeoutSec: 60 })).toEqual([]);
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
      expect(p.output).toEqual({ elapsedSec: 0 });
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
