/** One entry of a play's run order. */
import type { Task } from '../core/index.ts';
import type { TaskScope } from './run-state.ts';

/** A task with the scope it runs in, or a flush marker. */
export type PlanItem = { readonly task: Task; readonly scope: TaskScope } | { readonly flush: true };
