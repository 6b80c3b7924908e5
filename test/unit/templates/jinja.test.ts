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

// found by trying to break it: a template is data — no code on the controller, no unbounded allocation, no secret in pieces
describe('Jinja hardening', () => {
  const marker = `/tmp/rig-jinja-escape-${process.pid}`;
  it.each([
    `{{ range.constructor("return process.getBuiltinModule('child_process').execSync('touch ${marker}')")() }}`,
    `{{ ''.constructor.constructor("return 1")() }}`,
    `{{ cycler.constructor("return 1")() }}`,
    `{{ ''.toString.constructor("return 1")() }}`,
    `{{ lookup.call(none, 'pipe', 'id') }}`,
    `{{ {}.__proto__ }}`,
    `{{ [1].pop() }}`,
    `{{ {'a': 1}.update({'b': 2}) }}`,
  ])('%s reaches no JavaScript internals (and mutates nothing)', async (src) => {
    expect(() => renderString(src, scope)).toThrow(JinjaError);
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    ['{{ range(3) | list }}', [0, 1, 2]],
    ['{{ range(1, 10, 4) | list }}', [1, 5, 9]],
    ['{{ range(5, 0, -2) | list }}', [5, 3, 1]],
    ["{{ 'abcdef'[1:] }}", 'bcdef'],
    ["{{ 'abcdef'[:-2] }}", 'abcd'],
    ["{{ {'a': 1, 'b': 2}.items() | list }}", [['a', 1], ['b', 2]]],
    ["{{ {'a': 1}.get('a') }}", 1],
    ['{{ [1, 2, 2].count(2) }}', 2],
  ])('%s → %j', (src, value) => expect(renderString(src, scope)).toEqual(value));

  it('range() is capped as in Jinja\'s sandbox (a billion items crashed node)', () => {
    expect(() => renderString('{{ range(1000000000) | length }}', scope)).toThrow(/too big \(at most 100000/);
  });

  it('a secret broken into pieces is refused; whole, sliced or transformed it stays a secret', async () => {
    const { secret, redact } = await import('../../../src/core/secret.ts');
    const pw = secret('TopSecret42-jinja');
    const s = { lookup: (n: string) => (n === 'pw' ? pw : MISSING) };
    for (const src of ['{{ pw | list }}', "{{ pw.split('S') }}", "{{ pw.split('-') }}"]) expect(() => renderString(src, s)).toThrow(/breaks a secret into pieces/);
    for (const src of ['{{ pw[1:] }}', '{{ pw | upper }}', '{{ pw | replace("Top", "x") }}']) {
      const out = renderString(src, s) as string;
      expect(redact(`a ${out} b`)).toBe('a ******** b');
    }
  });
});
