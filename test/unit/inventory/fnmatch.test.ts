import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../../src/inventory/fnmatch.ts';

describe('globToRegExp (Python fnmatch.translate)', () => {
  it.each([
    ['web*', 'web01', true],
    ['web*', 'xweb', false],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'aexample.com', false],
    ['db?', 'db1', true],
    ['db?', 'db12', false],
    ['node[13]', 'node3', true],
    ['node[13]', 'node2', false],
    ['node[!13]', 'node2', true],
    ['node[!13]', 'node1', false],
    ['node[0-2]', 'node1', true],
    ['a[', 'a[', true],
    ['a+b(c)', 'a+b(c)', true],
    ['Web*', 'web1', false],
  ])('%s ~ %s → %s', (glob, name, expected) => {
    expect(globToRegExp(glob).test(name)).toBe(expected);
  });
});
