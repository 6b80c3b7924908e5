import { describe, expect, it } from 'vitest';
import { globToRegExp, matchPatternList, OPENSSH_GLOB } from '../../../src/core/glob.ts';

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

describe('OpenSSH pattern rules (known_hosts names, match.c)', () => {
  it.each([
    ['*.lan', 'a.lan', true],
    ['*.lan', 'a.lan.evil', false],
    ['web?.lan', 'web1.lan', true],
    ['WEB1.lan', 'web1.lan', true],
    // brackets are literal: the [host]:port form, with wildcards inside
    ['[web1.lan]:2222', '[web1.lan]:2222', true],
    ['[web1.lan]:2222', 'w', false],
    ['[*.lan]:2222', '[db.lan]:2222', true],
    ['[*.lan]:2222', '[db.lan]:22', false],
    ['[10.0.0.?]:22?2', '[10.0.0.7]:2222', true],
    ['node[13]', 'node1', false],
    ['node[13]', 'node[13]', true],
  ])('%s ~ %s → %s', (glob, name, expected) => {
    expect(globToRegExp(glob, OPENSSH_GLOB).test(name)).toBe(expected);
  });

  it('a matching negation vetoes the list, whatever the order; negations alone accept nothing', () => {
    expect(matchPatternList(['*.lan', '!bad.lan'], 'a.lan')).toBe(true);
    expect(matchPatternList(['*.lan', '!bad.lan'], 'bad.lan')).toBe(false);
    expect(matchPatternList(['!bad.lan', '*.lan'], 'bad.lan')).toBe(false);
    expect(matchPatternList(['!bad.lan'], 'a.lan')).toBe(false);
    expect(matchPatternList(['!BAD.lan', '*'], 'bad.lan')).toBe(false);
    expect(matchPatternList(['[*.lan]:2222', '![db.lan]:2222'], '[db.lan]:2222')).toBe(false);
    expect(matchPatternList(['[*.lan]:2222', '![db.lan]:2222'], '[web.lan]:2222')).toBe(true);
  });
});
