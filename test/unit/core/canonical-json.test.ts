/** canonicalJson: equal configs are equal bytes, whatever order their keys were built in. */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/index.ts';

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order, indents by 2 and ends with a newline', () => {
    const a = canonicalJson({ b: 1, a: { y: [3, { d: 1, c: 2 }], x: null } });
    expect(a).toBe('{\n  "a": {\n    "x": null,\n    "y": [\n      3,\n      {\n        "c": 2,\n        "d": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
    expect(canonicalJson({ a: { x: null, y: [3, { c: 2, d: 1 }] }, b: 1 })).toBe(a);
    expect(canonicalJson([2, 1])).toBe('[\n  2,\n  1\n]\n');
  });
});
