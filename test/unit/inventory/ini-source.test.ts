import { describe, expect, it } from 'vitest';
import { parseIni, readIniInventory } from '../../../src/inventory/ini-source.ts';
import { InventoryData } from '../../../src/inventory/inventory-data.ts';
import { iniValue } from '../../../src/inventory/python-literal.ts';
import { shlexSplit } from '../../../src/inventory/shlex.ts';

/** INI text → groups (hosts, children), host vars and group vars, as plain data; or the problems as "line: message". */
function read(text: string): { groups: Record<string, { hosts?: string[]; children?: string[]; vars?: Record<string, unknown> }>; hostvars: Record<string, Record<string, unknown>> } | string[] {
  const parsed = parseIni(text, 'hosts');
  const inv = new InventoryData('inv');
  readIniInventory(inv, parsed);
  inv.reconcile();
  const problems = [...parsed.problems, ...inv.problems];
  if (problems.length > 0) return problems.map((p) => `${p.where}: ${p.message}`);
  const groups: Record<string, { hosts?: string[]; children?: string[]; vars?: Record<string, unknown> }> = {};
  for (const g of inv.groups.values()) {
    const entry: { hosts?: string[]; children?: string[]; vars?: Record<string, unknown> } = {};
    if (g.hosts.length) entry.hosts = g.hosts;
    if (g.children.length) entry.children = g.children;
    if (g.vars.size) entry.vars = Object.fromEntries([...g.vars].map(([k, v]) => [k, v.value]));
    groups[g.name] = entry;
  }
  const hostvars = Object.fromEntries([...inv.hosts.values()].map((h) => [h.name, Object.fromEntries([...h.vars].map(([k, v]) => [k, v.value]))]));
  return { groups, hostvars };
}

describe('INI inventory text → groups, hosts and vars', () => {
  const cases: [string, string, ReturnType<typeof read>][] = [
    [
      'hosts before any section are ungrouped; comments (# ;) and blank lines are skipped',
      '# c\n; c\n\nu1\n[web] # c\nw1 a=1\n',
      { groups: { all: { children: ['ungrouped', 'web'] }, ungrouped: { hosts: ['u1'] }, web: { hosts: ['w1'] } }, hostvars: { u1: {}, w1: { a: 1 } } },
    ],
    [
      'ranges, strides and host:port',
      '[g]\nn[1:3:2]:2222\ndb-[a:b]\n',
      { groups: { all: { children: ['ungrouped', 'g'] }, ungrouped: {}, g: { hosts: ['n1', 'n3', 'db-a', 'db-b'] } }, hostvars: { n1: { ansible_port: 2222 }, n3: { ansible_port: 2222 }, 'db-a': {}, 'db-b': {} } },
    ],
    [
      'a port given again for a known host is ignored, as in Ansible',
      'h1\nh1:2222\n',
      { groups: { all: { children: ['ungrouped'] }, ungrouped: { hosts: ['h1'] } }, hostvars: { h1: {} } },
    ],
    [
      'children named before their section are added when it comes',
      '[p:children]\nc\n[c]\nh\n',
      { groups: { all: { children: ['ungrouped', 'p'] }, ungrouped: {}, p: { children: ['c'] }, c: { hosts: ['h'] } }, hostvars: { h: {} } },
    ],
    [
      '[g:vars] before [g] is fine; values are Python literals there too (2.19)',
      '[g:vars]\nn = 5\ns = \'5\'\nw = a b\nb = True # comment\n[g]\nh\n',
      { groups: { all: { children: ['ungrouped', 'g'] }, ungrouped: {}, g: { hosts: ['h'], vars: { n: 5, s: '5', w: 'a b', b: true } } }, hostvars: { h: {} } },
    ],
    [
      'host-line values: shlex removes one level of quotes before literal_eval',
      'h a="5" b="\'5\'" c="x y" d=yes e=[1,2] f=a#gone\n',
      { groups: { all: { children: ['ungrouped'] }, ungrouped: { hosts: ['h'] } }, hostvars: { h: { a: 5, b: '5', c: 'x y', d: 'yes', e: [1, 2], f: 'a' } } },
    ],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(read(text)).toEqual(expected);
  });
});

describe('INI problems name file:line, as Ansible words them', () => {
  const cases: [string, string, string[]][] = [
    ['an undefined child group', '[p:children]\nc\n', ["hosts:2: Section [p:children] includes undefined group 'c'"]],
    ['vars for an undefined group', 'h\n[g:vars]\nx=1\n', ["hosts:2: Section [g:vars] not valid for undefined group 'g'"]],
    ['a child named then only given vars', '[p:children]\nc\n[c:vars]\nx=1\n', ["hosts:2: Section [p:children] includes undefined group 'c'"]],
    ['an unknown section type', '[web:child]\nw1\n', ['hosts:1: Section [web:child] has unknown type: child']],
    ['spaces in a section header', '[ web ]\n', ["hosts:1: Invalid section entry: '[ web ]'"]],
    ['a host word without =', '[g]\nh x\n', ['hosts:2: Expected key=value host variable assignment, got: x']],
    ['a `;` is no comment on a host line', 'h ; c\n', ['hosts:1: Expected key=value host variable assignment, got: ;']],
    ['a vars line without =', '[all:vars]\nx\n', ['hosts:2: Expected key=value, got: x']],
    ['two words as a child', '[p:children]\na b\n', ['hosts:2: Expected group name, got: a b']],
    ['an unclosed quote', 'h x="abc\n', ['hosts:1: Error parsing host definition \'h x="abc\': No closing quotation']],
    ['a trailing colon', 'h:\n', ["hosts:1: Invalid host pattern 'h:' supplied, ending in ':' is not allowed, this character is reserved to provide a port."]],
    ['a YAML document marker', '---\n', ["hosts:1: Invalid host pattern '---' supplied, '---' is normally a sign this is a YAML file."]],
    ['an unhashable dict key', 'h x="{[1]: 2}"\n', ["hosts:1: value {[1]: 2}: unhashable type: 'list' (a list, dict or set cannot be a dict key or a set member)"]],
    ['a bad range', '[g]\nweb[01:100]\n', ['hosts:2: host range in "web[01:100]" must use equal-length begin and end (01, 100)']],
    ['every bad line, not only the first', 'a x\nb y\n', ['hosts:1: Expected key=value host variable assignment, got: x', 'hosts:2: Expected key=value host variable assignment, got: y']],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(read(text)).toEqual(expected);
  });
});

describe('iniValue: ast.literal_eval, then the ini plugin coercions (checked against CPython 3.11)', () => {
  const cases: [string, unknown][] = [
    ['42', 42], ['-7', -7], ['--7', '--7'], ['1.5', 1.5], ['1e3', 1000], ['0x1F', 31], ['0o17', 15], ['0b101', 5], ['1_000', 1000],
    ['0755', '0755'], ['00', 0], ['True', true], ['true', 'true'], ['None', null], ['yes', 'yes'], ['...', '...'],
    ['1j', '1j'], ['1+2j', '(1+2j)'], ['-2j', '(-0-2j)'], ['1+2', '1+2'], ['[1, 2,]', [1, 2]], ['(1,)', [1]], ['1, 2', [1, 2]],
    ['{}', {}], ["{'a': 1, 'a': 2}", { a: 2 }], ["{1: 'a', True: 'b'}", { 1: 'b' }], ['{1.5: 2}', { '1.5': 2 }], ['{None: 1}', { null: 1 }],
    ['{1, 2, 2}', [1, 2]], ['set()', []], ["'a' \"b\"", 'ab'], ["'a' b'b'", "'a' b'b'"], ["b'abc'", 'abc'], ["r'\\n'", '\\n'],
    ["'\\x41\\u00e9\\101\\d'", 'AéA\\d'], ["f'x'", "f'x'"], ["ur'x'", "ur'x'"], ['8080 # c', 8080], ['[1, 2] ; c', '[1, 2] ; c'],
    ['', ''], [' 5', 5], ['1abc', '1abc'], ['-True', '-True'], ['[..., 1j]', ['...', '1j']], ["{'a': [1, {'b': None}]}", { a: [1, { b: null }] }],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(iniValue(text)).toEqual(expected);
  });
});

describe('shlexSplit: Python shlex.split(comments=True)', () => {
  const cases: [string, string[] | string][] = [
    ['host a=1 b="two words" c="\'05\'"', ['host', 'a=1', 'b=two words', "c='05'"]],
    ['q=a#b r=1', ['q=a']],
    ['s="x y"z t=\'a\\\'b', ['s=x yz', 't=a\\b']],
    ['u="a\\"b\\c" v=a\\ b w=\\#x', ['u=a"b\\c', 'v=a b', 'w=#x']],
    ['x=\'\' ""', ['x=', '']],
    ['h x="abc', 'No closing quotation'],
    ['h \\', 'No escaped character'],
  ];
  it.each(cases)('%s', (line, expected) => {
    if (typeof expected === 'string') expect(() => shlexSplit(line)).toThrow(expected);
    else expect(shlexSplit(line)).toEqual(expected);
  });
});
