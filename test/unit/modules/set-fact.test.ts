import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { setFactModule } from '../../../src/modules/set-fact.ts';

// plan cases (vars → setVars) are data: test/cases/modules/setFact/*.json
describe('setFact args', () => {
  const v = (a: unknown) => argProblems(setFactModule, a);
  it('valid: variable names, any values', () => {
    expect(v({ vars: { app_url: 'http://x', _n: 1, peers: ['a'], cfg: { a: null } } })).toEqual([]);
  });
  it.each([
    [{ vars: { 'bad-name': 1, ok: 2 } }, 'vars.bad-name: "bad-name" is not a valid variable name (letters, digits, _; not starting with a digit)'],
    [{ vars: { '2nd': 1 } }, 'vars.2nd: "2nd" is not a valid variable name'],
    [{ vars: { '': 1 } }, 'is not a valid variable name'],
    [{ vars: {} }, 'vars: is empty: give at least one variable to set'],
    [{ vars: 'a=1' }, 'vars: expected an object of variables, e.g. { app_port: 8080 }, got "a=1"'],
    [{ vars: ['a'] }, 'vars: expected an object of variables'],
    [{}, 'vars: expected an object of variables, e.g. { app_port: 8080 }, got undefined'],
  ])('%j → %s', (args, message) => {
    expect(v(args).join('\n')).toContain(message);
  });
  it('a misspelled vars: said once, as the misspelling (the suggestion names the missing key)', () => {
    expect(v({ var: { a: 1 } })).toEqual(["unknown key 'var' (did you mean 'vars'?); known keys: vars"]);
    expect(v({})).toEqual(['vars: expected an object of variables, e.g. { app_port: 8080 }, got undefined']);
  });
});
