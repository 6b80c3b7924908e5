/** Jinja values of inventory vars, rendered lazily per host by RunState.varsFor: only what is read, once, with errors that
 *  name the variable, the file:line that set it and the host; recursion is an error; a secret stays a secret. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact, ValidationError, type Play } from '../../../src/core/index.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { RecordingReporter } from '../../../src/reporters/recording.ts';
import { RunState } from '../../../src/runner/run-state.ts';

const inv = await loadInventory(join(import.meta.dirname, '../../fixtures/inventory/jinja-lazy'));
const play = { name: 'p', hosts: 'all', vars: { play_port: 8000 }, roles: [], tasks: [], definedAt: 'play.ts:1' } as unknown as Play;
const varsOf = (host: string, extraVars = {}): Readonly<Record<string, unknown>> => {
  const state = new RunState(inv, { reporter: new RecordingReporter(), connect: () => Promise.reject(new Error('no')), extraVars });
  return state.varsFor(state.runtime(inv.host(host)!), { play });
};
const errorOf = (fn: () => unknown): ValidationError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('no error');
};

describe('lazy rendering of inventory vars', () => {
  it.each([
    ['dsn', 'postgres://app:hunter22@10.1.0.1/db'],
    ['from_play', 8001],
    ['other', 'H2'],
    ['nested', { list: ['10.1.0.1', 2], k1: 'h1' }],
    ['ip', '10.1.0.1'],
  ])('%s → %j', (name, value) => {
    expect(varsOf('h1')[name]).toEqual(value);
  });

  it('renders nothing that is not read: an undefined name in an unread value is no error', () => {
    const vars = varsOf('h1');
    expect(vars.ip).toBe('10.1.0.1');
    expect('unread' in vars).toBe(true);
  });

  it('renders -e values as templates too, with the host vars', () => {
    expect(varsOf('h1', { where: '{{ ip }}:{{ inventory_hostname }}' }).where).toBe('10.1.0.1:h1');
  });

  it('renders each value once per host and scope', () => {
    const vars = varsOf('h1');
    expect(vars.nested).toBe(vars.nested);
  });

  it('names variable, file:line and host for an undefined name', () => {
    const e = errorOf(() => varsOf('h1').bad);
    expect(e.problems[0]!.where).toMatch(/jinja-lazy\/hosts\.yml:6/);
    expect(e.problems[0]!.message).toMatch(/host h1: variable 'bad'.*'nobody_defines_this' is undefined/);
    expect(e.problems[0]!.hint).toMatch(/default/);
  });

  it('reports a → b → a as a recursive loop, not a hang', () => {
    const e = errorOf(() => varsOf('h1').a);
    expect(e.problems[0]!.message).toMatch(/recursive loop detected in template \(a → b → a\)/);
  });

  it('keeps secrets secret: a value built from a secret is redacted, also when transformed', () => {
    const vars = varsOf('h1');
    expect(vars.dsn).toBe('postgres://app:hunter22@10.1.0.1/db');
    expect(redact(String(vars.dsn))).toBe('********');
    expect(vars.shout).toBe('HUNTER22');
    expect(redact(String(vars.shout))).toBe('********');
  });
});
