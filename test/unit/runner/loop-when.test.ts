/** A looped task's `when` is decided once, before its loop: a `when` that reads ctx.item (Ansible decides it per item)
 *  would skip every item silently, so it is refused before the first change, saying to filter the loop instead. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command, copy, definePlaybook, shell, ValidationError, type TaskContext } from '../../../src/index.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, f: string) => path.join(String(ctx.vars.work), f);
const first = copy((ctx) => ({ dest: w(ctx, 'first'), content: 'x\n' }), { name: 'first' });
const echo = (when: (ctx: TaskContext<string>) => boolean, name = 'per item') =>
  shell((ctx: TaskContext<string>) => ({ cmd: `echo ${ctx.item} >> ${w(ctx, 'items')}` }), { name, loop: ['c', 'd'], when });

describe("a looped task's when", () => {
  it.each([
    ['compares ctx.item', (ctx: TaskContext<string>) => ctx.item === 'c'],
    ['reads a field of ctx.item (it would throw on undefined)', (ctx: TaskContext<string>) => (ctx.item as unknown as { on: boolean }).on],
  ])('that %s is refused before anything changes (exit 5 in the CLI), naming the task and what to do', async (_name, when) => {
    const world = await localWorld(['a']);
    const task = echo(when);
    const err = await world.run(definePlaybook({ hosts: 'all', tasks: [first, task] })).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain(`${task.definedAt} (host a): when reads ctx.item, but a looped task's when is decided once, before its loop`);
    expect((err as Error).message).toContain('filter the items in loop instead');
    expect(existsSync(path.join(world.dir, 'a/first'))).toBe(false);
  });

  it('that does not read ctx.item decides for the whole task: all items, or the task skipped', async () => {
    const world = await localWorld(['a']);
    const run = await world.run(definePlaybook({ hosts: 'all', tasks: [echo((ctx) => ctx.host.name === 'a'), echo(() => false, 'never')] }));
    expect(run.summary.exitCode).toBe(0);
    expect(readFileSync(path.join(world.dir, 'a/items'), 'utf8')).toBe('c\nd\n');
    expect(run.rec.results('a').map((r) => r.status)).toEqual(['changed', 'skipped']);
  });

  it('filtering the loop instead runs the items Ansible would', async () => {
    const world = await localWorld(['a']);
    const only = shell((ctx: TaskContext<string>) => ({ cmd: `echo ${ctx.item} >> ${w(ctx, 'items')}` }), { loop: ['c', 'd'].filter((i) => i === 'c') });
    const run = await world.run(definePlaybook({ hosts: 'all', tasks: [only, command({ cmd: ['true'] }, { when: (ctx) => ctx.item === undefined })] }));
    expect(run.summary.exitCode).toBe(0);
    expect(readFileSync(path.join(world.dir, 'a/items'), 'utf8')).toBe('c\n');
  });
});
