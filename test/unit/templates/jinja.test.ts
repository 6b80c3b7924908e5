/** Jinja expressions → values, as Jinja2 3.1 / ansible-core 2.19 give them (filters case by case), and the errors. */
import { describe, expect, it } from 'vitest';
import { JinjaError, MISSING, renderString } from '../../../src/templates/index.ts';
import { CASES, VARS } from '../../fixtures/jinja-expressions.ts';

const scope = { lookup: (n: string) => (Object.hasOwn(VARS, n) ? VARS[n] : MISSING) };

describe('Jinja expressions', () => {
  it.each(CASES)('%s → %j', (src, expected) => {
    expect(renderString(src, scope)).toEqual(expected);
  });

  it('reads the environment with lookup("env")', () => {
    process.env.RIG_JINJA_TEST = 'from-env';
    expect(renderString("{{ lookup('env', 'RIG_JINJA_TEST') }}", scope)).toBe('from-env');
    expect(renderString("{{ lookup('env', 'RIG_JINJA_UNSET_X') }}", scope)).toBe('');
  });
});

const ERRORS: readonly (readonly [string, RegExp])[] = [
  ['{{ nope }}', /'nope' is undefined/],
  ['x{{ nope }}', /'nope' is undefined/],
  ['{% if nope %}y{% endif %}', /'nope' is undefined/],
  ['{{ nope or 1 }}', /'nope' is undefined/],
  ['{{ nope | upper }}', /'nope' is undefined/],
  ['{{ nope.x }}', /'nope' is undefined/],
  ['{{ d.missing }}', /'dict object' has no attribute 'missing'/],
  ['{{ [] | first }}', /No first item/],
  ['{{ ip | to_yaml }}', /no filter named 'to_yaml'/],
  ['{{ ip is frobbed }}', /no test named 'frobbed'/],
  ['{{ ip ', /syntax error/],
  ['{{ "x" | from_json }}', /from_json/],
  ["{{ lookup('file', '/etc/passwd') }}", /lookup\('file'\) is not supported/],
];
describe('Jinja errors', () => {
  it.each(ERRORS)('%s fails: %s', (src, message) => {
    expect(() => renderString(src, scope)).toThrow(JinjaError);
    expect(() => renderString(src, scope)).toThrow(message);
  });
  it('names the filters rig has when one is missing', () => {
    try {
      renderString('{{ 1 | nosuch }}', scope);
      expect.unreachable();
    } catch (e) {
      expect((e as JinjaError).hint).toMatch(/regex_replace/);
    }
  });
});
