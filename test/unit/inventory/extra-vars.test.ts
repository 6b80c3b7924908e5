import { describe, expect, it } from 'vitest';
import { parseExtraVars } from '../../../src/inventory/index.ts';
import { validationError, writeTree } from './helpers.ts';

describe('parseExtraVars (-e)', () => {
  it('k=v pairs are strings, quotes group words, later -e wins', async () => {
    const vars = await parseExtraVars(['a=1 b="two words" c=\'x=y\'', 'a=override d={{ x }}', ''], '/');
    expect(vars).toEqual({ a: 'override', b: 'two words', c: 'x=y', d: '{{ x }}' });
  });

  it('@file (YAML or JSON, relative to cwd) and inline JSON/YAML keep types', async () => {
    const dir = writeTree({ 'vars/extra.yml': 'replicas: 3\nenabled: yes\nlist: [a, b]\n', 'x.json': '{"n": 1.5}' });
    const vars = await parseExtraVars(['@vars/extra.yml', '@x.json', '{"json": 1, "replicas": 5}', '{yaml: true}'], dir);
    expect(vars).toEqual({ replicas: 5, enabled: true, list: ['a', 'b'], n: 1.5, json: 1, yaml: true });
  });

  it('collects every bad spec', async () => {
    const err = await validationError(parseExtraVars(['lonely', './vars.yml', '@missing.yml', '[1, 2]', '{bad: [}'], '/nowhere'));
    expect(err.problems.map((p) => p.message)).toEqual([
      '"lonely" is not key=value',
      'looks like a file name',
      expect.stringMatching(/^cannot read: ENOENT/),
      'extra vars must be a mapping of names to values',
      expect.stringMatching(/^Flow sequence/),
      'Flow map must end with a }',
    ]);
    expect(err.problems[1]!.hint).toBe('prepend it with @: -e @./vars.yml');
    expect(err.problems[4]!.where).toMatch(/^-e:1:\d+$/);
  });
});
