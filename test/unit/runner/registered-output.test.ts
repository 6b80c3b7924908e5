/**
 * What a run registers and reports, on local "hosts": a command's stdout/stderr without trailing newlines plus their
 * lines (Ansible), loop items with their value and label, and the host a delegated task ran on.
 */
import { describe, expect, it } from 'vitest';
import { command, definePlaybook, shell, type TaskContext } from '../../../src/index.ts';
import { localWorld } from './local-run.ts';

describe('registered output', () => {
  it('stdout and stderr lose their trailing newlines, and the next command gets exactly the text', async () => {
    const world = await localWorld(['a']);
    const first = shell({ cmd: "printf 'v1.2\\n\\n'; printf 'warn\\nmore\\n' >&2" });
    const pb = definePlaybook({
      hosts: 'all',
      gatherFacts: false,
      tasks: [first, command((ctx) => ({ cmd: ['printf', '[%s]', `${ctx.result(first).stdout ?? ''}`] }), { name: 'use it' })],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    const [r1, r2] = run.rec.results('a');
    expect(r1).toMatchObject({ stdout: 'v1.2', stderr: 'warn\nmore', stdout_lines: ['v1.2'], stderr_lines: ['warn', 'more'], rc: 0 });
    expect(r1?.output).toEqual({ stdout: 'v1.2', stderr: 'warn\nmore', rc: 0, stdout_lines: ['v1.2'], stderr_lines: ['warn', 'more'] });
    // it leaked into the next command as "[v1.2\n\n]" before
    expect(r2?.stdout).toBe('[v1.2]');
  });

  it('loop items carry their value and label: the label option, else the item (strings as is, values as JSON)', async () => {
    const world = await localWorld(['a']);
    type Mod = { name: string; persist: boolean };
    const pb = definePlaybook({
      hosts: 'all',
      gatherFacts: false,
      tasks: [
        command({ cmd: ['true'] }, { name: 'plain', loop: ['overlay', 7, { name: 'x' }] }),
        command((ctx: TaskContext<Mod>) => ({ cmd: ['echo', ctx.item.name] }), {
          name: 'labelled',
          loop: [{ name: 'overlay', persist: true }, { name: 'br_netfilter', persist: false }],
          label: (ctx: TaskContext<Mod>) => ctx.item.name,
        }),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    const [plain, labelled] = run.rec.results('a');
    expect(plain?.items?.map((i) => [i.item, i.label])).toEqual([['overlay', 'overlay'], [7, '7'], [{ name: 'x' }, '{"name":"x"}']]);
    expect(labelled?.items?.map((i) => [i.label, i.stdout])).toEqual([['overlay', 'overlay'], ['br_netfilter', 'br_netfilter']]);
  });

  it('a label that is not a string is refused before the run changes anything, naming the host (more: task-input-errors.test.ts)', async () => {
    const world = await localWorld(['a']);
    const pb = definePlaybook({ hosts: 'all', gatherFacts: false, tasks: [command({ cmd: ['true'] }, { loop: [1], label: ((ctx: TaskContext<number>) => ctx.item) as unknown as (ctx: TaskContext<number>) => string })] });
    await expect(world.run(pb)).rejects.toThrow(/\(host a\): label gave 1 for item 1, not a non-empty string/);
  });

  it('a delegated task records where it ran, per item too', async () => {
    const world = await localWorld(['a', 'b']);
    const pb = definePlaybook({
      hosts: 'all',
      gatherFacts: false,
      tasks: [
        command({ cmd: ['true'] }, { name: 'on a', delegateTo: 'a' }),
        command({ cmd: ['true'] }, { name: 'looped on a', delegateTo: 'a', loop: ['x'] }),
        command({ cmd: ['true'] }, { name: 'not delegated' }),
      ],
    });
    const run = await world.run(pb);
    expect(run.summary.exitCode).toBe(0);
    const b = run.rec.results('b');
    expect(b.map((r) => r.delegatedTo)).toEqual(['a', 'a', undefined]);
    expect(b[1]?.items?.[0]?.delegatedTo).toBe('a');
    // delegated to the host itself: nothing to show, as Ansible's host_label prints [a]
    expect(run.rec.results('a')[0]?.delegatedTo).toBeUndefined();
  });
});
