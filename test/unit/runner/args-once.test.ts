/** Args functions run once per host, task and loop item (prefetch, preflight and execution share the result). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command, copy, definePlaybook, setFact, type TaskContext } from '../../../src/index.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, f: string) => path.join(String(ctx.vars.work), f);

describe('args functions are resolved once', () => {
  it('per host, task and loop item, in a first run and in a no-op re-run', async () => {
    const world = await localWorld(['a', 'b']);
    const calls = new Map<string, number>();
    const count = (k: string) => calls.set(k, (calls.get(k) ?? 0) + 1);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        copy((ctx) => (count(`one ${ctx.host.name}`), { dest: w(ctx, 'one'), content: '1\n' })),
        copy((ctx) => (count(`loop ${ctx.host.name} ${String(ctx.item)}`), { dest: w(ctx, String(ctx.item)), content: 'x\n' }), { loop: ['p', 'q', 'r'] }),
        copy((ctx) => (count(`last ${ctx.host.name}`), { dest: w(ctx, 'last'), content: '2\n' })),
      ],
    });
    for (const run of [1, 2]) {
      calls.clear();
      const r = await world.run(pb);
      expect(r.summary.exitCode).toBe(0);
      expect([...calls.values()].every((n) => n === 1), `run ${run}: ${JSON.stringify([...calls])}`).toBe(true);
      expect(calls.size).toBe(10);
    }
  });

  it('one waiting for an earlier task result is called again only once that task has run', async () => {
    const world = await localWorld(['a']);
    let calls = 0;
    const probe = command({ cmd: ['echo', 'hello'] }, { changedWhen: false });
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [probe, copy((ctx) => (calls++, { dest: w(ctx, 'r'), content: ctx.result(probe).output?.stdout ?? '' }))],
    });
    const r = await world.run(pb);
    expect(r.summary.exitCode).toBe(0);
    // once before the command ran (it throws: not run yet), once after
    expect(calls).toBe(2);
  });

  it('again after a setFact changed the variables it may read', async () => {
    const world = await localWorld(['a']);
    const seen: unknown[] = [];
    const pb = definePlaybook({
      hosts: 'all',
      vars: { greeting: 'hi' },
      tasks: [
        copy((ctx) => (seen.push(ctx.vars.greeting), { dest: w(ctx, 'g'), content: `${String(ctx.vars.greeting)}\n` })),
        setFact({ vars: { greeting: 'hello' } }),
        copy((ctx) => (seen.push(ctx.vars.greeting), { dest: w(ctx, 'h'), content: `${String(ctx.vars.greeting)}\n` })),
      ],
    });
    const r = await world.run(pb);
    expect(r.summary.exitCode).toBe(0);
    // the last task is resolved before the setFact (prefetch, preflight with the setFact simulated) and once after it
    expect(seen[0]).toBe('hi');
    expect(seen.at(-1)).toBe('hello');
    expect(seen.filter((g) => g === 'hi').length).toBe(2);
  });
});
