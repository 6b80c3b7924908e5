/** --start-at-task and --step in the runner, on local processes: which tasks run, as Ansible's PlayIterator / _take_step. */
import { describe, expect, it } from 'vitest';
import { stepAnswer, stepper } from '../../../src/cli/step-prompt.ts';
import { command, defineHandler, definePlaybook, defineRole, ValidationError } from '../../../src/index.ts';
import type { Playbook, TaskInfo } from '../../../src/core/index.ts';
import { findStartAt, startAtProblem } from '../../../src/runner/index.ts';
import { PassThrough } from 'node:stream';
import { localWorld } from './local-run.ts';

const echo = (name: string) => command({ cmd: `echo ${name}` }, { name });
const web = defineRole({ name: 'web', tasks: () => [echo('install nginx'), echo('configure nginx')] });
const plays = [
  { name: 'one', hosts: 'all', tasks: [echo('first'), echo('second')] },
  { name: 'two', hosts: 'all', roles: [web], tasks: [echo('third'), echo('install app')] },
];
const pb: Playbook = definePlaybook(...plays);

describe('findStartAt: first task whose name (or "role : name") equals or globs the pattern', () => {
  const cases: [string, { play: number; item: number } | undefined][] = [
    ['first', { play: 0, item: 0 }],
    ['second', { play: 0, item: 1 }],
    ['install*', { play: 1, item: 0 }],
    ['web : configure nginx', { play: 1, item: 1 }],
    ['web : *', { play: 1, item: 0 }],
    ['third', { play: 1, item: 2 }],
    ['*app', { play: 1, item: 3 }],
    ['thrid', undefined],
    // the declared id, as a JSON report lists it (play/role/name), or a glob of it
    ['two/web/configure nginx', { play: 1, item: 1 }],
    ['one/second', { play: 0, item: 1 }],
    ['two/install*', { play: 1, item: 3 }],
    ['two/web/nope', undefined],
  ];
  for (const [pattern, want] of cases) it(pattern, () => expect(findStartAt(pb, pattern)).toEqual(want));

  it('an unknown name is a problem listing close names', () => {
    expect(startAtProblem(pb, 'thrid')).toEqual({ where: '--start-at-task', message: "no task named 'thrid' in the playbook", hint: "close names: 'third' (a glob like 'install*' matches too)" });
    expect(startAtProblem(pb, 'zzzzzzzzzz')?.hint).toMatch(/^tasks include: 'first', 'second'/);
    expect(startAtProblem(pb, 'third')).toBeUndefined();
  });
});

describe('the runner with startAtTask / confirmTask', () => {
  it('--start-at-task skips earlier plays and earlier tasks of its play; later plays run whole', async () => {
    const world = await localWorld(['a']);
    const later = definePlaybook(...plays, { name: 'three', hosts: 'all', tasks: [echo('fourth')] });
    const { summary, rec } = await world.run(later, { startAtTask: 'configure*' });
    expect(summary.exitCode).toBe(0);
    expect(rec.results('a').map((r) => r.task)).toEqual(['configure nginx', 'third', 'install app', 'fourth']);
  });

  it('an unknown --start-at-task is a ValidationError before anything runs', async () => {
    const world = await localWorld(['a']);
    await expect(world.run(pb, { startAtTask: 'nope' })).rejects.toThrow(ValidationError);
  });

  it('confirmTask false skips a task (and its notified handler never runs), true runs it', async () => {
    const world = await localWorld(['a']);
    const h = defineHandler('restart', command({ cmd: 'echo restart' }));
    const play = definePlaybook({ hosts: 'all', handlers: [h], tasks: [command({ cmd: 'echo a' }, { name: 'a', notify: [h] }), command({ cmd: 'echo b' }, { name: 'b' })] });
    const asked: string[] = [];
    const { rec } = await world.run(play, { confirmTask: async (t: TaskInfo) => (asked.push(t.name), t.name !== 'a') });
    expect(asked).toEqual(['a', 'b']);
    expect(rec.results('a').map((r) => r.task)).toEqual(['b']);
  });
});

describe('--step answers as Ansible reads them', () => {
  const cases: [string, string][] = [['y', 'yes'], ['YES', 'yes'], ['n', 'no'], ['', 'no'], ['x', 'no'], ['c', 'continue'], ['Continue', 'continue']];
  for (const [answer, want] of cases) it(JSON.stringify(answer), () => expect(stepAnswer(answer)).toBe(want));

  it('asks on the output, reads a line per task, and stops asking after c', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const s = stepper(input, output);
    input.write('n\ny\nc\n');
    const info = (name: string, role?: string) => ({ id: name, name, module: 'command', definedAt: 'x:1', handler: false, role }) as TaskInfo;
    expect(await s.confirm(info('one'))).toBe(false);
    expect(await s.confirm(info('two', 'web'))).toBe(true);
    expect(await s.confirm(info('three'))).toBe(true);
    expect(await s.confirm(info('four'))).toBe(true);
    s.close();
    expect(shown.split('\n').filter(Boolean)).toEqual([
      'Perform task: TASK: one (N)o/(y)es/(c)ontinue: ',
      'Perform task: TASK: web : two (N)o/(y)es/(c)ontinue: ',
      'Perform task: TASK: three (N)o/(y)es/(c)ontinue: ',
    ]);
  });
});
