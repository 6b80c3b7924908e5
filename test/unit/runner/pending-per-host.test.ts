/**
 * Inventory hosts that are one machine (aliases, local hosts) keep a pending-handler record each: one host's handler
 * run must not clear another's, and a legacy per-machine record (rig before this) is finished by each of them.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command, copy, defineHandler, definePlaybook, shell } from '../../../src/index.ts';
import { recordFileName } from '../../../src/core/pending-records.ts';
import type { TaskContext } from '../../../src/core/index.ts';
import { localWorld } from './local-run.ts';

const records = (home: string) => path.join(home, '.local/state/rig/pending-handlers.d');

async function oneMachine(gatherFacts = true) {
  const world = await localWorld(['a', 'b']);
  // b is the same machine as a: one HOME, one work dir
  rmSync(path.join(world.dir, 'b'), { recursive: true });
  symlinkSync(path.join(world.dir, 'a'), path.join(world.dir, 'b'));
  const home = path.join(world.dir, 'a');
  const ran = (ctx: TaskContext<unknown>) => ({ cmd: `echo ${ctx.host.name} >> ${path.join(String(ctx.vars.work), 'handler.log')}` });
  const h = defineHandler('restart app', shell(ran));
  const pb = definePlaybook({ hosts: 'all', gatherFacts, handlers: [h], tasks: [shell({ cmd: 'true' }, { changedWhen: false })] });
  const log = () => (existsSync(path.join(home, 'handler.log')) ? readFileSync(path.join(home, 'handler.log'), 'utf8').split('\n').filter(Boolean).sort() : []);
  return { world, home, pb, log };
}

describe('pending-handler records per inventory host', () => {
  it.each([[true], [false]])('a handler run on one alias leaves the other alias\'s record, which its next run finishes (gatherFacts %s)', async (gather) => {
    const { world, home, pb, log } = await oneMachine(gather);
    // what an interrupted run on both left
    mkdirSync(records(home), { recursive: true });
    for (const h of ['a', 'b']) writeFileSync(path.join(records(home), recordFileName(h)), '["restart app"]');
    await world.run(pb, { limit: 'a' });
    expect(log()).toEqual(['a']);
    expect(existsSync(path.join(records(home), recordFileName('a')))).toBe(false);
    expect(existsSync(path.join(records(home), recordFileName('b')))).toBe(true);
    await world.run(pb, { limit: 'b' });
    expect(log()).toEqual(['a', 'b']);
    expect(existsSync(path.join(records(home), recordFileName('b')))).toBe(false);
    // nothing pending any more
    await world.run(pb);
    expect(log()).toEqual(['a', 'b']);
  });

  it("a host with no record of its own does not run the other's pending handler", async () => {
    const { world, home, pb, log } = await oneMachine();
    mkdirSync(records(home), { recursive: true });
    writeFileSync(path.join(records(home), recordFileName('b')), '["restart app"]');
    await world.run(pb, { limit: 'a' });
    expect(log()).toEqual([]);
  });

  it('a legacy per-machine record is finished by each host that reads it, and removed', async () => {
    const { world, home, pb, log } = await oneMachine();
    mkdirSync(path.join(home, '.local/state/rig'), { recursive: true });
    writeFileSync(path.join(home, '.local/state/rig/pending-handlers.json'), '["restart app"]\n');
    await world.run(pb);
    expect(log()).toEqual(['a', 'b']);
    expect(existsSync(path.join(home, '.local/state/rig/pending-handlers.json'))).toBe(false);
  });

  it('a handler whose failure ignoreErrors lets pass is done: its record goes, the next run does not run it again', async () => {
    const world = await localWorld(['a']);
    const home = path.join(world.dir, 'a');
    const h = defineHandler('flaky', command({ cmd: ['sh', '-c', `echo ran >> ${path.join(home, 'handler.log')}; exit 1`] }, { ignoreErrors: true }));
    const pb = definePlaybook({ hosts: 'all', handlers: [h], tasks: [copy((ctx) => ({ dest: path.join(String(ctx.vars.work), 'conf'), content: '1\n' }), { notify: [h] })] });
    const first = await world.run(pb);
    expect(first.summary.exitCode).toBe(0);
    expect(first.summary.recap.a).toMatchObject({ ok: 2, changed: 2, ignored: 1 });
    expect(existsSync(path.join(records(home), recordFileName('a')))).toBe(false);
    const again = await world.run(pb);
    expect(again.summary.recap.a).toMatchObject({ ok: 1, changed: 0, ignored: 0 });
    expect(readFileSync(path.join(home, 'handler.log'), 'utf8')).toBe('ran\n');
  });
});
