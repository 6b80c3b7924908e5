/** Runner semantics on local processes: order, handlers, check mode, conditions, loops, failures, exec batching. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assert, command, copy, debug, refreshFacts, defineHandler, definePlaybook, defineRole, directory, file, flushHandlers, lineinfile, setFact, shell, ValidationError, waitFor,
} from '../../../src/index.ts';
import type { TaskContext } from '../../../src/core/index.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, p = '') => path.join(String(ctx.vars.work), p);

describe('runner', () => {
  it('converges, then a re-run is changed=0 with ONE exec per host (facts and every read batched)', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        directory((ctx) => ({ path: w(ctx, 'etc') })),
        copy((ctx) => ({ dest: w(ctx, 'etc/one.conf'), content: `host=${ctx.host.name}\n` })),
        copy((ctx) => ({ dest: w(ctx, 'etc/two.conf'), content: 'two\n', mode: '0600' })),
        lineinfile((ctx) => ({ path: w(ctx, 'etc/three.ini'), line: 'x=1', create: true })),
        file((ctx) => ({ path: w(ctx, 'etc/link'), state: 'link', src: w(ctx, 'etc/one.conf') })),
      ],
    });
    const first = await world.run(pb);
    expect(first.summary.exitCode).toBe(0);
    expect(first.rec.statuses('a')).toEqual(Array(5).fill(0).map(() => expect.stringMatching(/→ changed$/)));
    expect(readFileSync(path.join(world.dir, 'b/etc/one.conf'), 'utf8')).toBe('host=b\n');
    // facts + all reads, then the five tasks in one exec (a segment, segment.ts)
    expect(first.rec.results('a').map((r) => r.execs)).toEqual([1, 0, 0, 0, 0]);
    expect(first.summary.recap.a!.execs).toBe(2);
    const second = await world.run(pb);
    expect(second.rec.results().map((r) => r.status)).toEqual(Array(10).fill('ok'));
    expect(second.summary.recap.a!.execs).toBe(1);
    expect(second.summary.recap.b!.execs).toBe(1);
  });

  it("--check: a command's output that does not exist yet is a prediction, in args (stdout_lines) and in failedWhen", async () => {
    const world = await localWorld(['a']);
    const count = command((ctx) => ({ cmd: ['grep', '-c', 'a=3', w(ctx, 'conf')] }), { name: 'count', changedWhen: false, failedWhen: (r) => r.stdout !== '1' });
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        copy((ctx) => ({ dest: w(ctx, 'conf'), content: 'a=3\n' }), { name: 'conf' }),
        count,
        debug((ctx) => ({ msg: `conf has ${ctx.result(count).stdout_lines!.length} lines` }), { name: 'lines' }),
      ],
    });
    const check = await world.run(pb, { check: true });
    expect(check.summary.exitCode, JSON.stringify(check.summary.results.map((r) => [r.task, r.status, r.msg]))).toBe(0);
    expect(check.summary.results.map((r) => r.status)).toEqual(['changed', 'ok', 'ok']);
    expect(check.summary.results[2]!.msg).toMatch(/predicted/);
    const real = await world.run(pb);
    expect(real.summary.exitCode).toBe(0);
    expect(real.summary.results.map((r) => r.status)).toEqual(['changed', 'ok', 'ok']);
  });

  it('--check predicts exactly what the real run changes and touches nothing', async () => {
    const world = await localWorld(['a']);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        directory((ctx) => ({ path: w(ctx, 'conf') })),
        copy((ctx) => ({ dest: w(ctx, 'conf/app.conf'), content: 'v=1\n' })),
        command((ctx) => ({ cmd: ['cat', w(ctx, 'conf/app.conf')] }), { name: 'read back', changedWhen: false, checkMode: 'always' }),
        copy((ctx) => ({ dest: w(ctx, 'untouched'), content: '' }), { when: false }),
      ],
    });
    const check = await world.run(pb, { check: true });
    expect(check.summary.exitCode).toBe(0);
    expect(existsSync(path.join(world.dir, 'a/conf'))).toBe(false);
    const predicted = check.rec.results().filter((r) => r.status === 'changed').map((r) => r.definedAt);
    const real = await world.run(pb);
    expect(real.rec.results().filter((r) => r.status === 'changed').map((r) => r.definedAt)).toEqual(predicted);
    expect(predicted).toHaveLength(2);
    const again = await world.run(pb, { check: true });
    expect(again.rec.results().filter((r) => r.status === 'changed')).toEqual([]);
  });

  it('handlers: notified by object, deduplicated, run once per host in definition order, at flush points', async () => {
    const world = await localWorld(['a']);
    const log = (name: string) => shell((ctx) => ({ cmd: `echo ${name} >> ${w(ctx, 'handlers.log')}` }));
    const first = defineHandler('first', log('first'));
    const second = defineHandler('second', log('second'));
    const pb = definePlaybook({
      hosts: 'all',
      handlers: [first, second],
      tasks: [
        copy((ctx) => ({ dest: w(ctx, 'x'), content: '1' }), { notify: [second, first] }),
        copy((ctx) => ({ dest: w(ctx, 'y'), content: '1' }), { notify: [first] }),
        flushHandlers(),
        copy((ctx) => ({ dest: w(ctx, 'z'), content: '1' }), { notify: [second] }),
        copy((ctx) => ({ dest: w(ctx, 'x'), content: '1' }), { notify: [first], name: 'unchanged' }),
      ],
    });
    const run = await world.run(pb);
    expect(readFileSync(path.join(world.dir, 'a/handlers.log'), 'utf8')).toBe('first\nsecond\nsecond\n');
    expect(run.rec.trace().filter((l) => l.startsWith('handler'))).toEqual(['handler first [a]', 'handler second [a]', 'handler second [a]']);
    expect(existsSync(path.join(world.dir, 'a/.local/state/rig/pending-handlers.d/host-a.json'))).toBe(false);
    const check = await world.run(definePlaybook({ hosts: 'all', handlers: [first], tasks: [copy((ctx) => ({ dest: w(ctx, 'new'), content: '' }), { notify: [first] })] }), { check: true });
    expect(check.rec.statuses('a')).toEqual([expect.stringContaining('→ changed (predicted)'), 'first → changed (predicted)']);
  });

  it('when, loops, registered results, setFact and assert', async () => {
    const world = await localWorld(['a', 'b']);
    const probe = command({ cmd: ['echo', 'hello'] }, { changedWhen: false });
    const pb = definePlaybook({
      hosts: 'all',
      vars: { files: ['p', 'q'] },
      tasks: [
        probe,
        setFact((ctx) => ({ vars: { greeting: ctx.result(probe).output?.stdout.trim() } })),
        copy((ctx) => ({ dest: w(ctx, String(ctx.item)), content: `${String(ctx.vars.greeting)}\n` }), { loop: (ctx: TaskContext<unknown>) => ctx.vars.files as string[] }),
        copy((ctx) => ({ dest: w(ctx, 'only-b'), content: '' }), { when: (ctx) => ctx.host.name === 'b' }),
        assert((ctx) => ({ that: [ctx.vars.greeting === 'hello'] })),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    expect(readFileSync(path.join(world.dir, 'a/q'), 'utf8')).toBe('hello\n');
    expect(existsSync(path.join(world.dir, 'a/only-b'))).toBe(false);
    expect(existsSync(path.join(world.dir, 'b/only-b'))).toBe(true);
    const loop = run.rec.results('a')[2]!;
    expect(loop.items?.map((i) => i.status)).toEqual(['changed', 'changed']);
    expect(run.rec.results('a')[3]!.status).toBe('skipped');
  });

  it('a wait already met when prefetched costs no exec; one not yet met still waits on the host', async () => {
    const world = await localWorld(['a']);
    const dir = directory((ctx) => ({ path: w(ctx, 'd') }));
    const dirThere = waitFor((ctx) => ({ path: w(ctx, 'd'), timeoutSec: 5 }), { name: 'dir there' });
    const late = waitFor((ctx) => ({ path: w(ctx, 'd/late'), timeoutSec: 20 }), { name: 'late file' });
    // appears 1 s after this task ran: the look prefetched in its exec says absent, so `late` must really wait
    const spawn = shell((ctx) => ({ cmd: `(sleep 1; touch ${w(ctx, 'd/late')}) >/dev/null 2>&1 &` }));
    const first = await world.run(definePlaybook({ hosts: 'all', tasks: [dir, dirThere, spawn, late] }));
    expect(first.summary.exitCode).toBe(0);
    expect(first.rec.results('a').map((r) => r.status)).toEqual(['changed', 'ok', 'changed', 'ok']);
    expect(first.rec.results('a')[3]!.execs).toBe(1);
    const again = await world.run(definePlaybook({ hosts: 'all', tasks: [dir, dirThere, late] }));
    expect(again.rec.results('a').map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(again.summary.recap.a!.execs).toBe(1);
  });

  it('the first exec also prefetches the reads of later plays: a no-op two-play run is one exec per host', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook(
      { name: 'one', hosts: 'all', tasks: [directory((ctx) => ({ path: w(ctx, 'p1') }))] },
      { name: 'two', hosts: 'b', vars: { v: 2 }, tasks: [copy((ctx) => ({ dest: w(ctx, 'p1/two'), content: `${String(ctx.vars.v)}\n` }))] },
    );
    expect((await world.run(pb)).summary.exitCode).toBe(0);
    const again = await world.run(pb);
    expect(again.rec.results('a').map((r) => r.status)).toEqual(['ok']);
    expect(again.rec.results('b').map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(again.summary.recap.a!.execs).toBe(1);
    expect(again.summary.recap.b!.execs).toBe(1);
  });

  it('factsOf() a host outside --limit gives the facts cached by the last run that reached it', async () => {
    const world = await localWorld(['a', 'b']);
    const before = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = path.join(world.dir, 'cache');
    try {
      const seen = (ctx: TaskContext<unknown>) => ({ vars: { bHost: ctx.factsOf('b')?.hostname ?? 'unknown' } });
      const pb = definePlaybook({ hosts: 'all', tasks: [setFact(seen)] });
      const limited = definePlaybook({ hosts: 'all', tasks: [setFact(seen), assert((ctx) => ({ that: [ctx.vars.bHost !== 'unknown'], msg: 'no facts for b' }))] });
      expect((await world.run(limited, { limit: 'a' })).summary.exitCode).toBe(2); // nothing cached yet
      expect((await world.run(pb)).summary.exitCode).toBe(0);
      const again = await world.run(limited, { limit: 'a' });
      expect(again.rec.results().map((r) => `${r.host}:${r.status}`)).toEqual(['a:ok', 'a:ok']);
    } finally {
      if (before === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = before;
    }
  });

  it("a role's `when` skips all its tasks on hosts where it is false, before their own conditions", async () => {
    const world = await localWorld(['a', 'b']);
    const probe = command({ cmd: ['echo', 'hi'] }, { changedWhen: false });
    const role = defineRole({
      name: 'opt',
      defaults: { opt_manage: true },
      when: (ctx) => ctx.vars.opt_manage !== false,
      tasks: () => [probe, copy((ctx) => ({ dest: w(ctx, 'opt'), content: `${ctx.result(probe).output?.stdout ?? ''}` }), { when: (ctx) => ctx.result(probe).status === 'ok' })],
    });
    const run = await world.run(definePlaybook({ hosts: 'all', roles: [role] }));
    for (const h of ['a', 'b']) expect(run.rec.results(h).map((r) => r.status)).toEqual(['ok', 'changed']);
    const off = await localWorld(['a', 'b']);
    const pb = definePlaybook({ hosts: 'all', roles: [role] });
    const skipped = await off.run(pb, { extraVars: { opt_manage: false } });
    for (const h of ['a', 'b']) expect(skipped.rec.results(h).map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(existsSync(path.join(off.dir, 'a/opt'))).toBe(false);
  });

  it('loop items are prefetched: a no-op re-run of loops is one exec per host; a change re-reads the next items in its exec', async () => {
    const world = await localWorld(['a']);
    const pb = definePlaybook({
      hosts: 'all',
      vars: { names: ['x', 'y', 'z'] },
      tasks: [
        directory((ctx) => ({ path: w(ctx, 'd') })),
        lineinfile((ctx) => ({ path: w(ctx, 'd/list'), line: String(ctx.item), create: true }), { loop: (ctx: TaskContext<unknown>) => ctx.vars.names as string[] }),
        copy((ctx) => ({ dest: w(ctx, `d/${String(ctx.item)}.conf`), content: `${String(ctx.item)}\n` }), { loop: (ctx: TaskContext<unknown>) => ctx.vars.names as string[] }),
      ],
    });
    const first = await world.run(pb);
    expect(first.summary.exitCode).toBe(0);
    // same file in every lineinfile item: each item must see the previous item's line (re-read after each change)
    expect(readFileSync(path.join(world.dir, 'a/d/list'), 'utf8')).toBe('x\ny\nz\n');
    // facts+reads, then one apply exec per changed item carrying the later reads
    expect(first.summary.recap.a!.execs).toBe(8);
    const second = await world.run(pb);
    expect(second.rec.results('a').map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(second.summary.recap.a!.execs).toBe(1);
  });

  it('a failed host leaves the play, the others go on; ignoreErrors keeps a host in; exit code 2', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        command({ cmd: ['false'] }, { ignoreErrors: true, name: 'ignored' }),
        command({ cmd: ['sh', '-c', 'exit 3'] }, { when: (ctx) => ctx.host.name === 'a', name: 'fails on a' }),
        copy((ctx) => ({ dest: w(ctx, 'after'), content: '' })),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(2);
    expect(existsSync(path.join(world.dir, 'a/after'))).toBe(false);
    expect(existsSync(path.join(world.dir, 'b/after'))).toBe(true);
    expect(run.summary.recap.a).toMatchObject({ failed: 1, ignored: 1 });
    expect(run.summary.recap.b).toMatchObject({ failed: 0, ignored: 1 });
    expect(run.rec.results('a')[1]!.msg).toContain('rc=3');
  });

  it('failedWhen, changedWhen, retries/until, runOnce, serial batches', async () => {
    const world = await localWorld(['a', 'b', 'c']);
    const counter = shell((ctx) => ({ cmd: `n=$(cat ${w(ctx, 'n')} 2>/dev/null || echo 0); echo $((n+1)) | tee ${w(ctx, 'n')}` }), {
      retries: 5,
      delay: 0,
      until: (r) => r.output?.stdout.trim() === '3',
    });
    const pb = definePlaybook({
      hosts: 'all',
      serial: 2,
      tasks: [
        command({ cmd: ['sh', '-c', 'echo ok; exit 1'] }, { failedWhen: (r) => r.output?.stdout.trim() !== 'ok', changedWhen: false, name: 'rc 1 is fine' }),
        counter,
        shell((ctx) => ({ cmd: `echo once >> ${path.join(String(ctx.vars.work), '..', 'once.log')}` }), { runOnce: true }),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    expect(run.rec.results('a')[0]!.status).toBe('ok');
    expect(readFileSync(path.join(world.dir, 'a/n'), 'utf8').trim()).toBe('3');
    // serial: 2 → batches [a,b] and [c]; runOnce runs once per batch, like Ansible
    expect(readFileSync(path.join(world.dir, 'once.log'), 'utf8')).toBe('once\nonce\n');
    expect(run.rec.trace().filter((l) => l.startsWith('task rc 1'))).toEqual(['task rc 1 is fine [a,b]', 'task rc 1 is fine [c]']);
  });

  it('runOnce + setFact gives every host the variables', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        setFact((ctx) => ({ vars: { leader: ctx.host.name } }), { runOnce: true }),
        assert((ctx) => ({ that: [ctx.vars.leader === 'a'] })),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    // shown and counted once, for the host it ran on (ansible-playbook: `ok: [a]`, no line for b)
    expect(run.rec.results().map((r) => `${r.host}:${r.status}`)).toEqual(['a:ok', 'a:ok', 'b:ok']);
  });

  it('runOnce: one result line and recap count, for the host it ran on; every host reads the result and gets its handlers', async () => {
    const world = await localWorld(['a', 'b']);
    const once = shell((ctx) => ({ cmd: `echo from-${ctx.host.name}` }), { name: 'once', runOnce: true, notify: [] });
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [once, copy((ctx) => ({ dest: w(ctx, 'seen'), content: `${ctx.result(once).stdout ?? ''}\n` }), { name: 'reads it' })],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    expect(run.rec.results().map((r) => `${r.task}:${r.host}:${r.status}`).sort()).toEqual(['once:a:changed', 'reads it:a:changed', 'reads it:b:changed']);
    expect(readFileSync(path.join(world.dir, 'b/seen'), 'utf8')).toBe('from-a\n');
    expect(run.summary.recap.a).toMatchObject({ ok: 2, changed: 2 });
    expect(run.summary.recap.b).toMatchObject({ ok: 1, changed: 1 });
  });

  it('refreshFacts() gathers facts again, in one exec, and later tasks see them', async () => {
    const world = await localWorld(['a']);
    const before = command({ cmd: ['cat', '/proc/sys/kernel/random/boot_id'] }, { changedWhen: false });
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [before, refreshFacts(), assert((ctx) => ({ that: [ctx.facts.bootId === ctx.result(before).output?.stdout.trim()] }))],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    expect(run.rec.results('a').map((r) => [r.status, r.execs])).toEqual([['ok', 1], ['ok', 1], ['ok', 0]]);
  });

  it('tags select tasks; always runs unless skipped', async () => {
    const world = await localWorld(['a']);
    const t = (name: string, tags: string[]) => copy((ctx) => ({ dest: w(ctx, name), content: '' }), { name, tags });
    const pb = definePlaybook({ hosts: 'all', tasks: [t('web', ['web']), t('db', ['db']), t('base', ['always'])] });
    const run = await world.run(pb, { tags: ['db'] });
    expect(run.rec.results().map((r) => r.task)).toEqual(['db', 'base']);
    const run2 = await world.run(pb, { skipTags: ['always', 'db'] });
    expect(run2.rec.results().map((r) => r.task)).toEqual(['web']);
  });

  it('bad input found in preflight throws before anything is applied on any host', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        copy((ctx) => ({ dest: w(ctx, 'first'), content: '' })),
        copy((ctx) => ({ dest: w(ctx, 'second'), content: String(ctx.var('not_defined_anywhere')) })),
      ],
    });
    await expect(world.run(pb)).rejects.toThrow(ValidationError);
    await expect(world.run(pb)).rejects.toThrow(/not_defined_anywhere/);
    expect(existsSync(path.join(world.dir, 'a/first'))).toBe(false);
    expect(existsSync(path.join(world.dir, 'b/first'))).toBe(false);
  });
});
