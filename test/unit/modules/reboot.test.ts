import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRead, readCommand } from '../../../src/core/fact.ts';
import { argProblems } from '../../../src/core/index.ts';
import { rebootModule } from '../../../src/modules/reboot.ts';
import { planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();

// plan cases (args + boot_id → reboot change, output) are data: test/cases/modules/reboot/*.json
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
  it.skipIf(!existsSync('/proc/sys/kernel/random/boot_id'))('probe reads boot_id (run for real here)', () => {
    const r = rebootModule.probe({}, ctx).bootId;
    const out = spawnSync('sh', ['-c', readCommand(r)], { encoding: 'utf8' });
    expect(parseRead(r, { stdout: out.stdout, stderr: out.stderr, code: out.status ?? 255 })).toMatch(/^[0-9a-f-]{36}$/);
  });
});
