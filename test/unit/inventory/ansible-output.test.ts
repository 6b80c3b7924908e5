import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.ts';
import { loadInventory, toAnsibleGraph, toAnsibleList } from '../../../src/inventory/index.ts';
import { fixture, writeTree } from './helpers.ts';

// The full comparison with the real ansible-inventory is in test/integration/inventory-ansible.test.ts;
// these cover the shape rules that do not need Ansible installed.
describe('toAnsibleList', () => {
  it('omits empty groups at top level but keeps them in children; all has no hosts; hosts without vars have no hostvars', async () => {
    const inv = await loadInventory(writeTree({ 'hosts.yml': 'all:\n  hosts:\n    loner:\n  children:\n    empty:\n    g:\n      hosts:\n        h1: { v: 1 }\n' }));
    expect(toAnsibleList(inv)).toEqual({
      _meta: { hostvars: { h1: { v: 1 } }, profile: 'inventory_legacy' },
      all: { children: ['ungrouped', 'empty', 'g'] },
      ungrouped: { hosts: ['loner'] },
      g: { hosts: ['h1'] },
    });
  });

  it('serialises keys sorted like json.dumps(sort_keys=True)', async () => {
    const inv = await loadInventory(writeTree({ 'hosts.yml': 'all:\n  hosts:\n    h: { zz: { b: 1, a: 2 }, aa: 1 }\n' }));
    expect(JSON.stringify(toAnsibleList(inv))).toBe(
      '{"_meta":{"hostvars":{"h":{"aa":1,"zz":{"a":2,"b":1}}},"profile":"inventory_legacy"},"all":{"children":["ungrouped"]},"ungrouped":{"hosts":["h"]}}',
    );
  });
});

describe('toAnsibleGraph', () => {
  it('draws a sub-tree for a group and repeats a group under every parent', async () => {
    const inv = await loadInventory(fixture('nested'));
    expect(toAnsibleGraph(inv, 'prod')).toBe(
      ['@prod:', '  |--@web:', '  |  |--@edge:', '  |  |  |--edge1', '  |  |  |--edge2', '  |  |--web1', '  |  |--web2', '  |--@db:', '  |  |--db1', '  |  |--db2'].join('\n'),
    );
    // edge is a child of both web and all
    expect(toAnsibleGraph(inv).split('\n').filter((l) => l.endsWith('@edge:'))).toEqual(['  |  |  |--@edge:', '  |--@edge:']);
    expect(() => toAnsibleGraph(inv, 'nope')).toThrow(ValidationError);
  });
});
