/** A host's first exec also makes the reads other hosts' delegated tasks will make on it (a worker's node labels, read
 *  on the manager): a no-op is one exec on the delegate too; those reads are dropped once anything changes anywhere. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copy, defineModule, definePlaybook, read, z } from '../../../src/index.ts';
import type { Fact, TaskContext } from '../../../src/core/index.ts';
import { taskFactory } from '../../../src/dsl/task.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { localWorld, type LocalWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, p: string) => path.join(String(ctx.vars.work), p);

/** The first line of a file, by a command the model cannot follow (only a real read fetches it). */
const firstLine: Fact<string, string> = {
  name: 'test.firstLine',
  command: (p) => `head -n 1 ${JSON.stringify(p)} 2>/dev/null || true`,
  parse: (out) => out.stdout.trim(),
};

/** Read-only: a file's first line as output (the swarm state, the labels a manager knows). */
const line = taskFactory(
  defineModule<{ file: string }, { line: string }, { line: string }>({
    name: 'testLine',
    args: z.object({ file: z.string() }),
    readOnly: true,
    probe: (a) => ({ line: read(firstLine, a.file) }),
    plan: (_a, s) => ({ changes: [], output: { line: s.line }, msg: s.line }),
  }),
);

const status = line((ctx) => ({ file: w(ctx, 'role') }), { name: 'swarm state' });
/** The live manager as the hosts' registered states name it (roles/swarm's `live`). */
const live = (ctx: TaskContext<unknown>): string => ctx.groupHosts('all').find((h) => ctx.resultOf(status, h)?.output?.line === 'manager') ?? ctx.host.name;
const isWorker = (ctx: TaskContext<unknown>): boolean => ctx.result(status).output?.line === 'worker';

let labelsText = 'zone=a';
function playbook() {
  return definePlaybook({
    hosts: 'all',
    tasks: [
      status,
      copy((ctx) => ({ dest: w(ctx, 'labels'), content: `${labelsText}\n` }), { name: 'labels file', when: isWorker }),
      line((ctx) => ({ file: w(ctx, 'labels') }), { name: 'node labels', delegateTo: live, when: isWorker }),
    ],
  });
}

async function cluster(): Promise<LocalWorld> {
  const world = await localWorld(['m1', 'w1', 'w2']);
  writeFileSync(path.join(world.dir, 'm1', 'role'), 'manager\n');
  for (const h of ['w1', 'w2']) writeFileSync(path.join(world.dir, h, 'role'), 'worker\n');
  return world;
}

let was: string | undefined;
beforeAll(() => {
  was = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = tempDir('rig-delegated-cache-');
});
afterAll(() => {
  if (was === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = was;
});

describe("reads made for other hosts' delegated tasks", () => {
  it('ride on the delegate’s first exec: the re-run is ONE exec on every host, the manager included', async () => {
    labelsText = 'zone=a';
    const world = await cluster();
    const pb = playbook();
    const first = await world.run(pb);
    expect(first.summary.exitCode).toBe(0);
    // nothing to guess from yet: each worker's delegated read costs the manager an exec
    expect(first.summary.recap.m1!.execs).toBe(3);
    const again = await world.run(pb);
    expect(again.summary.exitCode).toBe(0);
    for (const h of ['w1', 'w2']) expect(again.rec.results(h).map((r) => [r.status, r.msg, r.delegatedTo])).toEqual([['ok', 'worker', undefined], ['ok', undefined, undefined], ['ok', 'zone=a', 'm1']]);
    expect(['m1', 'w1', 'w2'].map((h) => again.summary.recap[h]!.execs)).toEqual([1, 1, 1]);
  });

  it('a later play’s delegated tasks (the cluster play after the input play) ride on the first play’s exec too', async () => {
    labelsText = 'zone=a';
    const world = await cluster();
    const first = definePlaybook({ name: 'input', hosts: 'all', tasks: [status] }, { name: 'labels', hosts: 'w1,w2', tasks: [line((ctx) => ({ file: w(ctx, 'role') }), { name: 'role on the manager', delegateTo: live })] });
    expect((await world.run(first)).summary.recap.m1!.execs).toBe(3);
    const again = await world.run(first);
    expect(again.rec.results('w1').map((r) => [r.status, r.msg, r.delegatedTo])).toEqual([['ok', 'worker', undefined], ['ok', 'worker', 'm1']]);
    expect(['m1', 'w1', 'w2'].map((h) => again.summary.recap[h]!.execs)).toEqual([1, 1, 1]);
  });

  it('are dropped once anything changed anywhere: a worker’s change is seen by its delegated read', async () => {
    labelsText = 'zone=a';
    const world = await cluster();
    const pb = playbook();
    expect((await world.run(pb)).summary.exitCode).toBe(0);
    // the manager's first exec reads the old labels for the workers; each worker then changes them before its own read
    labelsText = 'zone=b';
    const changed = await world.run(pb);
    expect(changed.summary.exitCode).toBe(0);
    for (const h of ['w1', 'w2']) expect(changed.rec.results(h).map((r) => [r.status, r.msg])).toEqual([['ok', 'worker'], ['changed', 'content changed'], ['ok', 'zone=b']]);
  });

  it('a stale guess (another manager now) costs execs, never a wrong read', async () => {
    labelsText = 'zone=a';
    const world = await cluster();
    const pb = playbook();
    expect((await world.run(pb)).summary.exitCode).toBe(0);
    writeFileSync(path.join(world.dir, 'm1', 'role'), 'worker\n');
    writeFileSync(path.join(world.dir, 'w1', 'role'), 'manager\n');
    const moved = await world.run(pb);
    expect(moved.summary.exitCode).toBe(0);
    expect(moved.rec.results('m1').map((r) => [r.status, r.msg, r.delegatedTo])).toEqual([['ok', 'worker', undefined], ['changed', 'file created', undefined], ['ok', 'zone=a', 'w1']]);
    expect(moved.rec.results('w2').map((r) => [r.status, r.msg, r.delegatedTo])).toEqual([['ok', 'worker', undefined], ['ok', undefined, undefined], ['ok', 'zone=a', 'w1']]);
    expect(moved.rec.results('w1').at(-1)!.status).toBe('skipped');
  });
});

describe("a delegated task reads the delegate as it is now", () => {
  it('after another host changed something, even with no cache and no guess', async () => {
    const world = await localWorld(['m1', 'w1', 'w2']);
    const data = path.join(world.dir, 'm1', 'data');
    writeFileSync(data, 'old\n');
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        // m1 reads it first (and the prefetch has it in m1's first exec)
        line({ file: data }, { name: 'm1 reads', when: (ctx) => ctx.host.name === 'm1' }),
        // another host changes it (here through the shared filesystem; on a cluster, a node joining the manager's swarm)
        copy({ dest: data, content: 'new\n' }, { name: 'w1 writes', when: (ctx) => ctx.host.name === 'w1' }),
        line({ file: data }, { name: 'w2 reads on m1', delegateTo: 'm1', when: (ctx) => ctx.host.name === 'w2' }),
      ],
    });
    process.env.RIG_FACT_CACHE = '0';
    try {
      const r = await world.run(pb);
      expect(r.summary.exitCode).toBe(0);
      expect(r.rec.results('m1')[0]!.msg).toBe('old');
      expect(r.rec.results('w1')[1]!.status).toBe('changed');
      expect(r.rec.results('w2').map((x) => [x.status, x.msg, x.delegatedTo])).toEqual([['skipped', 'conditional result was false', undefined], ['skipped', 'conditional result was false', undefined], ['ok', 'new', 'm1']]);
    } finally {
      delete process.env.RIG_FACT_CACHE;
    }
  });
});
