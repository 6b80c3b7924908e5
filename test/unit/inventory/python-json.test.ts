/** Python's float repr and json.dumps layout (ansible-inventory's output); expected values printed by python3's repr(). */
import { describe, expect, it } from 'vitest';
import { pyFloatRepr, pythonJson } from '../../../src/inventory/python-json.ts';
import { PyFloat, UnsafeValue, VaultValue } from '../../../src/inventory/tagged-values.ts';
import { pyTimestamp } from '../../../src/inventory/yaml-timestamp.ts';

describe('pyFloatRepr', () => {
  it.each([
    [1000, '1000.0'], [3, '3.0'], [1e30, '1e+30'], [1e-10, '1e-10'], [0.5, '0.5'], [-0.0015, '-0.0015'], [1e16, '1e+16'],
    [1e15, '1000000000000000.0'], [123456789012345.6, '123456789012345.6'], [0.00001, '1e-05'], [0.0001, '0.0001'],
    [685230.15, '685230.15'], [-0, '-0.0'], [0.1 + 0.2, '0.30000000000000004'], [2.5e-7, '2.5e-07'],
    [1.7976931348623157e308, '1.7976931348623157e+308'], [5e-324, '5e-324'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [NaN, 'NaN'],
  ])('%s → %s', (n, text) => {
    expect(pyFloatRepr(n)).toBe(text);
  });
});

describe('pythonJson', () => {
  it.each([
    ['sorted keys, 4-space indent, empty containers', { b: [], a: {}, c: [1, 'x'] }, true, '{\n    "a": {},\n    "b": [],\n    "c": [\n        1,\n        "x"\n    ]\n}'],
    ['floats', [new PyFloat(3), 2.5, 7, Infinity], true, '[\n    3.0,\n    2.5,\n    7,\n    Infinity\n]'],
    ['non-ASCII kept, control characters escaped', 'é ☃ \u0001', true, '"é ☃ \\u0001"'],
    ['a vault value', { v: new VaultValue('$ANSIBLE_VAULT;1.1;AES256\n6162\n') }, true, '{\n    "v": {\n        "__ansible_vault": "$ANSIBLE_VAULT;1.1;AES256\\n6162\\n"\n    }\n}'],
    ['unsafe, --list', new UnsafeValue('{{ x }}'), true, '{\n    "__ansible_unsafe": "{{ x }}"\n}'],
    ['unsafe, --host', new UnsafeValue('{{ x }}'), false, '"{{ x }}"'],
    ['null, booleans', [null, true, false], true, '[\n    null,\n    true,\n    false\n]'],
  ])('%s', (_name, value, unsafeMarked, text) => {
    expect(pythonJson(value, unsafeMarked)).toBe(text);
  });
});

describe('pyTimestamp (PyYAML timestamp → Python isoformat)', () => {
  it.each([
    ['2002-12-14', '2002-12-14'],
    ['2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43.100000-05:00'],
    ['2001-12-14 21:59:43.10 -5', '2001-12-14T21:59:43.100000-05:00'],
    ['2001-12-15T02:59:43.1Z', '2001-12-15T02:59:43.100000+00:00'],
    ['2001-12-15 2:59:43', '2001-12-15T02:59:43'],
    ['2001-1-5 02:59:43.1234567', '2001-01-05T02:59:43.123456'],
    ['2001-12-15T02:59:43.000+05:30', '2001-12-15T02:59:43+05:30'],
    ['not a date', 'not a date'],
  ])('%s → %s', (text, iso) => {
    expect(pyTimestamp(text)).toBe(iso);
  });
});
