/** PLAY RECAP counts as ansible-playbook's stats count them (lib/ansible/plugins/strategy/__init__.py): `ok` is every
 *  result that is not failed, skipped or unreachable — a changed one and an ignored failure too. Cases are data: the
 *  tasks a host runs in, the recap out (the numbers ansible-playbook prints for the same tasks). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { block, command, copy, defineHandler, definePlaybook, shell, type TaskContext } from '../../../src/index.ts';
import type { TaskItem } from '../../../src/core/task.ts';
import type { HostRecap } from '../../../src/core/result.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, f: string) => path.join(String(ctx.vars.work), f);
const write = (name: string) => copy((ctx) => ({ dest: w(ctx, name), content: 'x\n' }), { name: `write ${name}` });
const fails = (name: string, opts: { ignoreErrors?: boolean } = {}) => command({ cmd: ['false'] }, { name, ...opts });
const skipped = command({ cmd: ['true'] }, { name: 'skipped', when: () => false });
const unchanged = command({ cmd: ['true'] }, { name: 'unchanged', changedWhen: false });

type Counts = Partial<Omit<HostRecap, 'execs' | 'connections'>>;
const cases: readonly [string, readonly TaskItem[], Counts, number][] = [
  ['a changed task is ok and changed', [write('a')], { ok: 1, changed: 1 }, 0],
  ['an unchanged task is ok', [unchanged], { ok: 1, changed: 0 }, 0],
  ['a skipped task is only skipped', [skipped], { ok: 0, skipped: 1 }, 0],
  ['changed, unchanged and skipped together', [write('a'), unchanged, skipped, write('b')], { ok: 3, changed: 2, skipped: 1 }, 0],
  // the command module reports changed: true for a command that ran and failed (ansible-playbook: `ok=2 changed=1`)
  ['an ignored failure of a command is ok, ignored and changed, not failed', [fails('f', { ignoreErrors: true }), unchanged], { ok: 2, changed: 1, ignored: 1, failed: 0 }, 0],
  [
    'an ignored failure before anything ran (a probe that cannot read) is ok and ignored, not changed',
    [copy({ dest: '/proc/version/below', content: 'x' }, { name: 'probe fails', ignoreErrors: true })],
    { ok: 1, ignored: 1 },
    0,
  ],
  [
    'a loop whose failure is ignored after an item changed is ok, changed and ignored',
    [command((ctx) => ({ cmd: ['sh', '-c', `exit ${String(ctx.item)}`] }), { name: 'items', loop: [0, 3], ignoreErrors: true })],
    { ok: 1, changed: 1, ignored: 1, failed: 0 },
    0,
  ],
  // found by a side-by-side trial against ansible-core 2.19: each line is ansible-playbook's recap for the same tasks
  ['a change that failedWhen then fails, ignored: ok, changed and ignored', [copy((ctx) => ({ dest: w(ctx, 'f'), content: 'x\n' }), { failedWhen: true, ignoreErrors: true })], { ok: 1, changed: 1, ignored: 1 }, 0],
  ['until that runs out, ignored: ok, changed and ignored (ignoreErrors covers it)', [command({ cmd: ['true'] }, { until: (r) => r.rc === 5, retries: 1, delay: 0, ignoreErrors: true })], { ok: 1, changed: 1, ignored: 1 }, 0],
  ['an empty loop is skipped', [command({ cmd: ['true'] }, { name: 'none', loop: [] })], { skipped: 1 }, 0],
  ['a failure is failed, not ok; the host stops', [write('a'), fails('f'), write('b')], { ok: 1, changed: 1, failed: 1 }, 2],
  [
    "a rescued failure is rescued, neither ok nor failed; the rescue's tasks count as any task",
    [block([write('a'), fails('f'), write('never')], { name: 'b', rescue: [unchanged] })],
    { ok: 2, changed: 1, failed: 0, rescued: 1 },
    0,
  ],
];

describe('PLAY RECAP counts, as ansible-playbook', () => {
  it.each(cases)('%s', async (_name, tasks, want, exitCode) => {
    const world = await localWorld(['h']);
    const run = await world.run(definePlaybook({ hosts: 'all', tasks }));
    expect(run.summary.exitCode).toBe(exitCode);
    const zero = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0 };
    const { execs: _e, connections: _c, ...got } = run.summary.recap.h as HostRecap;
    expect(got).toEqual({ ...zero, ...want });
  });

  it('until without retries retries 3 times, as Ansible', async () => {
    const world = await localWorld(['h']);
    const tries = shell((ctx) => ({ cmd: `echo x >> ${w(ctx, 'tries')}` }), { until: () => false, delay: 0, ignoreErrors: true });
    const run = await world.run(definePlaybook({ hosts: 'all', tasks: [tries] }));
    expect(run.summary.exitCode).toBe(0);
    expect(readFileSync(`${world.dir}/h/tries`, 'utf8')).toBe('x\n'.repeat(4));
    expect(run.rec.results('h')[0]).toMatchObject({ status: 'failed', ignored: true, msg: 'still not true after 3 retries' });
  });

  it('runOnce: counted, shown and notifying on the host it ran on only; the others still see its result', async () => {
    const world = await localWorld(['a', 'b']);
    const h = defineHandler('note', shell((ctx) => ({ cmd: `echo ran > ${w(ctx, 'handler')}` })));
    const once = shell({ cmd: 'echo once' }, { name: 'once', runOnce: true, notify: [h] });
    const pb = definePlaybook({ hosts: 'all', handlers: [h], tasks: [once, command({ cmd: ['true'] }, { name: 'after', when: (ctx) => ctx.result(once).stdout === 'once' })] });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    expect(existsSync(`${world.dir}/a/handler`)).toBe(true);
    expect(existsSync(`${world.dir}/b/handler`)).toBe(false);
    // ansible-playbook: a ok=3 changed=3 (once, after, the handler); b ok=1 changed=1 (after)
    expect(run.summary.recap.a).toMatchObject({ ok: 3, changed: 3, skipped: 0 });
    expect(run.summary.recap.b).toMatchObject({ ok: 1, changed: 1, skipped: 0 });
  });

  it('a re-run that changes nothing: ok counts every task, changed=0', async () => {
    const world = await localWorld(['h']);
    const pb = definePlaybook({ hosts: 'all', tasks: [write('a'), write('b'), skipped] });
    expect((await world.run(pb)).summary.recap.h).toMatchObject({ ok: 2, changed: 2, skipped: 1 });
    expect((await world.run(pb)).summary.recap.h).toMatchObject({ ok: 2, changed: 0, skipped: 1 });
  });
});
