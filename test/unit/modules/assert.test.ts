import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { assertModule } from '../../../src/modules/assert.ts';

// plan cases (that → msg or failed) are data: test/cases/modules/assert/*.json
describe('assert args', () => {
  const v = (a: unknown) => argProblems(assertModule, a);
  const head = 'that: must be a boolean or an array of booleans (compute them in the args function)';
  it('valid: a boolean, an array of booleans (even empty), messages', () => {
    expect(v({ that: true })).toEqual([]);
    expect(v({ that: [true, false], msg: 'need 3 managers', successMsg: 'sized' })).toEqual([]);
    expect(v({ that: [] })).toEqual([]);
  });
  const check = () => true;
  it.each([
    // a truthy string would pass a JS `if`: refused, with the comparison to write
    [{ that: 'yes' }, `${head}, got the string "yes" (a string is not a condition: compare it, e.g. x === "yes")`],
    [{ that: [true, 'false'] }, `${head}: condition 2 is the string "false"`],
    // a forgotten call: the function itself is truthy
    [{ that: check }, `${head}, got a function (a forgotten call? write check(), not check)`],
    [{ that: [true, true, check] }, `${head}: condition 3 is a function (a forgotten call?`],
    [{ that: 1 }, `${head}, got 1 (a number: turn it into a comparison, e.g. n > 0)`],
    [{ that: [null] }, `${head}: condition 1 is null (a missing value? test it`],
    [{ that: [undefined] }, `${head}: condition 1 is undefined`],
    [{}, 'that: is required: a boolean or an array of booleans'],
    [{ that: true, msg: 5 }, 'msg: Invalid input: expected string, received number'],
    [{ that: true, success_msg: 'ok' }, "unknown key 'success_msg' (did you mean 'successMsg'?)"],
    [{ that: true, message: 'x' }, "unknown key 'message'"],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});
