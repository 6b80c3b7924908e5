import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { systemdUnit } from '../../../src/facts/systemd.ts';
import { serviceModule, systemdModule, type SystemdArgs, type SystemdState } from '../../../src/modules/systemd.ts';
import { captured, fixture, planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();
const unit = (name: string): SystemdState => ({ unit: systemdUnit.parse(captured('systemd', `systemctl-show.${name}.from-docs.txt`), 'x') });
const plan = (a: SystemdArgs, s: SystemdState) => systemdModule.plan(a, s, ctx);
const commands = (a: SystemdArgs, s: SystemdState) => plan(a, s).changes.map((c) => (c.kind === 'exec' ? c.command : c.kind));

describe('args', () => {
  const v = (a: unknown) => argProblems(systemdModule, a);
  it('valid args have no problems', () => {
    expect(v({ name: 'docker', state: 'started', enabled: true })).toEqual([]);
    expect(v({ name: 'rig-iptables@ip6tables.service', enabled: true, daemonReload: true })).toEqual([]);
    expect(v({ name: 'nginx', masked: true, state: 'stopped' })).toEqual([]);
  });
  it.each([
    // each field, checked by the schema
    [{ state: 'started' }, "name: expected a unit name as a string, e.g. 'nginx' or 'docker.socket', got undefined"],
    [{ name: 7, state: 'started' }, 'name: expected a unit name as a string'],
    [{ name: '', state: 'started' }, 'name: "" is not a unit name (not empty, no spaces, not starting with -)'],
    [{ name: '--now', state: 'started' }, 'name: "--now" is not a unit name'],
    [{ name: 'my unit', state: 'started' }, 'name: "my unit" is not a unit name'],
    [{ name: 'nginx', state: 'running' }, 'state: Invalid option: expected one of "started"|"stopped"|"restarted"|"reloaded"'],
    [{ name: 'nginx', state: 'enabled' }, 'state: Invalid option'],
    [{ name: 'nginx', enabled: 'yes' }, 'enabled: Invalid input: expected boolean, received string'],
    [{ name: 'nginx', masked: 1 }, 'masked: Invalid input: expected boolean, received number'],
    [{ name: 'nginx', daemonReload: 'true' }, 'daemonReload: Invalid input: expected boolean, received string'],
    [{ name: 'nginx', enable: true }, `unknown key 'enable' (did you mean 'enabled'?)`],
    [{ name: 'nginx', daemon_reload: true }, `unknown key 'daemon_reload' (did you mean 'daemonReload'?)`],
    // across fields, checked by validate
    [{ name: 'nginx' }, 'give at least one of state, enabled, masked or daemonReload'],
    [{ name: 'nginx', masked: true, enabled: true }, 'a masked unit can be neither enabled nor started'],
    [{ name: 'nginx', masked: true, state: 'restarted' }, 'a masked unit can be neither enabled nor started'],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
  it('service is the same module', () => expect(serviceModule).toBe(systemdModule));
});

describe('started / stopped', () => {
  it('converged → no changes', () => {
    expect(plan({ name: 'nginx', state: 'started', enabled: true }, unit('active-enabled')).changes).toEqual([]);
    expect(plan({ name: 'consul', state: 'stopped', enabled: false }, unit('inactive-disabled')).changes).toEqual([]);
  });
  it('inactive and disabled → enable, then start', () => {
    expect(commands({ name: 'consul', state: 'started', enabled: true }, unit('inactive-disabled'))).toEqual(['systemctl enable -- consul', 'systemctl start -- consul']);
  });
  it('a failed unit is started again', () => {
    expect(commands({ name: 'consul', state: 'started' }, unit('failed'))).toEqual(['systemctl start -- consul']);
  });
  it('running and enabled → stop and disable', () => {
    expect(commands({ name: 'nginx', state: 'stopped', enabled: false }, unit('active-enabled'))).toEqual(['systemctl stop -- nginx', 'systemctl disable -- nginx']);
  });
});

describe('restarted / reloaded always act', () => {
  it('restarted', () => expect(commands({ name: 'nginx', state: 'restarted' }, unit('active-enabled'))).toEqual(['systemctl restart -- nginx']));
  it('reloaded reloads a running unit, starts a stopped one', () => {
    expect(commands({ name: 'nginx', state: 'reloaded' }, unit('active-enabled'))).toEqual(['systemctl reload -- nginx']);
    expect(commands({ name: 'consul', state: 'reloaded' }, unit('inactive-disabled'))).toEqual(['systemctl start -- consul']);
  });
});

describe('daemon-reload', () => {
  it('runs first whenever systemd says the unit files changed', () => {
    expect(commands({ name: 'docker', state: 'restarted' }, unit('need-daemon-reload'))).toEqual(['systemctl daemon-reload', 'systemctl restart -- docker']);
    expect(commands({ name: 'docker', state: 'started' }, unit('need-daemon-reload'))).toEqual(['systemctl daemon-reload']);
  });
  it('daemonReload on a converged unit does not report a change (re-runs stay changed=0)', () => {
    expect(plan({ name: 'nginx', state: 'started', daemonReload: true }, unit('active-enabled')).changes).toEqual([]);
  });
  it('a unit not loaded yet: reload, then act as on a stopped, disabled unit', () => {
    expect(commands({ name: 'nosuch', state: 'started', enabled: true, daemonReload: true }, unit('not-found'))).toEqual([
      'systemctl daemon-reload', 'systemctl enable -- nosuch', 'systemctl start -- nosuch',
    ]);
  });
});

describe('failures are clear', () => {
  it('unit not found', () => {
    const p = plan({ name: 'nosuch', state: 'started' }, unit('not-found'));
    expect(p.changes).toEqual([]);
    expect(p.failed).toMatch(/^systemd: unit nosuch not found/);
  });
  it('not systemd (state captured on this machine)', () => {
    const s = { unit: systemdUnit.parse(captured('systemd', 'systemctl-show.no-systemd-here.txt'), 'ssh') };
    expect(plan({ name: 'ssh', state: 'started' }, s).failed).toBe('systemd: cannot manage ssh: systemd is not running as PID 1 (/run/systemd/system is missing)');
    const bare = { unit: systemdUnit.parse({ stdout: '', stderr: fixture('systemd', 'systemctl-show.not-booted.stderr.txt'), code: 1 }, 'ssh') };
    expect(plan({ name: 'ssh', enabled: true }, bare).failed).toMatch(/not been booted with systemd/);
  });
  it('starting a masked unit', () => {
    expect(plan({ name: 'docker', state: 'started' }, unit('masked')).failed).toBe('systemd: unit docker is masked; set masked: false to enable or start it');
  });
});

describe('masked / static', () => {
  it('unmask then enable and start', () => {
    expect(commands({ name: 'docker', masked: false, enabled: true, state: 'started' }, unit('masked'))).toEqual([
      'systemctl unmask -- docker', 'systemctl enable -- docker', 'systemctl start -- docker',
    ]);
  });
  it('mask: stop first; already masked → no changes', () => {
    expect(commands({ name: 'nginx', masked: true, state: 'stopped' }, unit('active-enabled'))).toEqual(['systemctl stop -- nginx', 'systemctl mask -- nginx']);
    expect(plan({ name: 'docker', masked: true }, unit('masked')).changes).toEqual([]);
  });
  it('a static unit counts as enabled and cannot be disabled: no change, a note', () => {
    expect(plan({ name: 'systemd-journald', enabled: true }, unit('static')).changes).toEqual([]);
    const p = plan({ name: 'systemd-journald', enabled: false }, unit('static'));
    expect(p).toEqual({ changes: [], msg: 'systemd-journald is static: it cannot be disabled, left as is' });
  });
});
