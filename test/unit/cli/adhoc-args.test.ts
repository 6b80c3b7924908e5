/** `-a` parsing: Ansible's parse_kv (cases and results captured from ansible-core 2.19's parsing/splitter.py, in
 *  test/fixtures/adhoc/parse-kv.ts; the integration test adhoc.test.ts re-runs them through the real ansible-core), JSON args, escapes. */
import { describe, expect, it } from 'vitest';
import { ArgsSyntaxError, decodeEscapes, parseAdhocArgs, parseKv, unquote } from '../../../src/cli/adhoc-args.ts';
import { PARSE_KV } from '../../fixtures/adhoc/parse-kv.ts';


describe('parse_kv as ansible-core 2.19', () => {
  it.each(PARSE_KV)('%j (check_raw %s)', (text, checkRaw, expected) => {
    if (expected === 'error') {
      expect(() => parseKv(text, checkRaw)).toThrow(ArgsSyntaxError);
      return;
    }
    const got = parseKv(text, checkRaw);
    expect({ options: got.options, ...(got.raw !== undefined ? { raw: got.raw } : {}) }).toEqual(expected);
  });
});

describe('-a as JSON or key=value', () => {
  it.each([
    ['{"msg": [1, 2]}', false, { options: { msg: [1, 2] } }],
    ['{"cmd": "uname -a", "chdir": "/tmp"}', true, { options: { cmd: 'uname -a', chdir: '/tmp' } }],
    ['uptime', true, { options: {}, raw: 'uptime' }],
  ] as const)('%j', (text, freeForm, expected) => {
    expect(parseAdhocArgs(text, freeForm)).toEqual(expected);
  });

  it.each([
    ['{"msg": }', /not valid JSON/],
    ['{broken}', /not valid JSON/],
  ])('%j is refused: %s', (text, message) => {
    expect(() => parseAdhocArgs(text, false)).toThrow(message);
  });

  it.each([
    ["'a b'", 'a b'],
    ['"a b"', 'a b'],
    ['"a b\\"', '"a b\\"'],
    ["'a", "'a"],
    ['"', '"'],
    ['plain', 'plain'],
  ])('unquote(%j) = %j', (input, out) => expect(unquote(input)).toBe(out));

  it.each([
    ['a\\nb', 'a\nb'],
    ['a\\tb', 'a\tb'],
    ['\\x41\\u00e9\\U0001F600', 'A\u00e9\u{1F600}'],
    ['\\N{BULLET}', '\\N{BULLET}'],
    ["it\\'s", "it's"],
  ])('decodeEscapes(%j) = %j', (input, out) => expect(decodeEscapes(input)).toBe(out));
});
