import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseSystemctlShow, systemdUnit } from '../../../src/facts/systemd.ts';
import { captured, fixture } from '../../fixtures/facts/command/plan-context.ts';

const parse = (name: string, unit = 'x') => systemdUnit.parse(captured('systemd', name), unit);

describe('systemdUnit (systemctl show fixtures, from docs)', () => {
  it('active and enabled', () => {
    expect(parse('systemctl-show.active-enabled.from-docs.txt')).toEqual({
      init: 'systemd', id: 'nginx.service', loadState: 'loaded', activeState: 'active', subState: 'running', unitFileState: 'enabled', needDaemonReload: false,
    });
  });
  it('not found: empty UnitFileState is kept as ""', () => {
    expect(parse('systemctl-show.not-found.from-docs.txt')).toMatchObject({ loadState: 'not-found', unitFileState: '', activeState: 'inactive' });
  });
  it('masked, static, failed, pending daemon-reload', () => {
    expect(parse('systemctl-show.masked.from-docs.txt')).toMatchObject({ loadState: 'masked', unitFileState: 'masked' });
    expect(parse('systemctl-show.static.from-docs.txt')).toMatchObject({ unitFileState: 'static', activeState: 'active' });
    expect(parse('systemctl-show.failed.from-docs.txt')).toMatchObject({ activeState: 'failed', subState: 'failed' });
    expect(parse('systemctl-show.need-daemon-reload.from-docs.txt')).toMatchObject({ needDaemonReload: true });
  });
  it('key=value parsing is order-independent and keeps "=" inside values', () => {
    expect(parseSystemctlShow('SubState=dead\nId=a=b.service\n')).toEqual({ SubState: 'dead', Id: 'a=b.service' });
  });
});

describe('systemdUnit on hosts without systemd as PID 1 (captured here)', () => {
  it('the fact command’s own guard', () => {
    expect(parse('systemctl-show.no-systemd-here.txt')).toEqual({ init: 'not-systemd', detail: expect.stringMatching(/not running as PID 1/) });
  });
  it('a bare systemctl’s complaint (exit 1) is recognised too', () => {
    const out = { stdout: '', stderr: fixture('systemd', 'systemctl-show.not-booted.stderr.txt'), code: 1 };
    expect(systemdUnit.parse(out, 'ssh')).toEqual({ init: 'not-systemd', detail: expect.stringMatching(/not been booted with systemd/) });
  });
  it('any other failure is an error with systemctl’s message', () => {
    expect(() => systemdUnit.parse({ stdout: '', stderr: 'Failed to get properties: Invalid unit name', code: 1 }, 'a b')).toThrow(/Invalid unit name/);
  });
  it('live: the command on this machine reports what /run/systemd/system says', () => {
    const r = spawnSync('sh', ['-c', systemdUnit.command('ssh')], { encoding: 'utf8' });
    const u = systemdUnit.parse({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? 255 }, 'ssh');
    expect(u.init).toBe(existsSync('/run/systemd/system') ? 'systemd' : 'not-systemd');
  });
  it('the unit name is quoted after --', () => {
    expect(systemdUnit.command("x';y")).toContain(`--no-pager -- 'x'\\'';y'`);
  });
});
