/** When every host of a play's batch has failed, the playbook ends there, as ansible-playbook's PlaybookExecutor ends it
 *  (later batches and later plays do not run); while one host is left, it goes on. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { block, command, copy, definePlaybook, type TaskContext } from '../../../src/index.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, f: string) => path.join(String(ctx.vars.work), f);
const mark = (name: string) => copy((ctx) => ({ dest: w(ctx, name), content: 'x\n' }), { name });
const failOn = (...hosts: string[]) => command({ cmd: ['false'] }, { name: 'fails', when: (ctx) => hosts.includes(ctx.host.name) });

describe('the playbook ends when no host is left', () => {
  it("every host of play 1 failed: play 2 does not run, not even on hosts play 1 did not target", async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({ hosts: 'a', tasks: [failOn('a')] }, { hosts: 'all', tasks: [mark('play2')] });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(2);
    expect(existsSync(path.join(world.dir, 'b/play2'))).toBe(false);
    expect(run.summary.recap.a).toMatchObject({ failed: 1 });
    expect(run.summary.recap.b).toMatchObject({ ok: 0, changed: 0 });
  });

  it('serial: the first batch failed entirely: the later batches do not run', async () => {
    const world = await localWorld(['a', 'b', 'c']);
    const pb = definePlaybook({ hosts: 'all', serial: 1, tasks: [failOn('a'), mark('done')] });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(2);
    for (const h of ['b', 'c']) expect(existsSync(path.join(world.dir, h, 'done')), h).toBe(false);
  });

  it('one host of two failed: the other goes on through every play', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({ hosts: 'all', tasks: [failOn('a')] }, { hosts: 'all', tasks: [mark('play2')] });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(2);
    expect(existsSync(path.join(world.dir, 'b/play2'))).toBe(true);
    expect(existsSync(path.join(world.dir, 'a/play2'))).toBe(false);
  });

  it('a failure rescued by a block leaves the host in: the next play runs', async () => {
    const world = await localWorld(['a']);
    const pb = definePlaybook({ hosts: 'all', tasks: [block([failOn('a')], { rescue: [mark('rescued')] })] }, { hosts: 'all', tasks: [mark('play2')] });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    expect(existsSync(path.join(world.dir, 'a/play2'))).toBe(true);
  });
});
