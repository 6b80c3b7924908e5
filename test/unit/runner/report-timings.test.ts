/** What the run report's timeline and counts are made of, on local processes: each host's connect and first exec,
 *  each result's start, the connections per host (a reconnect counts). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../src/connection/local.ts';
import { command, definePlaybook } from '../../../src/index.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { JsonReporter } from '../../../src/reporters/index.ts';
import { jsonReportProblems } from '../../../src/schema/json-report.ts';
import { runPlaybook } from '../../../src/runner/index.ts';
import { HostRuntime } from '../../../src/runner/host-runtime.ts';
import { connectFor } from '../../../src/runner/trace-connection.ts';
import { localWorld } from './local-run.ts';

describe('run report timings', () => {
  it('every host has a setup (connect, then the first exec) before its results, which start in order within the run', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({ hosts: 'all', tasks: [command({ cmd: ['sleep', '0.05'] }, { name: 'nap' }), command({ cmd: ['true'] }, { name: 'then' })] });
    const json = new JsonReporter({});
    const inventory = await loadInventory(world.inventory);
    const summary = await runPlaybook(pb, inventory, {
      reporter: json,
      connect: async (h) => new LocalConnection(h.name, { cwd: path.join(world.dir, h.name) }),
    });
    const doc = json.report(summary);
    expect(doc.recap.a).toMatchObject({ connections: 1, execs: 3 });
    expect(doc.recap.b).toMatchObject({ connections: 1, execs: 3 });
    const [play] = doc.plays;
    for (const host of ['a', 'b']) {
      const setup = play!.setup![host]!;
      expect(setup.connectMs, 'a connect is at least 1 ms on the timeline').toBeGreaterThanOrEqual(1);
      expect(setup.factsMs, 'the facts exec runs a shell').toBeGreaterThan(0);
      const [nap, then] = play!.tasks.map((t) => t.results[host]!);
      expect(nap!.startMs!).toBeGreaterThanOrEqual(setup.startMs + setup.connectMs + setup.factsMs - 1);
      expect(nap!.durationMs).toBeGreaterThanOrEqual(50);
      expect(then!.startMs!).toBeGreaterThanOrEqual(nap!.startMs! + nap!.durationMs - 1);
      expect(then!.startMs! + then!.durationMs).toBeLessThanOrEqual(doc.durationMs + 1);
    }
  });

  it('without facts (a local host connects in under 1 ms): setup times are never negative, and rig report reads the file', async () => {
    const world = await localWorld(['a', 'b', 'c', 'd']);
    const pb = definePlaybook({ hosts: 'all', gatherFacts: false, tasks: [command({ cmd: ['true'] }, { name: 'one' })] });
    const json = new JsonReporter({});
    const summary = await runPlaybook(pb, await loadInventory(world.inventory), { reporter: json, connect: async (h) => new LocalConnection(h.name, { cwd: path.join(world.dir, h.name) }) });
    const doc = json.report(summary);
    for (const setup of Object.values(doc.plays[0]!.setup ?? {})) expect(setup.factsMs).toBeGreaterThanOrEqual(0);
    expect(jsonReportProblems(JSON.parse(JSON.stringify(doc)))).toEqual([]);
  });

  it('loop items carry their own execs and time, which add up to the task\'s', async () => {
    const world = await localWorld(['a']);
    const pb = definePlaybook({ hosts: 'all', tasks: [command((ctx) => ({ cmd: ['sleep', String(ctx.item)] }), { name: 'naps', loop: ['0.05', '0.01', '0.03'] })] });
    const json = new JsonReporter({});
    const inventory = await loadInventory(world.inventory);
    const summary = await runPlaybook(pb, inventory, { reporter: json, connect: async (h) => new LocalConnection(h.name, { cwd: path.join(world.dir, h.name) }) });
    const naps = json.report(summary).plays[0]!.tasks[0]!.results['a']!;
    const items = naps.items ?? [];
    expect(items.map((i) => i.execs)).toEqual([1, 1, 1]);
    expect(items.reduce((n, i) => n + i.execs, 0)).toBe(naps.execs);
    expect(items[0]!.durationMs).toBeGreaterThanOrEqual(50);
    expect(items.reduce((n, i) => n + i.durationMs, 0)).toBeLessThanOrEqual(naps.durationMs);
  });

  it('a second play on the same hosts reconnects nothing and gathers no facts again: no setup recorded', async () => {
    const world = await localWorld(['a']);
    const one = { hosts: 'all', tasks: [command({ cmd: ['true'] })] };
    const json = new JsonReporter({});
    const summary = await runPlaybook(definePlaybook(one, one), await loadInventory(world.inventory), {
      reporter: json,
      connect: async (h) => new LocalConnection(h.name, { cwd: path.join(world.dir, h.name) }),
    });
    const doc = json.report(summary);
    expect(Object.keys(doc.plays[0]!.setup!)).toEqual(['a']);
    expect(doc.plays[1]!.setup).toEqual({});
    expect(doc.recap.a!.connections).toBe(1);
  });

  it('a reconnect (after a reboot) counts as a connection', async () => {
    const world = await localWorld(['a']);
    const inventory = await loadInventory(world.inventory);
    const rt = new HostRuntime(inventory.host('a')!);
    const conn = await connectFor({ reporter: {}, connect: async (h) => new LocalConnection(h.name) }, rt);
    expect(rt.connections).toBe(1);
    await conn.reconnect({ timeoutMs: 1000 });
    await conn.reconnect({ timeoutMs: 1000 });
    expect(rt.connections).toBe(3);
    expect((await conn.exec('echo hi')).stdout).toBe('hi\n');
    expect(conn.execCount).toBe(1);
  });
});
