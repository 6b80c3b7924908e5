import { describe, expect, it } from 'vitest';
import { assertModule } from '../../../src/modules/assert.ts';
import { planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();

describe('assert', () => {
  it('reads nothing', () => expect(assertModule.probe({ that: true }, ctx)).toEqual({}));
  it('all true → ok with the success message', () => {
    expect(assertModule.plan({ that: [true, true], successMsg: 'cluster sized' }, {}, ctx)).toEqual({ changes: [], msg: 'cluster sized' });
    expect(assertModule.plan({ that: true }, {}, ctx)).toEqual({ changes: [], msg: 'all assertions passed' });
  });
  it('any false → failed, naming which', () => {
    expect(assertModule.plan({ that: [true, false, true], msg: 'need 3 managers' }, {}, ctx)).toEqual({ changes: [], failed: 'need 3 managers (condition 2 of 3 is false)' });
    expect(assertModule.plan({ that: false }, {}, ctx).failed).toBe('assertion failed');
  });
  it('validate refuses non-booleans (a forgotten call or a truthy string)', () => {
    expect(assertModule.validate!({ that: ['yes' as unknown as boolean] })).toEqual(['assert: that must be a boolean or an array of booleans (compute them in the args function)']);
    expect(assertModule.validate!({ that: [] })).toEqual([]);
  });
});
