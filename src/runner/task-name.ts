/** Display names of tasks, and where a task sits in a play (for messages about registered results). */
import type { Play, Task, TaskItem } from '../core/index.ts';

/** Display name of a task: its name option, or "module first-arg". */
export function taskName(task: Task): string {
  if (task.options.name) return task.options.name;
  const a = typeof task.args === 'function' ? undefined : (task.args as Record<string, unknown> | undefined);
  const main = a && Object.values(a).find((v) => typeof v === 'string');
  return main ? `${task.module.name} ${String(main)}` : task.module.name;
}

/** Whether `task` is one of the play's tasks or handlers (its roles' included, inside blocks too). */
export function inPlay(play: Play, task: Task): boolean {
  const has = (items: readonly TaskItem[]): boolean =>
    items.some((i) => (i.kind === 'task' && i.id === task.id) || (i.kind === 'block' && (has(i.tasks) || has(i.rescue) || has(i.always))));
  return has(play.tasks) || has(play.handlers) || play.roles.some((r) => has(r.tasks) || has(r.handlers));
}
