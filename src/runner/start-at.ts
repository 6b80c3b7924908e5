/**
 * `--start-at-task NAME`, as ansible-core 2.19's PlayIterator: the first task (in playbook order) whose name equals NAME
 * or matches it as a glob (fnmatch), either its own name, its role-prefixed name `role : name` or its declared id
 * (`play/role/name`, task-ids.ts: what a JSON report lists, so a run can start where a reported task is). Plays before that
 * task's play are skipped entirely (no facts gathered, as Ansible's iterator leaves them complete), the matched play
 * gathers facts and starts at the task, later plays run whole. Ansible prints an error after the run when nothing
 * matched; rig refuses before connecting, naming the closest task names.
 */
import { globToRegExp, type Playbook, type Problem } from '../core/index.ts';
import { suggest } from '../schema/suggest.ts';
import { taskName } from './execute-task.ts';
import { playItems } from './play.ts';
import { playIds } from './task-ids.ts';

/** Where the run starts: the play's index and the task's index in playItems(play). */
export interface StartAt {
  readonly play: number;
  readonly item: number;
}

/** The names a task answers to: its name, `role : name` and (`withId`) its declared id. */
function names(it: ReturnType<typeof playItems>[number], withId = true): string[] {
  if ('flush' in it) return [];
  const n = taskName(it.task);
  return [n, ...(it.scope.role ? [`${it.scope.role.name} : ${n}`] : []), ...(withId ? [it.id] : [])];
}

/** The first task matching `pattern`, or undefined. */
export function findStartAt(playbook: Playbook, pattern: string): StartAt | undefined {
  const glob = globToRegExp(pattern);
  const ids = playIds(playbook.plays);
  for (const [p, play] of playbook.plays.entries()) {
    for (const [i, it] of playItems(play, ids[p]).entries()) {
      if (names(it).some((n) => n === pattern || glob.test(n))) return { play: p, item: i };
    }
  }
  return undefined;
}

/** Problem when `pattern` matches no task: lists the closest task names (or the first few). */
export function startAtProblem(playbook: Playbook, pattern: string): Problem | undefined {
  if (findStartAt(playbook, pattern)) return undefined;
  const ids = playIds(playbook.plays);
  // ids are not suggested: every task would be listed twice
  const all = [...new Set(playbook.plays.flatMap((play, p) => playItems(play, ids[p]).flatMap((it) => names(it, false))))];
  const close = all.filter((n) => suggest(pattern, [n]) !== undefined || n.toLowerCase().includes(pattern.toLowerCase()));
  const shown = (close.length ? close : all).slice(0, 8).map((n) => `'${n}'`).join(', ');
  return {
    where: '--start-at-task',
    message: `no task named '${pattern}' in the playbook`,
    hint: all.length === 0 ? 'the playbook has no tasks' : `${close.length ? 'close names' : 'tasks include'}: ${shown} (a glob like 'install*' matches too)`,
  };
}
