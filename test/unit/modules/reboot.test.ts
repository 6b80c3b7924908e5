import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRead, readCommand } from '../../../src/core/fact.ts';
import { argProblems } from '../../../src/core/index.ts';
import { rebootModule } from '../../../src/modules/reboot.ts';
import { planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();

describe('reboot', () => {
  const v = (a: unknown) => argProblems(rebootModule, a);
  it('valid args have no problems', () => {
    expect(v({})).toEqual([]);
    expect(v({ msg: 'kernel cmdline changed', rebootTimeoutSec: 900, testCommand: 'docker info', allowed: false })).toEqual([]);
    expect(v({ rebootTimeoutSec: 0.5 })).toEqual([]);
  });
  it.each([
    [{ rebootTimeoutSec: 0 }, 'rebootTimeoutSec: must be a positive number of seconds, e.g. 600'],
    [{ rebootTimeoutSec: -5 }, 'rebootTimeoutSec: a number of seconds cannot be negative, got -'],
    [{ rebootTimeoutSec: '600' }, 'rebootTimeoutSec: expected a number of seconds, got "'],
    [{ rebootTimeoutSec: Number.NaN }, 'rebootTimeoutSec: expected a number of seconds, got NaN'],
    [{ testCommand: ' ' }, "testCommand: is empty: leave it out (the default is 'true') or give a command"],
    [{ testCommand: ['docker', 'info'] }, 'testCommand: Invalid input: expected string, received array'],
    [{ msg: 42 }, 'msg: Invalid input: expected string, received number'],
    [{ allowed: 'yes' }, 'allowed: Invalid input: expected boolean, received string'],
    [{ rebootTimeout: 600 }, `unknown key 'rebootTimeout'`],
    [{ alowed: true }, `unknown key 'alowed' (did you mean 'allowed'?)`],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
  it('always plans one reboot change, refreshes facts, registers the old boot id', () => {
    const p = rebootModule.plan({ msg: 'kernel cmdline changed', rebootTimeoutSec: 900, testCommand: 'docker info' }, { bootId: 'b-1' }, ctx);
    expect(p).toEqual({
      changes: [{ kind: 'reboot', description: 'kernel cmdline changed', timeoutSec: 900, testCommand: 'docker info' }],
      refreshFacts: true,
      output: { bootIdBefore: 'b-1' },
    });
  });
  it('defaults: 600 s, the runner’s test command', () => {
    expect(rebootModule.plan({}, { bootId: 'b' }, ctx).changes).toEqual([{ kind: 'reboot', description: 'reboot', timeoutSec: 600 }]);
  });
  it('without consent (allowed: false) changes nothing and says why', () => {
    expect(rebootModule.plan({ msg: 'lacks swapaccount=1', allowed: false }, { bootId: 'b' }, ctx)).toEqual({ changes: [], msg: 'NOT rebooted (no consent): lacks swapaccount=1' });
    expect(rebootModule.plan({ allowed: true }, { bootId: 'b' }, ctx).changes).toHaveLength(1);
  });
  it.skipIf(!existsSync('/proc/sys/kernel/random/boot_id'))('probe reads boot_id (run for real here)', () => {
    const r = rebootModule.probe({}, ctx).bootId;
    const out = spawnSync('sh', ['-c', readCommand(r)], { encoding: 'utf8' });
    expect(parseRead(r, { stdout: out.stdout, stderr: out.stderr, code: out.status ?? 255 })).toMatch(/^[0-9a-f-]{36}$/);
  });
});
