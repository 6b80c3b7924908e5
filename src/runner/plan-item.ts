/** One entry of a play's run order. */
import type { Task } from '../core/index.ts';
import type { TaskScope } from './run-state.ts';

/** Where a task sits in a block: the block's id (its path in the task tree) and the section. */
export interface BlockStep {
  readonly id: string;
  readonly section: 'tasks' | 'rescue' | 'always';
}

/** A task with the scope it runs in, its declared id (task-ids.ts) and the blocks around it (outermost first), or a
 *  flush marker. */
export type PlanItem =
  | { readonly task: Task; readonly scope: TaskScope; readonly id: string; readonly blocks?: readonly BlockStep[] }
  | { readonly flush: true; readonly blocks?: readonly BlockStep[] };
