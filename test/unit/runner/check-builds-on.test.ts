/**
 * The cases issue 14 listed, on local hosts: --check --diff predicts what the real run then does when tasks build on
 * each other (statuses per task and loop item, and the diffs), and changes nothing. The generated version of this is
 * test/integration/check-exact.test.ts (sshd hosts, 200 sequences).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command, copy, definePlaybook, lineinfile, type Playbook, type TaskContext, type TaskResult } from '../../../src/index.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, f: string) => path.join(String(ctx.vars.work), f);
const SSHD = 'Port 22\nPermitRootLogin yes\nX 1\n';

/** Per task: status, per-item statuses, diffs (the predicted flag and messages aside). */
const outcome = (results: readonly TaskResult[]) =>
  results.map((r) => ({ task: r.task, status: r.status, items: r.items?.map((i) => i.status), diff: r.diff?.map((d) => [d.before, d.after]) }));

async function checkThenReal(pb: Playbook) {
  const world = await localWorld(['a']);
  const file = path.join(world.dir, 'a', 'sshd_config');
  writeFileSync(file, SSHD);
  const check = await world.run(pb, { check: true, diff: true });
  expect(readFileSync(file, 'utf8')).toBe(SSHD);
  const real = await world.run(pb, { diff: true });
  return { check: outcome(check.rec.results('a')), real: outcome(real.rec.results('a')), checkResults: check.rec.results('a'), file };
}

describe('check mode when tasks build on each other', () => {
  it('a line replaced by one task is not removed by the next: changed=1 predicted, as the real run does', async () => {
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        lineinfile((ctx) => ({ path: w(ctx, 'sshd_config'), regexp: '^PermitRootLogin', line: 'PermitRootLogin no' }), { name: 'A' }),
        lineinfile((ctx) => ({ path: w(ctx, 'sshd_config'), line: 'PermitRootLogin yes', state: 'absent' }), { name: 'B' }),
      ],
    });
    const r = await checkThenReal(pb);
    expect(r.check).toEqual(r.real);
    expect(r.real.map((t) => t.status)).toEqual(['changed', 'ok']);
  });

  it('a looped lineinfile whose regexp stops matching after item 1, and a loop with insertafter: item 2 sees item 1', async () => {
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        lineinfile((ctx) => ({ path: w(ctx, 'sshd_config'), regexp: '^PermitRootLogin yes', line: `PermitRootLogin ${String(ctx.item)}` }), { name: 'loop', loop: ['no', 'no'] }),
        lineinfile((ctx) => ({ path: w(ctx, 'sshd_config'), insertafter: '^Port', line: `after ${String(ctx.item)}` }), { name: 'after', loop: ['a', 'b'] }),
      ],
    });
    const r = await checkThenReal(pb);
    expect(r.check).toEqual(r.real);
    // item 1 replaced the line; for item 2 the regexp no longer matches and the line is there: one write
    expect(r.real[0]!.items).toEqual(['changed', 'ok']);
    // item 2's diff starts from what item 1 wrote
    const [first, second] = r.check[1]!.diff!;
    expect(second![0]).toBe(first![1]);
    expect(second![1]).toBe('Port 22\nafter b\nafter a\nPermitRootLogin no\nX 1\n');
  });

  it('a task using the output of a command check mode did not run is a prediction, not a plan with undefined', async () => {
    const probe = command({ cmd: ['echo', 'hello'] }, { name: 'probe', changedWhen: false });
    const pb = definePlaybook({ hosts: 'all', tasks: [probe, copy((ctx) => ({ dest: w(ctx, 'out'), content: ctx.result(probe).stdout ?? 'undefined' }), { name: 'uses output' })] });
    const r = await checkThenReal(pb);
    const uses = r.checkResults[1]!;
    expect(uses).toMatchObject({ status: 'changed', predicted: true });
    expect(uses.msg).toMatch(/depends on the output of 'probe'/);
    expect(uses.diff ?? []).toEqual([]);
    expect(r.real[1]!.status).toBe('changed');
  });
});
