/** Bad per-host task input (loop labels, delegateTo functions, ctx.result of a task that cannot have run) is found before
 *  anything changes, and the error names the task's file:line and what to do. Runs on local processes. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command, copy, definePlaybook, file, ValidationError, type Task } from '../../../src/index.ts';
import type { TaskContext } from '../../../src/core/index.ts';
import { escapeControls } from '../../../src/runner/item-label.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, p = '') => path.join(String(ctx.vars.work), p);
type Label = NonNullable<Task['options']['label']>;

// each bad label, as the trial wrote them (the casts stand for plain JavaScript playbooks or `as never`)
const BAD_LABELS: { name: string; label: Label; expect: RegExp }[] = [
  { name: 'returns a number', label: (() => 42) as unknown as Label, expect: /label gave 42 for item "x1", not a non-empty string/ },
  { name: 'returns an object', label: ((c: TaskContext<string>) => ({ a: c.item })) as unknown as Label, expect: /label gave \{"a":"x1"\} for item "x1"/ },
  { name: 'returns undefined', label: ((c: TaskContext<{ nope?: string }>) => c.item.nope) as unknown as Label, expect: /label gave undefined for item "x1"/ },
  { name: 'returns an empty string', label: () => '', expect: /label gave '' for item "x1"/ },
  { name: 'throws', label: ((c: TaskContext<{ missing: { deep: string } }>) => c.item.missing.deep) as unknown as Label, expect: /label threw for item "x1": Cannot read properties of undefined/ },
  { name: 'returns a number (static, bypassing the types)', label: 42 as unknown as Label, expect: /label gave 42 for item "x1"/ },
];

describe('loop labels are resolved for every item before the task changes anything', () => {
  for (const c of BAD_LABELS) {
    it(`a label that ${c.name}: refused at preflight on every host, nothing applied, the task's file:line named`, async () => {
      const world = await localWorld(['a', 'b']);
      const loopTask = copy((ctx: TaskContext<string>) => ({ dest: w(ctx, ctx.item), content: '' }), { name: 'looped', loop: ['x1', 'x2'], label: c.label });
      const pb = definePlaybook({ hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'first'), content: '' })), loopTask] });
      const err = await world.run(pb).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      const msg = (err as ValidationError).message;
      expect(msg).toMatch(c.expect);
      expect(msg).toContain(`${loopTask.definedAt} (host a)`);
      expect(msg).toContain(`${loopTask.definedAt} (host b)`);
      // the host is named once per problem, not again inside the message
      expect(msg.split('\n')[0]!.match(/host a\b/g)).toHaveLength(1);
      expect(msg.split('\n')[0]).not.toContain('): a:');
      for (const h of ['a', 'b']) expect(readdirSync(path.join(world.dir, h))).toEqual([]);
    });
  }

  it('a label that only fails once an earlier result exists fails the task before its first item, saying nothing was changed', async () => {
    const world = await localWorld(['a']);
    const probe = command({ cmd: ['echo', 'hi'] }, { name: 'probe', changedWhen: false });
    const loopTask = copy((ctx: TaskContext<string>) => ({ dest: w(ctx, ctx.item), content: '' }), {
      name: 'looped',
      // needs the probe's result, so preflight cannot resolve it: the executor must check every label first
      loop: (ctx) => [String(ctx.result(probe).stdout), 'x2'],
      label: (ctx) => (ctx.item === 'x2' ? (undefined as unknown as string) : String(ctx.item)),
    });
    const { summary, rec } = await world.run(definePlaybook({ hosts: 'all', tasks: [probe, loopTask] }));
    const r = rec.results('a').find((x) => x.task === 'looped')!;
    expect(r.status).toBe('failed');
    expect(r.ignored).toBeUndefined();
    expect(r.msg).toContain(`${loopTask.definedAt}: label gave undefined for item "x2", not a non-empty string; nothing was changed by this task`);
    expect(r.msg).not.toMatch(/^a:/);
    expect(existsSync(path.join(world.dir, 'a/hi'))).toBe(false);
    expect(summary.exitCode).toBe(2);
  });

  const SHOWN: [string, string][] = [
    ['line1\nline2', 'line1\\nline2'],
    ['tab\there', 'tab\\there'],
    ['esc\u001b[31m', 'esc\\x1b[31m'],
    ['ls\u2028x', 'ls\\u2028x'],
    ['plain <b>', 'plain <b>'],
  ];
  it.each(SHOWN)('a label %j is shown on one line as %j', (raw, shown) => expect(escapeControls(raw)).toBe(shown));

  it('labels with a newline are escaped in results; a string item without label too', async () => {
    const world = await localWorld(['a']);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        copy((ctx: TaskContext<string>) => ({ dest: w(ctx, ctx.item), content: '' }), { name: 'labelled', loop: ['m1'], label: (ctx) => `line1\nline2 ${ctx.item}` }),
        file((ctx: TaskContext<string>) => ({ path: w(ctx, 'm1'), state: 'file' }), { name: 'raw', loop: ['two\nlines'], ignoreErrors: true }),
      ],
    });
    const { rec } = await world.run(pb);
    const [labelled, raw] = rec.results('a');
    expect(labelled!.items!.map((i) => i.label)).toEqual(['line1\\nline2 m1']);
    expect(raw!.items!.map((i) => i.label)).toEqual(['two\\nlines']);
  });
});

describe('delegateTo functions naming no inventory host', () => {
  const CASES: { name: string; delegateTo: (ctx: TaskContext<unknown>) => string; expect: RegExp }[] = [
    { name: 'a typo', delegateTo: (ctx) => `${ctx.host.name}x`, expect: /delegateTo: no host 'ax' in the inventory .*\(did you mean 'a'\?\)/ },
    { name: 'an unrelated name', delegateTo: () => 'nosuchhost-at-all', expect: /delegateTo: no host 'nosuchhost-at-all'[\s\S]*→ delegate to a host of the inventory \(it has a, b; rig inventory -i INVENTORY --list shows them\)/ },
    { name: 'a group', delegateTo: () => 'web', expect: /delegateTo: 'web' is a group of the inventory/ },
    { name: 'an empty string', delegateTo: () => '', expect: /delegateTo gave "", not a host name[\s\S]*\(it has a, b;/ },
    { name: 'a non-string', delegateTo: () => 7 as unknown as string, expect: /delegateTo gave 7, not a host name/ },
  ];
  for (const c of CASES) {
    it(`${c.name}: refused at preflight with the task's file:line, nothing applied`, async () => {
      const world = await localWorld(['a', 'b'], { web: ['a', 'b'] });
      const t = copy((ctx) => ({ dest: w(ctx, 'delegated'), content: '' }), { name: 'deleg', delegateTo: c.delegateTo });
      const pb = definePlaybook({ hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'first'), content: '' })), t] });
      const err = await world.run(pb).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(c.expect);
      expect((err as Error).message).toContain(`${t.definedAt} (host a)`);
      for (const h of ['a', 'b']) expect(readdirSync(path.join(world.dir, h))).toEqual([]);
    });
  }

  it('in a loop: one problem per host, not one per item', async () => {
    const world = await localWorld(['a']);
    const t = copy((ctx: TaskContext<string>) => ({ dest: w(ctx, ctx.item), content: '' }), { name: 'deleg loop', loop: ['p', 'q', 'r'], delegateTo: () => 'nosuch' });
    const err = await world.run(definePlaybook({ hosts: 'all', tasks: [t] })).then(() => undefined, (e: unknown) => e);
    expect((err as ValidationError).problems).toHaveLength(1);
  });

  it('resolved only at run time (after a result): the task fails naming its file:line and the hosts that exist', async () => {
    const world = await localWorld(['a', 'b']);
    const probe = command({ cmd: ['echo', 'zz'] }, { name: 'probe', changedWhen: false });
    const t = copy((ctx) => ({ dest: w(ctx, 'delegated'), content: '' }), { name: 'deleg', delegateTo: (ctx) => String(ctx.result(probe).stdout) });
    const { rec } = await world.run(definePlaybook({ hosts: 'a', tasks: [probe, t] }));
    const r = rec.results('a').find((x) => x.task === 'deleg')!;
    expect(r.status).toBe('failed');
    expect(r.msg).toMatch(new RegExp(`^${t.definedAt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: delegateTo: no host 'zz'`));
    expect(r.msg).toContain('(it has a, b; ');
  });
});

describe('ctx.result of a task that has not run names the task, not an internal id', () => {
  it('a task listed later in the play: refused at preflight, "has not run on a yet", its name and file:line', async () => {
    const world = await localWorld(['a']);
    const later = command({ cmd: ['echo', 'hi'] }, { name: 'later one', changedWhen: false });
    const reader = copy((ctx) => ({ dest: w(ctx, 'r'), content: ctx.result(later).stdout }), { name: 'reader' });
    const pb = definePlaybook({ hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'first'), content: '' })), reader, later] });
    const err = await world.run(pb).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${reader.definedAt} (host a): ctx.result: task 'later one' (${later.definedAt}) has not run on a yet`);
    expect(msg).not.toMatch(/task t\d+/);
    expect(readdirSync(path.join(world.dir, 'a'))).toEqual([]);
  });

  it('a task in no play: "is not in this play", before anything changes', async () => {
    const world = await localWorld(['a']);
    const unlisted = command({ cmd: ['echo', 'hi'] }, { name: 'never listed', changedWhen: false });
    const reader = copy((ctx) => ({ dest: w(ctx, 'r'), content: ctx.result(unlisted).stdout }), { name: 'reader' });
    const pb = definePlaybook({ hosts: 'all', tasks: [copy((ctx) => ({ dest: w(ctx, 'first'), content: '' })), reader] });
    const err = await world.run(pb).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toContain(`ctx.result: task 'never listed' (${unlisted.definedAt}) is not in this play, so it has no result on a`);
    expect(readdirSync(path.join(world.dir, 'a'))).toEqual([]);
  });

  it('a task that runs earlier in the play is read as before (no false alarm)', async () => {
    const world = await localWorld(['a']);
    const first = command({ cmd: ['echo', 'hi'] }, { name: 'first', changedWhen: false });
    const reader = copy((ctx) => ({ dest: w(ctx, 'r'), content: ctx.result(first).stdout }), { name: 'reader' });
    const { summary } = await world.run(definePlaybook({ hosts: 'all', tasks: [first, reader] }));
    expect(summary.exitCode).toBe(0);
  });
});
