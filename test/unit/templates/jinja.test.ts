/** Jinja expressions → values, as Jinja2 3.1 / ansible-core 2.19 give them (filters case by case), and the errors. */
import { describe, expect, it } from 'vitest';
import { JinjaError, MISSING, renderString } from '../../../src/templates/index.ts';

const vars: Record<string, unknown> = {
  ip: '10.0.0.11', port: 22, l: ['b', 'a', 'b'], d: { k: 'v', n: 1 }, e: '', z: 0, n: null, t: true, s: ' x y ',
  users: [{ name: 'al', admin: true }, { name: 'bo', admin: false }], js: '{"a": [1, 2]}', num: '42', fl: '3.7',
};
const scope = { lookup: (n: string) => (Object.hasOwn(vars, n) ? vars[n] : MISSING) };

const CASES: readonly (readonly [string, unknown])[] = [
  // types: one expression keeps its type, anything else is text (Python's str())
  ['{{ port + 1 }}', 23], ['p{{ port }}', 'p22'], ['{{ t }}-{{ n }}', 'True-None'], ['{{ l }}!', "['b', 'a', 'b']!"], ['{{ d }}', { k: 'v', n: 1 }],
  // default / d
  ['{{ nope | default("x") }}', 'x'], ['{{ nope | d(5) }}', 5], ['{{ e | default("x") }}', ''], ['{{ e | default("x", true) }}', 'x'],
  ['{{ z | default(7, true) }}', 7], ['{{ d.missing | default("m") }}', 'm'], ['{{ nope | default }}', ''],
  ['{{ ip | lower }}', '10.0.0.11'], ['{{ "AbC" | lower }}', 'abc'], ['{{ "AbC" | upper }}', 'ABC'], ['{{ t | upper }}', 'TRUE'],
  ['{{ l | join(",") }}', 'b,a,b'], ['{{ [1, 2] | join }}', '12'], ['{{ users | join(", ", attribute="name") }}', 'al, bo'],
  ['{{ num | int }}', 42], ['{{ fl | int }}', 3], ['{{ "x" | int }}', 0], ['{{ "x" | int(9) }}', 9], ['{{ " 7 " | int }}', 7], ['{{ "0x1A" | int(base=16) }}', 26], ['{{ t | int }}', 1],
  ['{{ fl | float }}', 3.7], ['{{ "no" | float }}', 0], ['{{ port | float }}', 22],
  ['{{ "yes" | bool }}', true], ['{{ "On" | bool }}', true], ['{{ "1" | bool }}', true], ['{{ "no" | bool }}', false], ['{{ "foo" | bool }}', false], ['{{ 1 | bool }}', true], ['{{ n | bool }}', false],
  ['{{ port | string }}', '22'], ['{{ t | string }}', 'True'],
  ['{{ ip | replace(".", "-") }}', '10-0-0-11'], ['{{ ip | replace(".", "", 1) }}', '100.0.11'],
  ['{{ t | ternary("a", "b") }}', 'a'], ['{{ e | ternary("a", "b") }}', 'b'], ['{{ n | ternary("a", "b", "c") }}', 'c'], ['{{ [] | ternary(1, 2) }}', 2],
  ['{{ l | first }}', 'b'], ['{{ l | last }}', 'b'], ['{{ ip | first }}', '1'],
  ['{{ l | length }}', 3], ['{{ ip | length }}', 9], ['{{ d | length }}', 2], ['{{ l | count }}', 3],
  ['{{ ip | regex_replace("\\\\.", "_") }}', '10_0_0_11'], ['{{ ip | regex_replace("^(\\\\d+)\\\\..*$", "net \\\\1") }}', 'net 10'],
  ['{{ "ab" | regex_replace("(?P<x>a)", "[\\\\g<x>]") }}', '[a]b'], ['{{ "AB" | regex_replace("a", "z", ignorecase=true) }}', 'zB'],
  ['{{ ip | regex_search("\\\\d+$") }}', '11'], ['{{ ip | regex_search("x") }}', null], ['{{ ip | regex_search("(\\\\d+)\\\\.(\\\\d+)", "\\\\2") }}', ['0']],
  ['{{ "a,b,c" | split(",") }}', ['a', 'b', 'c']], ['{{ s | split }}', ['x', 'y']], ['{{ "a,b,c" | split(",", 1) }}', ['a', 'b,c']], ['{{ ip.split(".")[0] }}', '10'],
  ['{{ s | trim }}', 'x y'], ['{{ "xxaxx" | trim("x") }}', 'a'],
  ['{{ d | to_json }}', '{"k": "v", "n": 1}'], ['{{ [1, "é"] | to_json }}', '[1, "\\u00e9"]'], ['{{ js | from_json }}', { a: [1, 2] }],
  ['{{ l | unique }}', ['b', 'a']], ['{{ [1, "1", 1] | unique }}', [1, '1']],
  ['{{ users | map(attribute="name") | list }}', ['al', 'bo']], ['{{ l | map("upper") | list }}', ['B', 'A', 'B']],
  ['{{ users | map(attribute="x", default="-") | list }}', ['-', '-']],
  ['{{ users | selectattr("admin") | map(attribute="name") | list }}', ['al']], ['{{ users | rejectattr("admin") | map(attribute="name") | first }}', 'bo'],
  ['{{ users | selectattr("name", "equalto", "bo") | list | length }}', 1], ['{{ [0, 1, "", "a"] | select | list }}', [1, 'a']], ['{{ [1, 2, 3] | select("odd") | list }}', [1, 3]],
  ['{{ [1, 2, 3] | reject("odd") | list }}', [2]],
  ['{{ nope is defined }}', false], ['{{ nope is undefined }}', true], ['{{ ip is defined }}', true], ['{{ n is none }}', true], ['{{ port is none }}', false], ['{{ nope is not defined }}', true],
  ['{{ d.k }}', 'v'], ["{{ d['n'] }}", 1], ['{{ l[1:] }}', ['a', 'b']], ['{{ "x" ~ port }}', 'x22'], ['{{ "a" in l }}', true], ['{{ 7 // 2 }}', 3],
  ['{% if port > 10 %}big{% else %}small{% endif %}', 'big'], ['{% for u in users %}{{ u.name }};{% endfor %}', 'al;bo;'],
  ['{{ True }}', true], ['{{ None }}', null], ['{{ "id_rsa" if t else "none" }}', 'id_rsa'], ['{{ ip.startswith("10.") }}', true],
];

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
