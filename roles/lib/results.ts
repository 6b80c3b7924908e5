/** Reading other hosts' registered results where "not in this run" is an answer. */
import type { Task, TaskContext } from '../../src/index.ts';

/**
 * The output `task` registered on `host`, or undefined when it did not run there (a host outside --limit) or, in check
 * mode, was only predicted (its read needs what an earlier predicted change installs, so no output exists): both mean
 * "this host's state is not known", and the cluster decisions treat such a host as one not in this run.
 */
export function knownOutput<O>(ctx: TaskContext<unknown>, task: Task<O>, host: string): O | undefined {
  const r = ctx.resultOf(task, host);
  return r === undefined || r.predicted ? undefined : r.output;
}
