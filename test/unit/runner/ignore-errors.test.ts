/** ignoreErrors covers every failure of a task (args, probe, plan, apply) and counts ignored loop items in the recap. */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command, copy, definePlaybook, lineinfile, systemd, type TaskContext } from '../../../src/index.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, f = '') => path.join(String(ctx.vars.work), f);

describe('ignoreErrors', () => {
  it('covers a probe that cannot run (a path below a file) and a plan precondition (no such unit / no systemd)', async () => {
    const world = await localWorld(['a']);
    writeFileSync(path.join(world.dir, 'a', 'plain'), 'x\n');
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        lineinfile((ctx) => ({ path: w(ctx, 'plain/below'), line: 'y' }), { name: 'probe fails', ignoreErrors: true }),
        systemd({ name: 'rig-no-such-unit.service', state: 'started' }, { name: 'precondition', ignoreErrors: true }),
        copy((ctx) => ({ dest: w(ctx, 'after'), content: '' }), { name: 'after' }),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    const [probe, pre] = run.rec.results('a');
    expect(probe).toMatchObject({ status: 'failed', ignored: true });
    expect(probe!.msg).toMatch(/Not a directory/);
    expect(pre).toMatchObject({ status: 'failed', ignored: true });
    expect(existsSync(path.join(world.dir, 'a/after'))).toBe(true);
    expect(run.summary.recap.a).toMatchObject({ failed: 0, ignored: 2 });
  });

  it('a loop whose items fail with ignoreErrors is one ignored failure; the host goes on', async () => {
    const world = await localWorld(['a']);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        command((ctx) => ({ cmd: ['sh', '-c', `exit ${String(ctx.item)}`] }), { name: 'items', loop: [0, 3, 4], ignoreErrors: true }),
        copy((ctx) => ({ dest: w(ctx, 'after'), content: '' }), { name: 'after' }),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    const items = run.rec.results('a')[0]!;
    expect(items).toMatchObject({ status: 'failed', ignored: true });
    expect(items.items?.map((i) => [i.status, i.ignored ?? false])).toEqual([
      ['changed', false],
      ['failed', true],
      ['failed', true],
    ]);
    // as ansible-playbook: the ignored loop is ok, ignored and changed (an item changed); 'after' is ok and changed
    expect(run.summary.recap.a).toMatchObject({ ok: 2, failed: 0, ignored: 1, changed: 2 });
  });
});
