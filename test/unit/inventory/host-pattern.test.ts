import { describe, expect, it } from 'vitest';
import { expandHostPattern } from '../../../src/inventory/index.ts';

describe('expandHostPattern (Ansible host keys and ranges)', () => {
  it.each([
    ['web1', { hosts: ['web1'] }],
    ['web[1:3]', { hosts: ['web1', 'web2', 'web3'] }],
    ['web[01:03].example.com', { hosts: ['web01.example.com', 'web02.example.com', 'web03.example.com'] }],
    ['node[1:10:3]', { hosts: ['node1', 'node4', 'node7', 'node10'] }],
    ['db[a:c]', { hosts: ['dba', 'dbb', 'dbc'] }],
    ['db[a:e:2]', { hosts: ['dba', 'dbc', 'dbe'] }],
    ['r[A:B]-[1:2]', { hosts: ['rA-1', 'rA-2', 'rB-1', 'rB-2'] }],
    ['h[:2]', { hosts: ['h0', 'h1', 'h2'] }],
    ['10.0.0.[1:3]', { hosts: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] }],
    ['web1:2222', { hosts: ['web1'], port: 2222 }],
    ['web[1:2]:2222', { hosts: ['web1', 'web2'], port: 2222 }],
    ['192.0.2.7:22', { hosts: ['192.0.2.7'], port: 22 }],
    ['[2001:db8::1]:2200', { hosts: ['2001:db8::1'], port: 2200 }],
    ['2001:db8::1', { hosts: ['2001:db8::1'] }],
    ['web[3:1]', { hosts: [] }],
  ])('%s', (key, expected) => {
    expect(expandHostPattern(key)).toEqual(expected);
  });

  it('rejects ranges Ansible rejects', () => {
    expect(() => expandHostPattern('web[01:100]')).toThrow(/equal-length/);
    expect(() => expandHostPattern('web[1]')).toThrow(/begin:end/);
    expect(() => expandHostPattern('web[c:a]')).toThrow(/begin <= end/);
    expect(() => expandHostPattern('web[1:]')).toThrow(/end value/);
  });
});
