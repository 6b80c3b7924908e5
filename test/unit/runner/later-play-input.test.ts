/** Bad input in a later play is found before the first play changes anything, while what earlier plays will set
 *  (a setFact, even one whose value needs a result) is never mistaken for bad input. Runs on local processes. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command, copy, defineHandler, definePlaybook, flushHandlers, setFact, ValidationError } from '../../../src/index.ts';
import type { TaskContext } from '../../../src/core/index.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, p = '') => path.join(String(ctx.vars.work), p);

describe('a later play’s input, checked before the first change', () => {
  it('a misspelt name gets "did you mean"', async () => {
    const world = await localWorld(['a'], {}, { greeting: 'hi' });
    const pb = definePlaybook({ name: 'one', hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'one'), content: 'x\n' }))] }, { name: 'two', hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'two'), content: ctx.var<string>('greetnig') }))] });
    const err = await world.run(pb).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toContain("variable 'greetnig' is not defined for host a (did you mean 'greeting'?)");
  });

  it('ctx.var of an undefined variable in a later play: refused before play one changes anything', async () => {
    const world = await localWorld(['a', 'b']);
    const bad = copy((ctx) => ({ dest: w(ctx, 'two'), content: ctx.var<string>('tpyo') }), { name: 'uses a typo' });
    const pb = definePlaybook(
      { name: 'one', hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'one'), content: 'x\n' }))] },
      { name: 'two', hosts: 'b', tasks: [bad] },
    );
    const err = await world.run(pb).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain(`${bad.definedAt} (host b)`);
    expect((err as Error).message).toContain("variable 'tpyo' is not defined for host b");
    for (const h of ['a', 'b']) expect(existsSync(path.join(world.dir, h, 'one')), h).toBe(false);
  });

  for (const how of ['ctx.var', 'ctx.vars'] as const) {
    it(`${how} of a variable an earlier play's setFact sets from a result: not refused, the run converges`, async () => {
      const world = await localWorld(['a']);
      const probe = command({ cmd: ['echo', 'from-probe'] }, { name: 'probe', changedWhen: false });
      const pb = definePlaybook(
        { name: 'one', hosts: 'all', tasks: [probe, setFact((ctx) => ({ vars: { fromProbe: String(ctx.result(probe).stdout).trim() } }))] },
        {
          name: 'two',
          hosts: 'all',
          tasks: [copy((ctx) => ({ dest: w(ctx, 'two'), content: `${how === 'ctx.var' ? ctx.var<string>('fromProbe') : (ctx.vars.fromProbe as string)}\n` }))],
        },
      );
      const { summary } = await world.run(pb);
      expect(summary.exitCode).toBe(0);
    });
  }

  it('ctx.var of a variable a static setFact of an earlier play sets: not refused', async () => {
    const world = await localWorld(['a']);
    const pb = definePlaybook(
      { name: 'one', hosts: 'all', tasks: [setFact({ vars: { made: 'here' } })] },
      { name: 'two', hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'two'), content: `${ctx.var<string>('made')}\n` }))] },
    );
    const { summary } = await world.run(pb);
    expect(summary.exitCode).toBe(0);
  });
});

describe('a variable a setFact of the same play sets from a result', () => {
  it('ctx.var of it in a later task: not refused at preflight, the task sees the value', async () => {
    const world = await localWorld(['a']);
    const probe = command({ cmd: ['echo', 'from-probe'] }, { name: 'probe', changedWhen: false });
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        probe,
        setFact((ctx) => ({ vars: { fromProbe: String(ctx.result(probe).stdout).trim() } })),
        copy((ctx) => ({ dest: w(ctx, 'out'), content: `${ctx.var<string>('fromProbe')}\n` })),
      ],
    });
    const { summary } = await world.run(pb);
    expect(summary.exitCode).toBe(0);
    expect(readFileSync(path.join(world.dir, 'a', 'out'), 'utf8')).toBe('from-probe\n');
  });
});

// found by a break-it trial of the above
describe('what a setFact may set, as the run will see it', () => {
  const touch = (name: string) => copy((ctx) => ({ dest: w(ctx, name), content: 'x\n' }), { name: `touch ${name}` });

  for (const where of ['the first play', 'a later play'] as const) {
    it(`a typo inside a setFact's own args (${where}) is refused before anything changes`, async () => {
      const world = await localWorld(['a']);
      const bad = setFact((ctx) => ({ vars: { y: ctx.var<string>('tpyo') } }));
      const pb =
        where === 'the first play'
          ? definePlaybook({ hosts: 'all', tasks: [touch('one'), bad] })
          : definePlaybook({ name: 'one', hosts: 'all', tasks: [touch('one')] }, { name: 'two', hosts: 'all', tasks: [bad, touch('two')] });
      const err = await world.run(pb).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toContain(`${bad.definedAt} (host a)`);
      expect(existsSync(path.join(world.dir, 'a', 'one'))).toBe(false);
    });
  }

  it('a setFact whose `when` reads resultOf of a task not run yet: what it sets is not refused in a later play', async () => {
    const world = await localWorld(['a']);
    const probe = command({ cmd: ['true'] }, { name: 'probe', changedWhen: false });
    const pb = definePlaybook(
      { name: 'one', hosts: 'all', tasks: [touch('one'), probe, setFact({ vars: { ok: 'yes' } }, { when: (ctx) => ctx.resultOf(probe)?.rc === 0 })] },
      { name: 'two', hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'two'), content: `${ctx.var<string>('ok')}\n` }))] },
    );
    const { summary } = await world.run(pb);
    expect(summary.exitCode).toBe(0);
    expect(readFileSync(path.join(world.dir, 'a', 'two'), 'utf8')).toBe('yes\n');
  });

  it('a setFact whose args branch on resultOf of a task not run yet: the branch it will take is not refused', async () => {
    const world = await localWorld(['a']);
    const probe = command({ cmd: ['echo', 'out'] }, { name: 'probe', changedWhen: false });
    const pb = definePlaybook(
      { name: 'one', hosts: 'all', tasks: [probe, setFact((ctx) => { const r = ctx.resultOf(probe); return { vars: r ? { out: String(r.stdout).trim() } : { outMissing: true } }; })] },
      { name: 'two', hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'two'), content: `${ctx.var<string>('out')}\n` }))] },
    );
    const { summary } = await world.run(pb);
    expect(summary.exitCode).toBe(0);
    expect(readFileSync(path.join(world.dir, 'a', 'two'), 'utf8')).toBe('out\n');
  });

  it('a runOnce setFact reaches every host, even where its `when` would be false: not refused on them', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook(
      { name: 'one', hosts: 'all', tasks: [setFact({ vars: { leader: 'a' } }, { runOnce: true, when: (ctx) => ctx.host.name === 'a' })] },
      { name: 'two', hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'leader'), content: `${ctx.var<string>('leader')}\n` }))] },
    );
    const { summary } = await world.run(pb);
    expect(summary.exitCode).toBe(0);
    for (const h of ['a', 'b']) expect(readFileSync(path.join(world.dir, h, 'leader'), 'utf8'), h).toBe('a\n');
  });
});

describe('a template variable nothing defines', () => {
  it('an inventory value "{{ tpyo }}" read only by a later play: refused before the first play changes anything', async () => {
    const world = await localWorld(['a'], {}, { greeting: '"{{ tpyo }} there"' });
    const reader = copy((ctx) => ({ dest: w(ctx, 'two'), content: `${String(ctx.vars.greeting)}\n` }), { name: 'reads greeting' });
    const pb = definePlaybook(
      { name: 'one', hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'one'), content: 'x\n' }))] },
      { name: 'two', hosts: 'all', tasks: [reader] },
    );
    const err = await world.run(pb).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/variable 'greeting'.*tpyo.*is undefined/);
    expect((err as Error).message).toContain('{{ tpyo | default(...) }}');
    expect(existsSync(path.join(world.dir, 'a', 'one'))).toBe(false);
  });
});

describe('a handler that sets variables', () => {
  it('run by flushHandlers before a task that reads its variable: not refused, the task sees the value', async () => {
    const world = await localWorld(['a']);
    const remember = defineHandler('remember', setFact({ vars: { flushed: 'yes' } }));
    const pb = definePlaybook({
      hosts: 'all',
      handlers: [remember],
      tasks: [
        copy((ctx) => ({ dest: w(ctx, 'x'), content: '1\n' }), { notify: [remember] }),
        flushHandlers(),
        copy((ctx) => ({ dest: w(ctx, 'flushed'), content: `${ctx.var<string>('flushed')}\n` })),
      ],
    });
    const { summary } = await world.run(pb);
    expect(summary.exitCode).toBe(0);
    expect(readFileSync(path.join(world.dir, 'a', 'flushed'), 'utf8')).toBe('yes\n');
  });
});

describe('check mode: a setFact that reads a command check mode does not run', () => {
  for (const plays of [1, 2] as const) {
    it(`a task reading its variable (${plays === 1 ? 'same play' : 'a later play'}) is a prediction, not an undefined variable`, async () => {
      const world = await localWorld(['a']);
      const who = command({ cmd: ['id', '-un'] }, { name: 'who', changedWhen: false });
      const remember = setFact((ctx) => ({ vars: { login: String(ctx.result(who).stdout).trim() } }));
      const reader = copy((ctx) => ({ dest: w(ctx, 'login'), content: `${ctx.var<string>('login')}\n` }), { name: 'reader' });
      const pb = plays === 1 ? definePlaybook({ hosts: 'all', tasks: [who, remember, reader] }) : definePlaybook({ name: 'one', hosts: 'all', tasks: [who, remember] }, { name: 'two', hosts: 'all', tasks: [reader] });
      const { summary, rec } = await world.run(pb, { check: true });
      expect(summary.exitCode).toBe(0);
      const r = rec.results('a').find((x) => x.task === 'reader')!;
      expect(r.status).toBe('changed');
      expect(r.predicted).toBe(true);
      expect(r.msg).toContain("depends on the output of 'who', which check mode does not run");
      expect(existsSync(path.join(world.dir, 'a', 'login'))).toBe(false);
      // the real run then changes exactly that
      const real = await world.run(pb);
      expect(real.summary.exitCode).toBe(0);
      expect(real.rec.results('a').find((x) => x.task === 'reader')!.status).toBe('changed');
    });
  }
});
