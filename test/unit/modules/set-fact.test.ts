import { describe, expect, it } from 'vitest';
import { setFactModule } from '../../../src/modules/set-fact.ts';
import { planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();

describe('setFact', () => {
  it('reads nothing, changes nothing, sets the vars', () => {
    expect(setFactModule.probe({ vars: { a: 1 } }, ctx)).toEqual({});
    const vars = { app_url: 'http://node1:8080', peers: ['a', 'b'] };
    expect(setFactModule.plan({ vars }, {}, ctx)).toEqual({ changes: [], setVars: vars, msg: 'set app_url, peers' });
  });
  it('validate: names must be variable names; an empty set is a mistake', () => {
    expect(setFactModule.validate!({ vars: { 'bad-name': 1, ok: 2 } })).toEqual(['setFact: "bad-name" is not a valid variable name']);
    expect(setFactModule.validate!({ vars: {} })).toEqual(['setFact: vars is empty']);
  });
});
