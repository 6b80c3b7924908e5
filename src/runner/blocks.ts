/** Blocks in the linear run order: flattening with the options a block passes on, and each host's block/rescue/always state. */
import type { BlockOptions, Task, TaskContext, TaskItem } from '../core/index.ts';
import type { HostRuntime } from './host-runtime.ts';
import type { BlockStep, PlanItem } from './plan-item.ts';
import type { RunState, TaskScope } from './run-state.ts';
import { childId, SiblingNames } from './task-ids.ts';
import { taskName } from './task-name.ts';

/** Where a task list sits: `block` is the prefix of block ids (internal), `id` the declared id of the list (task-ids.ts). */
export interface ListPath {
  readonly block: string;
  readonly id: string;
}

/** `items` in run order, blocks flattened; block ids are their paths in the task tree (`prefix/2/rescue/0`), each task
 *  gets its declared id (`list id/name`, numbered among same-named siblings; a block's tasks sit under its name). */
export function flattenItems(items: readonly TaskItem[], scope: TaskScope, at: ListPath, path: readonly BlockStep[] = [], inherit?: BlockOptions): PlanItem[] {
  const out: PlanItem[] = [];
  const blocks = path.length ? { blocks: path } : {};
  const names = new SiblingNames();
  for (const [i, t] of items.entries()) {
    if (t.kind === 'flush') out.push({ flush: true, ...blocks });
    else if (t.kind === 'task') out.push({ task: inherit ? passOn(t, inherit) : t, scope, id: childId(at.id, names.next(taskName(t))), ...blocks });
    else {
      const id = `${at.block}/${i}`;
      const declared = childId(at.id, names.next(t.name ?? 'block'));
      const o = inherit ? combine(inherit, t.options) : t.options;
      for (const section of ['tasks', 'rescue', 'always'] as const) {
        const list = { block: `${id}/${section}`, id: section === 'tasks' ? declared : childId(declared, section) };
        out.push(...flattenItems(t[section], scope, list, [...path, { id, section }], o));
      }
    }
  }
  return out;
}

const both = (a: BlockOptions['when'], b: BlockOptions['when']): BlockOptions['when'] => {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return (ctx: TaskContext<unknown>) => resolve(a, ctx) && resolve(b, ctx);
};
const resolve = (w: NonNullable<BlockOptions['when']>, ctx: TaskContext<unknown>): boolean => (typeof w === 'function' ? w(ctx) : w);

function combine(outer: BlockOptions, inner: BlockOptions): BlockOptions {
  const when = both(outer.when, inner.when);
  const become = inner.become ?? outer.become;
  const becomeUser = inner.becomeUser ?? outer.becomeUser;
  const tags = [...new Set([...(outer.tags ?? []), ...(inner.tags ?? [])])];
  return { ...(when !== undefined ? { when } : {}), ...(become !== undefined ? { become } : {}), ...(becomeUser !== undefined ? { becomeUser } : {}), ...(tags.length ? { tags } : {}) };
}

/** The task with its block's options (same id: registered results stay shared). */
function passOn(task: Task, o: BlockOptions): Task {
  const when = both(o.when, task.options.when as BlockOptions['when']);
  const tags = [...new Set([...(o.tags ?? []), ...(task.options.tags ?? [])])];
  return {
    ...task,
    options: {
      ...task.options,
      ...(when !== undefined ? { when } : {}),
      ...(task.options.become === undefined && o.become !== undefined ? { become: o.become } : {}),
      ...(task.options.becomeUser === undefined && o.becomeUser !== undefined ? { becomeUser: o.becomeUser } : {}),
      ...(tags.length ? { tags } : {}),
    },
  };
}

/** Where a host stands in one block: failed in its tasks, in its rescue, rescued, or failed in rescue/always. */
type Standing = 'failed' | 'rescuing' | 'rescued' | 'rescue-failed' | 'always-failed';

const failedIn = (section: BlockStep['section']): Standing => (section === 'tasks' ? 'failed' : section === 'rescue' ? 'rescue-failed' : 'always-failed');

/**
 * Per play batch: as the run order enters and leaves blocks and their sections, hosts that failed inside a block are
 * taken back in for its rescue and always sections, a completed rescue clears the failure (recap: rescued), and a
 * failure nothing rescued is the enclosing block's (or the play's) when the block ends.
 */
export class BlockRun {
  private prev: readonly BlockStep[] = [];
  private readonly entered = new Map<string, Set<HostRuntime>>();
  private readonly standing = new Map<HostRuntime, Map<string, Standing>>();

  constructor(private readonly state: RunState) {}

  /** Call before each item (with its blocks) and with [] after the last one. */
  advance(next: readonly BlockStep[], rts: readonly HostRuntime[]): void {
    let k = 0;
    while (k < this.prev.length && k < next.length && this.prev[k]!.id === next[k]!.id && this.prev[k]!.section === next[k]!.section) k++;
    for (let j = this.prev.length - 1; j >= k; j--) {
      const step = this.prev[j]!;
      if (step.section === 'rescue') this.rescueDone(step.id, rts);
      if (next[j]?.id !== step.id) this.exit(step.id, this.prev.slice(0, j), rts);
    }
    for (let j = k; j < next.length; j++) this.enter(next[j]!, rts);
    this.prev = next;
  }

  /** Whether `rt` runs an item inside `blocks`: a rescue section only on hosts that failed in that block. */
  runs(rt: HostRuntime, blocks: readonly BlockStep[] | undefined): boolean {
    return (blocks ?? []).every((s) => s.section !== 'rescue' || this.get(rt, s.id) === 'rescuing');
  }

  /** A task on an item inside `blocks` failed on `rt` (not ignored). */
  failed(rt: HostRuntime, blocks: readonly BlockStep[] | undefined): void {
    const inner = blocks?.at(-1);
    if (inner) this.set(rt, inner.id, failedIn(inner.section));
  }

  private get(rt: HostRuntime, id: string): Standing | undefined {
    return this.standing.get(rt)?.get(id);
  }

  private set(rt: HostRuntime, id: string, s: Standing | undefined): void {
    let m = this.standing.get(rt);
    if (!m) this.standing.set(rt, (m = new Map()));
    if (s === undefined) m.delete(id);
    else m.set(id, s);
  }

  private enter(step: BlockStep, rts: readonly HostRuntime[]): void {
    if (!this.entered.has(step.id)) this.entered.set(step.id, new Set(rts.filter((rt) => rt.active)));
    for (const rt of this.entered.get(step.id) ?? []) {
      if (rt.unreachable) continue;
      const s = this.get(rt, step.id);
      if (step.section === 'rescue' && s === 'failed') {
        rt.failed = false;
        this.set(rt, step.id, 'rescuing');
        // as Ansible counts it: the failure is rescued once rescue runs (a failing rescue task is a failure of its own)
        const recap = this.state.recapOf(rt.host.name);
        recap.failed -= 1;
        recap.rescued += 1;
      }
      // always runs for every host that entered, also one whose failure nothing rescued (it fails again at the end)
      if (step.section === 'always' && (s === 'failed' || s === 'rescue-failed')) rt.failed = false;
    }
  }

  private rescueDone(id: string, rts: readonly HostRuntime[]): void {
    for (const rt of rts) {
      if (this.get(rt, id) !== 'rescuing' || !rt.active) continue;
      this.set(rt, id, 'rescued');
    }
  }

  private exit(id: string, outer: readonly BlockStep[], rts: readonly HostRuntime[]): void {
    for (const rt of rts) {
      const s = this.get(rt, id);
      this.set(rt, id, undefined);
      if (s === 'failed' || s === 'rescue-failed' || s === 'always-failed' || (s === 'rescuing' && !rt.active)) {
        rt.failed = true;
        this.failed(rt, outer);
      }
    }
    this.entered.delete(id);
  }
}
