/** Declared task ids (runner/task-ids.ts): paths in the playbook, unique, the same in every process, untouched by an
 *  unrelated task added elsewhere; and the real CLI's JSON reports of two processes carry the same ids. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { block, command, debug, defineHandler, definePlay, definePlaybook, defineRole, flushHandlers } from '../../../src/index.ts';
import type { Play, TaskItem } from '../../../src/core/index.ts';
import { checkedItems, playTree } from '../../../src/runner/play.ts';
import { idSegment, playIds, SiblingNames, uniqueIds } from '../../../src/runner/task-ids.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { localWorld } from './local-run.ts';

const say = (name: string) => debug({ msg: name }, { name });
const restart = defineHandler('restart web', command({ cmd: 'true' }));

/** Ids of a play's tasks and handlers, in run order then definition order. */
const idsOf = (play: Play, playId?: string) => checkedItems(play, playId).flatMap((it) => ('task' in it ? [it.id] : []));

describe('segments and siblings', () => {
  it('a `/` or `%` in a name is percent-encoded, nothing else changes', () => {
    expect(idSegment('copy /etc/x 100%')).toBe('copy %2Fetc%2Fx 100%25');
    expect(idSegment('install docker.io : ok')).toBe('install docker.io : ok');
  });
  it('repeated names are numbered in order, the first keeps its name', () => {
    const n = new SiblingNames();
    expect(['a', 'b', 'a', 'a', 'b'].map((x) => n.next(x))).toEqual(['a', 'b', 'a#2', 'a#3', 'b#2']);
  });
  it('plays with one name are numbered', () => expect(playIds([{ name: 'all' }, { name: 'web' }, { name: 'all' }])).toEqual(['all', 'web', 'all#2']));
  it('uniqueIds numbers a later id equal to an earlier one (and one equal to a numbered one)', () => {
    expect(uniqueIds(['p/a', 'p/b', 'p/a', 'p/a#2'])).toEqual(['p/a', 'p/b', 'p/a#2', 'p/a#2#2']);
  });
});

describe('ids of a play: path + name, numbered among same-named siblings', () => {
  const web = defineRole({ name: 'web', tasks: () => [say('install'), say('install'), command({ cmd: 'true' }), command({ cmd: 'true' })], handlers: [restart] });
  const play = definePlay({
    name: 'site',
    hosts: 'all',
    roles: [web, web],
    tasks: [
      say('check'),
      block([say('try'), say('try')], { name: 'guarded', rescue: [say('recover')], always: [say('log')] }),
      block([say('inner')]),
      block([say('inner')]),
      flushHandlers(),
      say('copy /etc/x'),
    ],
    handlers: [defineHandler('reload', command({ cmd: 'true' }))],
  });

  it('are readable paths, as a JSON report lists them', () => {
    expect(idsOf(play)).toEqual([
      'site/web/install',
      'site/web/install#2',
      'site/web/command true',
      'site/web/command true#2',
      'site/web#2/install',
      'site/web#2/install#2',
      'site/web#2/command true',
      'site/web#2/command true#2',
      'site/check',
      'site/guarded/try',
      'site/guarded/try#2',
      'site/guarded/rescue/recover',
      'site/guarded/always/log',
      'site/block/inner',
      'site/block#2/inner',
      'site/copy %2Fetc%2Fx',
      'site/web/handlers/restart web',
      'site/web#2/handlers/restart web',
      'site/handlers/reload',
    ]);
  });

  it('are unique within the play, also where names spell a section marker', () => {
    const tricky = definePlay({ name: 'p', hosts: 'all', tasks: [block([say('x')], { name: 'b', rescue: [say('y')] }), block([say('y')], { name: 'b/rescue' })] });
    const ids = idsOf(tricky);
    expect(ids).toEqual(['p/b/x', 'p/b/rescue/y', 'p/b%2Frescue/y']);
    const marker = definePlay({ name: 'p', hosts: 'all', tasks: [block([block([say('y')], { name: 'rescue' })], { name: 'b', rescue: [say('y')] })] });
    expect(idsOf(marker)).toEqual(['p/b/rescue/y', 'p/b/rescue/y#2']);
  });

  it('under the play id the playbook gives (repeated play names are numbered)', () => {
    expect(idsOf(play, 'site#2').slice(0, 1)).toEqual(['site#2/web/install']);
  });

  it('do not move when a task is added in another role, block or play section', () => {
    const tasks = (extra: readonly TaskItem[]) => [say('a'), say('b'), ...extra];
    const before = definePlay({ name: 'p', hosts: 'all', roles: [defineRole({ name: 'one', tasks: () => tasks([]) }), defineRole({ name: 'two', tasks: () => tasks([]) })], tasks: [say('a')] });
    const after = definePlay({
      name: 'p',
      hosts: 'all',
      roles: [defineRole({ name: 'one', tasks: () => [say('new'), ...tasks([say('a')])] }), defineRole({ name: 'two', tasks: () => tasks([]) })],
      tasks: [block([say('new')]), say('a')],
    });
    const had = idsOf(before);
    const has = idsOf(after);
    expect(has).toEqual(expect.arrayContaining(had));
    expect(has.filter((id) => !had.includes(id))).toEqual(['p/one/new', 'p/one/a#2', 'p/block/new']);
  });

  it('are the same for two separately built copies of the declaration', () => {
    const build = () => definePlay({ name: 'p', hosts: 'all', roles: [defineRole({ name: 'r', tasks: () => [say('a'), say('a')] })] });
    expect(idsOf(build())).toEqual(idsOf(build()));
    expect(playTree(build()).items.map((it) => ('task' in it ? it.id : 'flush'))).toEqual(['p/r/a', 'p/r/a#2']);
  });
});

describe('reports carry the declared ids', () => {
  it('the recording reporter sees the path ids; registered results still follow the task object', async () => {
    const world = await localWorld(['h']);
    const probe = command({ cmd: 'echo hi' }, { name: 'probe', notify: [restart], changedWhen: false });
    const use = command((ctx) => ({ cmd: `test ${(ctx.result(probe).stdout ?? '').trim()} = hi` }), { name: 'use' });
    const r = defineRole({ name: 'r', tasks: () => [probe, use], when: () => true, handlers: [restart] });
    const { summary, rec } = await world.run(definePlaybook({ name: 'p', hosts: 'all', gatherFacts: false, roles: [r] }));
    expect(summary.exitCode).toBe(0);
    expect(rec.events.filter((e) => e.type === 'taskStart').map((e) => ('task' in e ? e.task.id : ''))).toEqual(['p/r/probe', 'p/r/use']);
  });
});

describe('the real CLI: two processes, one playbook, the same ids', () => {
  const RIG = JSON.stringify(path.resolve('src/index.ts'));
  const dir = tempDir('rig-task-ids-');
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  writeFileSync(path.join(dir, 'hosts.yml'), 'all:\n  hosts: { h: { ansible_connection: local } }\n');
  /** A playbook of two roles; `extra` goes first in role two. */
  const playbook = (file: string, extra: string) =>
    writeFileSync(
      path.join(dir, file),
      `import { block, command, debug, defineHandler, definePlaybook, defineRole } from ${RIG};
const say = (name, notify) => debug({ msg: name }, { name, ...(notify && { notify: [notify] }) });
const h = defineHandler('h', command({ cmd: 'true' }));
const one = defineRole({ name: 'one', tasks: () => [say('a', h), say('a'), block([say('b')], { name: 'blk', rescue: [say('c')] })], handlers: [h] });
const two = defineRole({ name: 'two', tasks: () => [${extra} say('a'), say('d')] });
export default definePlaybook({ name: 'site', hosts: 'all', gatherFacts: false, roles: [one, two], tasks: [say('end')] }, { name: 'site', hosts: 'all', gatherFacts: false, tasks: [say('end')] });
`,
    );
  playbook('site.ts', '');
  playbook('site-more.ts', "say('new'),");

  /** Run `rig run <file> --check --json`; the report's task ids. */
  const ids = (file: string, report: string): string[] => {
    const out = path.join(dir, report);
    const r = spawnSync(process.execPath, [path.resolve('bin/rig.js'), 'run', file, '-i', 'hosts.yml', '--check', '--json', out], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { plays: { tasks: { id: string }[] }[] };
    return doc.plays.flatMap((p) => p.tasks.map((t) => t.id));
  };

  it('same ids in two processes, unique, stable when another role gains a task', () => {
    const first = ids('site.ts', 'a.json');
    const second = ids('site.ts', 'b.json');
    expect(first).toEqual(['site/one/a', 'site/one/a#2', 'site/one/blk/b', 'site/two/a', 'site/two/d', 'site/end', 'site#2/end']);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    const more = ids('site-more.ts', 'c.json');
    expect(more).toEqual(['site/one/a', 'site/one/a#2', 'site/one/blk/b', 'site/two/new', 'site/two/a', 'site/two/d', 'site/end', 'site#2/end']);
  }, 60_000);
});
