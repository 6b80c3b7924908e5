import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { editSysctlConf, sysctlDefaultFile, sysctlModule } from '../../../src/modules/sysctl.ts';

// plan cases (args + reads → changes and diff) are data: test/cases/modules/sysctl/*.json, run by test/unit/cases.test.ts
describe('sysctl file edits', () => {
  it('rewrites the first occurrence and drops duplicates that would override it', () => {
    const before = '# mine\nnet/ipv4/ip_forward = 0\nvm.swappiness = 10\n-net.ipv4.ip_forward=0\n';
    expect(editSysctlConf(before, 'net.ipv4.ip_forward', 1)).toBe('# mine\nnet.ipv4.ip_forward = 1\nvm.swappiness = 10\n');
    expect(editSysctlConf('vm.swappiness = 10', 'net.ipv4.ip_forward', 1)).toBe('vm.swappiness = 10\nnet.ipv4.ip_forward = 1\n');
    expect(editSysctlConf(before, 'net.ipv4.ip_forward', undefined)).toBe('# mine\nvm.swappiness = 10\n');
  });

  it('slash notation maps to the dot-notation file name', () => {
    expect(sysctlDefaultFile('net/ipv4/conf/eth0.100/rp_filter')).toBe('/etc/sysctl.d/99-rig-net.ipv4.conf.eth0_100.rp_filter.conf');
  });
});

describe('sysctl args', () => {
  const v = (a: unknown) => argProblems(sysctlModule, a);
  it('valid args have no problems', () => {
    expect(v({ name: 'vm.swappiness', value: 10 })).toEqual([]);
    expect(v({ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456', file: '/etc/sysctl.d/60-net.conf', reload: false })).toEqual([]);
    expect(v({ name: 'kernel.perf_event_paranoid', value: -1 })).toEqual([]);
    expect(v({ name: 'net/ipv4/conf/eth0.100/rp_filter', value: 2 })).toEqual([]);
    expect(v({ name: 'vm.swappiness', state: 'absent' })).toEqual([]);
  });
  it('numbers that cannot be written exactly are refused: give them as strings', () => {
    expect(v({ name: 'kernel.shmmax', value: 18446744073692774399 })[0]).toMatch(/cannot be written exactly as a number: give it as a string/);
    expect(v({ name: 'vm.dirty_ratio', value: 1e21 })[0]).toMatch(/1e\+21 cannot be written exactly/);
    expect(v({ name: 'kernel.shmmax', value: '18446744073692774399' })).toEqual([]);
    expect(v({ name: 'vm.x', value: 0.5 })).toEqual([]);
  });
  it.each([
    // each field, checked by the schema
    [{ value: 1 }, 'name: expected a key as a string, e.g. "net.ipv4.ip_forward", got undefined'],
    [{ name: '', value: 1 }, 'name: must not be empty: give a key like "net.ipv4.ip_forward"'],
    [{ name: 'vm..x', value: 1 }, 'name: "vm..x" is not a valid key (dot-separated segments of letters, digits, _ - and /)'],
    [{ name: 'vm.swappiness;reboot', value: 1 }, 'name: "vm.swappiness;reboot" is not a valid key'],
    // an object, a list, NaN or Infinity would reach the host as "[object Object]", "1,2", "NaN"
    [{ name: 'vm.swappiness', value: { a: 1 } }, 'value: expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got {"a":1}'],
    [{ name: 'vm.swappiness', value: [1, 2] }, 'value: expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got [1,2]'],
    [{ name: 'vm.swappiness', value: Number.NaN }, 'value: expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got NaN'],
    [{ name: 'vm.swappiness', value: Number.POSITIVE_INFINITY }, 'value: expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got Infinity'],
    [{ name: 'vm.swappiness', value: true }, 'value: expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got true'],
    [{ name: 'vm.swappiness', value: '  ' }, 'value: empty: give the value to set (or state: absent to unpersist the key)'],
    [{ name: 'vm.swappiness', value: '1\nkernel.x=1' }, 'value: must be a single line'],
    [{ name: 'vm.swappiness', value: 1, file: 'sysctl.conf' }, 'file: must be an absolute path, got "sysctl.conf"'],
    [{ name: 'vm.swappiness', value: 1, file: '/etc/x.conf\nkernel.x=1' }, 'file: must be a single line'],
    [{ name: 'vm.swappiness', value: 1, state: 'gone' }, 'state: Invalid option: expected one of "present"|"absent"'],
    [{ name: 'vm.swappiness', value: 1, reload: 'no' }, 'reload: Invalid input: expected boolean, received string'],
    [{ name: 'vm.swappiness', valeu: 1 }, `unknown key 'valeu' (did you mean 'value'?)`],
    // across fields, checked by validate
    [{ name: 'vm.swappiness' }, 'value is required with state present (e.g. value: 1)'],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});
