/** block / rescue / always, as Ansible runs them: per host, with the recap counting rescued failures. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { block, command, copy, definePlaybook, flushHandlers, shell, type TaskContext } from '../../../src/index.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, f = '') => path.join(String(ctx.vars.work), f);
const log = (name: string) => shell((ctx) => ({ cmd: `echo ${name} >> ${w(ctx, 'log')}` }), { name });
const failOn = (host: string, name = 'fails on ' + host) => command({ cmd: ['false'] }, { name, when: (ctx) => ctx.host.name === host });
const lines = (dir: string, h: string) => (existsSync(path.join(dir, h, 'log')) ? readFileSync(path.join(dir, h, 'log'), 'utf8').trim().split('\n') : []);

describe('block / rescue / always', () => {
  it('a failure skips the rest of the block, runs rescue and always on that host only; the host goes on (rescued)', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        block([log('t1'), failOn('a'), log('t2')], { name: 'guarded', rescue: [log('r1')], always: [log('al')] }),
        log('after'),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    expect(lines(world.dir, 'a')).toEqual(['t1', 'r1', 'al', 'after']);
    expect(lines(world.dir, 'b')).toEqual(['t1', 't2', 'al', 'after']);
    expect(run.summary.recap.a).toMatchObject({ failed: 0, rescued: 1 });
    expect(run.summary.recap.b).toMatchObject({ failed: 0, rescued: 0 });
  });

  it('a failing rescue fails the host after always; without rescue, always runs and the host fails', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        block([failOn('a')], { rescue: [failOn('a', 'rescue fails')], always: [log('al1')] }),
        block([failOn('b')], { always: [log('al2')] }),
        log('after'),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(2);
    expect(lines(world.dir, 'a')).toEqual(['al1']);
    expect(lines(world.dir, 'b')).toEqual(['al1', 'al2']);
    // Ansible's count: the first failure was rescued, the rescue task's own failure is the one failure
    expect(run.summary.recap.a).toMatchObject({ failed: 1, rescued: 1 });
    expect(run.summary.recap.b).toMatchObject({ failed: 1, rescued: 0 });
  });

  it('nested: an inner block without rescue passes its failure to the outer rescue; when/tags/become pass down', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        block([block([failOn('a'), log('inner')], { always: [log('inner-always')] }), log('outer')], { rescue: [log('outer-rescue')], tags: ['t'] }),
        block([log('only-b')], { when: (ctx) => ctx.host.name === 'b' }),
        copy((ctx) => ({ dest: w(ctx, 'done'), content: '' })),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    expect(lines(world.dir, 'a')).toEqual(['inner-always', 'outer-rescue']);
    expect(lines(world.dir, 'b')).toEqual(['inner', 'inner-always', 'outer', 'only-b']);
    expect(run.summary.recap.a).toMatchObject({ failed: 0, rescued: 1 });
    const tagged = await world.run(pb, { tags: ['t'] });
    expect(tagged.summary.exitCode).toBe(0);
  });

  it('a module or flushHandlers left uncalled in a tasks list is named, with the call to write', () => {
    expect(() => block([copy as never], { rescue: [flushHandlers as never] })).toThrow(/\[0\]: got a function, not a task: call it — copy\(\{\.\.\.\}\).*rescue\[0\]: got a function, not a task: call it — flushHandlers\(\)/s);
    expect(() => definePlaybook({ hosts: 'all', tasks: [shell as never] })).toThrow(/tasks\[0\]: got a function, not a task: call it — shell\(\{\.\.\.\}\)/);
    expect(() => definePlaybook({ hosts: 'all', tasks: [42 as never] })).toThrow(/tasks\[0\]: expected a task \(a module call such as copy\(\{\.\.\.\}\)\), block\(\.\.\.\) or flushHandlers\(\)/);
  });

  it('bad block options are refused where the block is declared', () => {
    expect(() => block([log('x')], { rescu: [] } as never)).toThrow(/blocks\.test\.ts:\d+.*rescu/s);
  });
});
