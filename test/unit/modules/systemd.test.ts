import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { serviceModule, systemdModule } from '../../../src/modules/systemd.ts';

// plan cases (args + the unit's systemctl show → commands) are data: test/cases/modules/systemd/*.json

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
