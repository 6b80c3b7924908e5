import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRead, readCommand } from '../../../src/core/fact.ts';
import { rebootModule } from '../../../src/modules/reboot.ts';
import { planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();

describe('reboot', () => {
  it('validate', () => {
    expect(rebootModule.validate!({ rebootTimeoutSec: 0 })).toEqual(['reboot: rebootTimeoutSec must be a positive number of seconds']);
    expect(rebootModule.validate!({ testCommand: ' ' })).toEqual(['reboot: testCommand is empty']);
    expect(rebootModule.validate!({})).toEqual([]);
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
