/** ctx.resultOf: a registered result, or undefined where ctx.result would throw NotYetRun (on local "hosts"). */
import { describe, expect, it } from 'vitest';
import { command, definePlaybook, shell } from '../../../src/index.ts';
import { localWorld } from './local-run.ts';

describe('ctx.resultOf', () => {
  it('is the result where it ran, undefined on a host outside --limit and for a task that has not run yet', async () => {
    const world = await localWorld(['a', 'b']);
    const first = shell({ cmd: 'echo one' }, { name: 'first' });
    const later = shell({ cmd: 'echo later' }, { name: 'later' });
    const skipped = shell({ cmd: 'echo never' }, { name: 'skipped', when: false });
    const shown = (v: unknown): string => (v === undefined ? 'undefined' : String(v));
    const pb = definePlaybook({
      hosts: 'all',
      gatherFacts: false,
      tasks: [
        first,
        skipped,
        command((ctx) => ({ cmd: ['echo', shown(ctx.resultOf(first)?.stdout), shown(ctx.resultOf(first, 'b')), shown(ctx.resultOf(later)), ctx.resultOf(skipped)?.status ?? 'none'] }), { name: 'reads' }),
        later,
        command((ctx) => ({ cmd: ['echo', shown(ctx.resultOf(later)?.stdout)] }), { name: 'after' }),
      ],
    });
    const run = await world.run(pb, { limit: 'a' });
    expect(run.summary.exitCode).toBe(0);
    const byName = new Map(run.rec.results('a').map((r) => [r.task, r]));
    // b is not in this run, `later` runs after the reader, a skipped task has a result saying so (as in Ansible)
    expect(byName.get('reads')?.stdout).toBe('one undefined undefined skipped');
    expect(byName.get('after')?.stdout).toBe('later');
    expect(run.rec.results('b')).toEqual([]);
  });

  it('a result that exists is the same object ctx.result gives, on another host too', async () => {
    const world = await localWorld(['a', 'b']);
    const first = shell((ctx) => ({ cmd: `echo ${ctx.host.name}` }), { name: 'first' });
    const pb = definePlaybook({
      hosts: 'all',
      gatherFacts: false,
      tasks: [first, command((ctx) => ({ cmd: ['echo', `${String(ctx.resultOf(first, 'b')?.stdout)}=${String(ctx.result(first, 'b').stdout)}`, String(ctx.resultOf(first, 'b') === ctx.result(first, 'b'))] }), { name: 'compare' })],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    expect(run.rec.results('a').find((r) => r.task === 'compare')?.stdout).toBe('b=b true');
  });

  it('ctx.result still refuses a task that has not run, naming it, before the run starts', async () => {
    const world = await localWorld(['a']);
    const later = shell({ cmd: 'echo later' }, { name: 'later' });
    const pb = definePlaybook({ hosts: 'all', gatherFacts: false, tasks: [command((ctx) => ({ cmd: ['echo', String(ctx.result(later).stdout)] }), { name: 'too early' }), later] });
    await expect(world.run(pb)).rejects.toThrow(/\(host a\): ctx\.result: task 'later' \(.*result-of\.test\.ts:\d+\) has not run on a yet/);
  });
});
