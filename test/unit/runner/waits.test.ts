/**
 * Long waits are announced to the reporter (what, limit, start) and the plain reporter prints a line at every notice
 * interval while they last: a waitFor on a local "host" whose path appears after ~1.5 s.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineModule, definePlaybook, shell, strict, taskFactory, waitFor, z } from '../../../src/index.ts';
import { LocalConnection } from '../../../src/connection/local.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { MultiReporter, PlainReporter, RecordingReporter } from '../../../src/reporters/index.ts';
import { runPlaybook } from '../../../src/runner/index.ts';
import { StringStream } from '../reporters/fixture-run.ts';
import { localWorld } from './local-run.ts';

describe('waits', () => {
  it('a waitFor that has to wait: announced with what and limit, ended, and a plain line per notice interval', async () => {
    const world = await localWorld(['a']);
    const flag = path.join(world.dir, 'a', 'ready');
    const pb = definePlaybook({
      hosts: 'all',
      gatherFacts: false,
      tasks: [
        shell({ cmd: `(sleep 1.5; touch '${flag}') >/dev/null 2>&1 &` }, { name: 'start' }),
        waitFor({ path: flag, timeoutSec: 30, sleepSec: 0.2 }, { name: 'wait for the flag' }),
        waitFor({ path: flag, timeoutSec: 30 }, { name: 'already there' }),
      ],
    });
    const rec = new RecordingReporter();
    const out = new StringStream();
    const plain = new PlainReporter({ out, verbosity: 0, diff: false, color: false, waitNoticeMs: 400 });
    const inventory = await loadInventory(world.inventory);
    const summary = await runPlaybook(pb, inventory, {
      reporter: new MultiReporter([rec, plain]),
      connect: async (h) => new LocalConnection(h.name, { env: { HOME: path.join(world.dir, h.name) }, cwd: path.join(world.dir, h.name) }),
    });
    expect(summary.exitCode, out.text).toBe(0);
    const waits = rec.trace().filter((l) => l.startsWith('wait '));
    // start, end; the second waitFor looks again (its prefetched look predates the flag) and returns at once: announced
    // too, but too short to be shown
    expect(waits.slice(0, 2)).toEqual([`wait a: ${flag} present (limit 30s)`, 'wait a: done']);
    expect(waits.length === 2 || waits.length === 4).toBe(true);
    const lines = out.text.split('\n');
    const notices = lines.filter((l) => l.startsWith('waiting: [a] for '));
    expect(notices.length).toBeGreaterThanOrEqual(2);
    expect(notices[0]).toMatch(new RegExp(`^waiting: \\[a\\] for ${flag.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} present: \\ds of 30s$`));
    // notices stop with the wait: none after the task's result
    const at = lines.indexOf('TASK [already there] ***********************************************************');
    expect(at).toBeGreaterThan(-1);
    expect(lines.slice(at).some((l) => l.startsWith('waiting:'))).toBe(false);
  });

  it('a change that declares a wait (ExecChange.waits) is announced while its exec runs', async () => {
    const slow = taskFactory(
      defineModule({
        name: 'slowThing',
        args: strict({ sec: z.number() }),
        probe: () => ({}),
        plan: (a: { sec: number }) => ({ changes: [{ kind: 'exec' as const, command: `sleep ${a.sec}`, description: 'sleep', waits: { what: 'the thing to settle', limitSec: 9 } }] }),
      }),
    );
    const world = await localWorld(['a']);
    const run = await world.run(definePlaybook({ hosts: 'all', gatherFacts: false, tasks: [slow({ sec: 0.2 })] }));
    expect(run.summary.exitCode).toBe(0);
    expect(run.rec.trace().filter((l) => l.startsWith('wait '))).toEqual(['wait a: the thing to settle (limit 9s)', 'wait a: done']);
  });

  it("a delegated wait is announced for the host whose task waits (its row), not the delegate's", async () => {
    const world = await localWorld(['a', 'b']);
    const flag = path.join(world.dir, 'a', 'later');
    const pb = definePlaybook({
      hosts: 'all',
      gatherFacts: false,
      tasks: [
        shell({ cmd: `(sleep 0.5; touch '${flag}') >/dev/null 2>&1 &` }, { name: 'start', when: (ctx) => ctx.host.name === 'a' }),
        waitFor({ path: flag, timeoutSec: 20, sleepSec: 0.1 }, { name: 'wait on a', delegateTo: 'a', when: (ctx) => ctx.host.name === 'b' }),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    expect(run.rec.trace().filter((l) => l.startsWith('wait '))).toEqual([`wait b: ${flag} present (limit 20s)`, 'wait b: done']);
  });
});
