import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.ts';
import { loadInventory, selectHosts, type Inventory } from '../../../src/inventory/index.ts';
import { fixture, writeTree } from './helpers.ts';

// Host sets checked against `ansible PATTERN -i test/fixtures/inventory/nested --list-hosts` (ansible-core 2.19);
// rig returns them in inventory order: bastion web1 web2 edge1 db1 db2 edge2 stage1.
let inv: Inventory;
beforeAll(async () => {
  inv = await loadInventory(fixture('nested'));
});

describe('selectHosts', () => {
  it.each([
    ['all', ['bastion', 'web1', 'web2', 'edge1', 'db1', 'db2', 'edge2', 'stage1']],
    ['*', ['bastion', 'web1', 'web2', 'edge1', 'db1', 'db2', 'edge2', 'stage1']],
    ['web', ['web1', 'web2', 'edge1', 'edge2']],
    ['web*', ['web1', 'web2', 'edge1', 'edge2']],
    ['db?', ['db1', 'db2']],
    ['ungrouped', ['bastion']],
    ['edge1,stage1', ['edge1', 'stage1']],
    ['stage1,edge1', ['edge1', 'stage1']],
    ['prod:!db', ['web1', 'web2', 'edge1', 'edge2']],
    ['!db', ['bastion', 'web1', 'web2', 'edge1', 'edge2', 'stage1']],
    ['prod,&monitoring', ['web1', 'db1']],
    ['web:&monitoring:!web1', []],
    ['!web1,&monitoring', ['db1']],
    ['e*:&prod', ['edge1', 'edge2']],
    ['~(web|db)\\d', ['web1', 'web2', 'db1', 'db2']],
    ['prod[0]', ['web1']],
    ['prod[-1]', ['edge2']],
    ['prod[1:3]', ['web2', 'db1', 'db2']],
    ['prod[2:]', ['edge1', 'db1', 'db2', 'edge2']],
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
