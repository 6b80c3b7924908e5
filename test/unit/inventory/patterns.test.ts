import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.ts';
import { loadInventory, selectHosts, type Inventory } from '../../../src/inventory/index.ts';
import { fixture, writeTree } from './helpers.ts';

// Hosts and their order checked against ansible-core 2.19's InventoryManager.get_hosts on test/fixtures/inventory/nested
// (test/integration/host-order-ansible.test.ts): pattern by pattern, a group's own hosts before its children's.
let inv: Inventory;
beforeAll(async () => {
  inv = await loadInventory(fixture('nested'));
});

describe('selectHosts', () => {
  it.each([
    ['all', ['bastion', 'edge1', 'edge2', 'web1', 'db1', 'stage1', 'web2', 'db2']],
    ['*', ['bastion', 'edge1', 'edge2', 'web1', 'db1', 'stage1', 'web2', 'db2']],
    ['web', ['web1', 'web2', 'edge1', 'edge2']],
    ['web*', ['web1', 'web2', 'edge1', 'edge2']],
    ['db?', ['db1', 'db2']],
    ['ungrouped', ['bastion']],
    ['edge1,stage1', ['edge1', 'stage1']],
    ['stage1,edge1', ['stage1', 'edge1']],
    ['prod:!db', ['web1', 'web2', 'edge1', 'edge2']],
    ['!db', ['bastion', 'edge1', 'edge2', 'web1', 'stage1', 'web2']],
    ['prod,&monitoring', ['web1', 'db1']],
    ['web:&monitoring:!web1', []],
    ['!web1,&monitoring', ['db1']],
    ['e*:&prod', ['edge1', 'edge2']],
    ['~(web|db)\\d', ['web1', 'web2', 'db1', 'db2']],
    ['prod[0]', ['web1']],
    ['prod[-1]', ['edge2']],
    ['prod[1:3]', ['web2', 'db1', 'db2']],
    ['prod[2:]', ['db1', 'db2', 'edge1', 'edge2']],
    [' web1 , db1 ', ['web1', 'db1']],
  ])('%s', (pattern, expected) => {
    expect(selectHosts(inv, pattern)).toEqual(expected);
  });

  it('an empty group matches nothing without error; a name matching nothing is a ValidationError naming it', async () => {
    const withEmpty = await loadInventory(writeTree({ 'hosts.yml': 'all:\n  hosts: { h: }\n  children:\n    empty:\n' }));
    expect(selectHosts(withEmpty, 'empty')).toEqual([]);
    expect(selectHosts(withEmpty, 'all:!empty')).toEqual(['h']);
    expect(() => selectHosts(inv, 'webservers')).toThrow(ValidationError);
    const err = (() => {
      try {
        selectHosts(inv, 'web,nosuch,!gone');
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('expected a ValidationError');
    })();
    expect(err.problems.map((p) => p.message)).toEqual(['"nosuch" matches no host and no group', '"gone" matches no host and no group']);
    expect(err.problems[0]!.where).toBe('pattern "web,nosuch,!gone"');
    expect(err.problems[0]!.hint).toContain('groups: all, ungrouped, prod');
  });

  it('rejects an out-of-range single subscript and an invalid regex', () => {
    expect(() => selectHosts(inv, 'db[5]')).toThrow(/no host at index 5 of "db"/);
    expect(() => selectHosts(inv, '~web(')).toThrow(/invalid host pattern regex/);
  });
});

describe('selectHosts: empty and malformed patterns are errors naming the pattern, never "all hosts"', () => {
  const bad: [string, string][] = [
    ['', 'the host pattern is empty'],
    [' ', 'the host pattern is empty'],
    ['\t', 'the host pattern is empty'],
    [',', 'the host pattern has only separators and whitespace, no host or group'],
    [',,', 'the host pattern has only separators and whitespace, no host or group'],
    [' , ', 'the host pattern has only separators and whitespace, no host or group'],
    [':', 'the host pattern has only separators and whitespace, no host or group'],
    ['[', 'the host pattern has an unpaired "[" or "]" and no host or group'],
    [']', 'the host pattern has an unpaired "[" or "]" and no host or group'],
    ['[]', '"[]" has an empty subscript "[]"'],
    ['!', '"!" needs a host or group after it'],
    ['web:!', '"!" needs a host or group after it'],
    ['web,&', '"&" needs a host or group after it'],
    ['web[', '"web[" has a "[" or "]" without its pair'],
    ['web]', '"web]" has a "[" or "]" without its pair'],
    ['web[1', '"web[1" has a "[" or "]" without its pair'],
    ['web[[0]]', '"web[[0]]" has a "[" or "]" without its pair'],
    ['db1,web[', '"web[" has a "[" without a closing "]"'],
    ['db1,web]', '"web]" has a "]" without a "[" before it'],
    ['db1,web[[0]]', '"web[[0]]" has a "[" inside "[...]"'],
    ['web[]', '"web[]" has an empty subscript "[]"'],
    ['web[1:x]', '"web[1:x]": "[1:x]" is not a valid subscript'],
    ['web[:2]', '"web[:2]": "[:2]" is not a valid subscript'],
    ['web[1:2:3]', '"web[1:2:3]": "[1:2:3]" is not a valid subscript'],
    ['db[a:c]', '"db[a:c]": "[a:c]" is not a valid subscript'],
    ['web[0:1].example.com', '"web[0:1].example.com": "[0:1]" is not a valid subscript'],
    ['!web[0:x]', '"web[0:x]": "[0:x]" is not a valid subscript'],
  ];
  for (const [pattern, message] of bad) {
    it(`${JSON.stringify(pattern)}: ${message}`, () => {
      let err: unknown;
      try {
        selectHosts(inv, pattern);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      const problems = (err as ValidationError).problems;
      expect(problems.map((p) => [p.where, p.message])).toEqual([[`pattern ${JSON.stringify(pattern)}`, message]]);
      expect(problems[0]!.hint).toBeTruthy();
    });
  }

  it('the empty pattern says to write "all"; a malformed subscript shows the valid forms', () => {
    expect(() => selectHosts(inv, '')).toThrow(/write "all" for every host/);
    expect(() => selectHosts(inv, 'web[1:x]')).toThrow(/\[i\], \[-i\], \[start:end\] \(inclusive\) or \[start:\]/);
  });

  // still accepted: subscripts, char classes without ':', regexes with brackets, a trailing comma, an IPv6 address
  it.each([
    ['prod[0-1]', ['web1', 'web2']],
    ['db[12]', []],
    ['db[!1]', ['db2']],
    ['~db[12]', ['db1', 'db2']],
    ['~(web|db)[0-9]:!db2', ['web1', 'web2', 'db1']],
    ['web1,', ['web1']],
    [',web1,,db1,', ['web1', 'db1']],
    ['prod[1:2],&db', ['db1']],
  ])('%s', (pattern, expected) => {
    // db[12] is index 12 of group db: out of range for a single index is an error, so check it apart
    if (pattern === 'db[12]') expect(() => selectHosts(inv, pattern)).toThrow(/no host at index 12 of "db"/);
    else expect(selectHosts(inv, pattern)).toEqual(expected);
  });

  it('a bracketed IPv6 address is not taken for a subscript', async () => {
    const v6 = await loadInventory(writeTree({ 'hosts.yml': 'all:\n  hosts:\n    "2001:db8::1":\n    h2:\n' }));
    expect(selectHosts(v6, '2001:db8::1')).toEqual(['2001:db8::1']);
    expect(() => selectHosts(v6, '[2001:db8::1]:22')).toThrow(/matches no host and no group/);
  });
});
