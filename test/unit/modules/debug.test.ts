/** debug (Ansible's ansible.builtin.debug): what it shows for msg / var / verbosity, and its arg checks. */
import { describe, expect, it } from 'vitest';
import { argProblems, type Host } from '../../../src/core/index.ts';
import { debugModule, debugPlan, lookupVar, NOT_DEFINED, VERBOSITY_NOT_MET } from '../../../src/modules/debug.ts';

const host: Host = { name: 'web1.example.com', groups: ['all', 'web', 'debian'], vars: {}, ssh: { address: '10.0.0.1', port: 22 }, become: false };
const vars = { port: 8080, app: { peers: ['a', 'b'], cfg: { tls: true } }, empty: null, zero: 0 };

describe('debug: what is shown', () => {
  it.each([
    [{ msg: 'hello' }, 0, { msg: 'hello' }],
    [{}, 0, { msg: 'Hello world!' }],
    [{ msg: { a: [1, true] } }, 0, { msg: { a: [1, true] } }],
    [{ msg: '' }, 0, { msg: '' }],
    [{ var: 'port' }, 0, { port: 8080 }],
    [{ var: 'app.peers[1]' }, 0, { 'app.peers[1]': 'b' }],
    [{ var: 'app.peers.0' }, 0, { 'app.peers.0': 'a' }],
    [{ var: 'app.cfg' }, 0, { 'app.cfg': { tls: true } }],
    [{ var: 'empty' }, 0, { empty: null }],
    [{ var: 'zero' }, 0, { zero: 0 }],
    [{ var: 'nope' }, 0, { nope: NOT_DEFINED }],
    [{ var: 'app.nope.deeper' }, 0, { 'app.nope.deeper': NOT_DEFINED }],
    [{ var: 'inventory_hostname' }, 0, { inventory_hostname: 'web1.example.com' }],
    [{ var: 'inventory_hostname_short' }, 0, { inventory_hostname_short: 'web1' }],
    [{ var: 'group_names' }, 0, { group_names: ['debian', 'web'] }],
    [{ msg: 'detail', verbosity: 2 }, 2, { msg: 'detail' }],
    [{ msg: 'detail', verbosity: 1 }, 3, { msg: 'detail' }],
  ] as const)('%j at -v×%i → %j', (args, verbosity, shown) => {
    const plan = debugPlan(args, host, vars, verbosity);
    expect(plan).toMatchObject({ changes: [], show: shown, output: shown });
    expect(plan.skipped).toBeUndefined();
  });

  it('a variable wins over the magic name it shadows', () => {
    expect(debugPlan({ var: 'inventory_hostname' }, host, { inventory_hostname: 'set' }, 0).show).toEqual({ inventory_hostname: 'set' });
  });

  it.each([
    [{ msg: 'x', verbosity: 1 }, 0],
    [{ var: 'port', verbosity: 3 }, 2],
  ])('%j at -v×%i is skipped: Verbosity threshold not met.', (args, verbosity) => {
    expect(debugPlan(args, host, vars, verbosity)).toEqual({ changes: [], skipped: VERBOSITY_NOT_MET });
  });

  it('the message line of a string msg is the string, of anything else its JSON', () => {
    expect(debugPlan({ msg: 'hi' }, host, vars, 0).msg).toBe('hi');
    expect(debugPlan({ var: 'port' }, host, vars, 0).msg).toBe('{"port":8080}');
  });

  it('reads nothing from the host', () => {
    expect(debugModule.probe({ msg: 'x' }, { host, vars, facts: {} as never, check: false, diff: false })).toEqual({});
    expect(debugModule.readOnly).toBe(true);
  });

  it('lookupVar does not walk into prototypes', () => {
    expect(lookupVar('app.constructor', vars, host)).toBeUndefined();
    expect(lookupVar('toString', vars, host)).toBeUndefined();
  });
});

describe('debug args', () => {
  it.each([
    [{ msg: 'a', var: 'b' }, 'msg and var are mutually exclusive'],
    [{ var: 'a b' }, '"a b" is not a variable name or path'],
    [{ var: '{{ x }}' }, 'rig does not evaluate expressions here'],
    [{ var: 5 }, 'var: expected the name of a variable as a string, got 5'],
    [{ verbosity: -1 }, 'verbosity: cannot be negative'],
    [{ verbosity: 1.5 }, 'verbosity: a whole number of -v'],
    [{ verbosity: '1' }, 'verbosity: expected a whole number of -v, got "1"'],
    [{ mgs: 'x' }, "unknown key 'mgs' (did you mean 'msg'?)"],
  ])('%j → %s', (args, message) => {
    expect(argProblems(debugModule, args).join('\n')).toContain(message);
  });

  it.each([[{}], [{ msg: null }], [{ var: 'a.b[0].c' }], [{ msg: 'x', verbosity: 0 }]])('%j is valid', (args) => {
    expect(argProblems(debugModule, args)).toEqual([]);
  });
});
