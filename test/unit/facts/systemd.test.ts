import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseSystemctlShow, systemdUnit } from '../../../src/facts/systemd.ts';

// parse cases (command + captured output → value) are data: test/cases/facts/systemd.systemdUnit/*.json
describe('systemctl show parsing', () => {
  it('key=value parsing is order-independent and keeps "=" inside values', () => {
    expect(parseSystemctlShow('SubState=dead\nId=a=b.service\n')).toEqual({ SubState: 'dead', Id: 'a=b.service' });
  });
});

describe('systemdUnit on this machine (real process)', () => {
  it('live: the command on this machine reports what /run/systemd/system says', () => {
    const r = spawnSync('sh', ['-c', systemdUnit.command('ssh')], { encoding: 'utf8' });
    const u = systemdUnit.parse({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? 255 }, 'ssh');
    expect(u.init).toBe(existsSync('/run/systemd/system') ? 'systemd' : 'not-systemd');
  });
});
