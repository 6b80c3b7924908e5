import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { modprobeModule } from '../../../src/modules/modprobe.ts';

// plan and probe cases (args + reads → changes, diff, read commands) are data: test/cases/modules/modprobe/*.json
describe('modprobe args', () => {
  const v = (a: unknown) => argProblems(modprobeModule, a);
  it('valid args have no problems', () => {
    expect(v({ name: 'br_netfilter' })).toEqual([]);
    expect(v({ name: 'nf-conntrack', state: 'present', persistent: 'disabled', params: 'hashsize=4096 nf_conntrack_helper=0' })).toEqual([]);
    expect(v({ name: 'floppy', state: 'absent', persistent: 'absent' })).toEqual([]);
  });
  it.each([
    // each field, checked by the schema
    [{}, 'name: expected a module name as a string, e.g. "br_netfilter", got undefined'],
    [{ name: '' }, 'name: must not be empty: give a module name like "br_netfilter"'],
    [{ name: 'x;reboot' }, 'name: "x;reboot" is not a valid module name (letters, digits, _ and -, at most 64)'],
    [{ name: '-r' }, 'name: "-r" is not a valid module name'],
    [{ name: 'x'.repeat(65) }, 'is not a valid module name'],
    [{ name: 'x', state: 'loaded' }, 'state: Invalid option: expected one of "present"|"absent"'],
    [{ name: 'x', persistent: 'blacklisted' }, 'persistent: Invalid option: expected one of "present"|"absent"|"disabled"'],
    [{ name: 'x', persistent: true }, 'persistent: Invalid option'],
    [{ name: 'x', params: 'a=1\ninstall x /bin/sh' }, "params: must be one line without '#'"],
    [{ name: 'x', params: 'a=1 # b' }, "params: must be one line without '#'"],
    [{ name: 'x', params: ['a=1'] }, 'params: expected parameters as one string, e.g. "hashsize=4096 nf_conntrack_helper=0", got ["a=1"]'],
    [{ name: 'x', param: 'a=1' }, `unknown key 'param' (did you mean 'params'?)`],
    // across fields, checked by validate
    [{ name: 'x', state: 'absent', persistent: 'present' }, "state 'absent' with persistent 'present' would load it again at boot: use persistent 'absent' or 'disabled'"],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});
