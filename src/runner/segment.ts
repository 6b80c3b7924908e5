/**
 * Segments: after a task's plan on the host's real state, the tasks after it are planned on the state its changes
 * predictably leave (runner/predicted), and all of them are applied in ONE exec. A first run then costs a few execs per
 * host instead of one per changed task. Planning stops at a barrier: a task that reads what the segment's changes may
 * have altered in a way the model cannot follow, reads another host, needs an output that does not exist yet, or must
 * run on its own (loop, delegateTo, runOnce, serial, retries, other privilege, reboot, stdin, refreshFacts); a change
 * the model cannot follow (a command, a package install) ends its segment.
 */
import { argProblems, commandOutput, type Change, type ExecOutput, type Plan, type Read, type Task, type TaskResult } from '../core/index.ts';
import { applySegment, segmentable, type SegmentTask, type SegmentTaskOutcome } from './apply.ts';
import { moduleContext, planContext, resolveWhen, taskContext } from './context.ts';
import type { HostRuntime } from './host-runtime.ts';
import { pendingScript } from './pending.ts';
import { PredictedFiles, UNKNOWN } from './predicted/files.ts';
import { cachedReads, hostFiles, identityRead, isModelled, predictRead, type HostReads } from './predicted/reads.ts';
import { asRoot, execOptions, privilegeKey, privilegeOf, type Privilege } from './privilege.ts';
import { ridingReads, type ReadSpec } from './reads.ts';
import { resolveArgs } from './resolve-items.ts';
import type { RunState, TaskScope } from './run-state.ts';
import { taskName } from './task-name.ts';
import { finishResult, overrides, type Partial } from './task-result.ts';

/** A task after the current one, in the same block section and before the next handler flush: what a segment may take. */
export interface FollowingItem {
  readonly task: Task;
  readonly scope: TaskScope;
  readonly id: string;
  /** Reads of the tasks after this one, for the exec that ends a segment here (`maxTasks` upcoming tasks). */
  readonly lookahead: (rt: HostRuntime, maxTasks?: number) => readonly ReadSpec[];
}

/** One task planned ahead of the play. */
interface Planned {
  readonly item: FollowingItem;
  readonly plan: Plan<unknown>;
  /** Why it is skipped (`when` was false), instead of a plan of its own. */
  readonly skipped?: string;
}

/** How many tasks one segment plans ahead at most. */
const MAX_AHEAD = 64;
/**
 * Upcoming tasks whose reads ride on a segment's exec (the next segment plans from them; a miss costs one exec). Not
 * more: a command or package install ends most segments of a real play and what was read is read again after it, so a
 * wide window re-reads docker/consul/firewall state many times; 8 stays near the 4 tasks one exec per task re-reads.
 */
const NEXT_READS_TASKS = 8;

const EXACT_EFFECTS = new Set(['remove', 'mkdir', 'touch', 'link', 'attrs']);

/** Whether the model predicts every effect of `changes` exactly: file writes, and execs that declare only exact path
 *  effects (rig's file modules). A command or package install may touch anything: the segment ends after it. */
export function exact(changes: readonly Change[]): boolean {
  return changes.every((c) => c.kind === 'write' || (c.kind === 'exec' && c.stdin === undefined && (c.effects?.length ?? 0) > 0 && c.effects!.every((e) => EXACT_EFFECTS.has(e.op))));
}

/** Options that make a task run on its own, as the play reaches it. */
function standsAlone(task: Task): boolean {
  const o = task.options;
  return o.delegateTo !== undefined || o.runOnce === true || o.serial !== undefined || o.loop !== undefined || o.retries !== undefined || o.until !== undefined;
}

/** A task whose status its own output decides: nothing after it in the segment (a failedWhen must stop the rest). */
export function endsSegment(task: Task): boolean {
  return task.options.changedWhen !== undefined || task.options.failedWhen !== undefined;
}

/** The first task of a segment: its plan on the host's real state, and the privilege its changes run with. */
export interface SegmentHead {
  readonly task: Task;
  readonly plan: Plan<unknown>;
  readonly priv: Privilege;
}

/**
 * Plan the tasks after `head` on `rt` (synchronous: the host's variables are never seen half-planned by another host).
 * Returns the tasks a segment takes, in order; [] when `head`'s changes end it.
 */
export function planAhead(state: RunState, rt: HostRuntime, head: SegmentHead, following: readonly FollowingItem[]): Planned[] {
  if (!exact(head.plan.changes) || endsSegment(head.task) || following.length === 0) return [];
  const host = cachedReads(rt, head.priv);
  const planned: Planned[] = [];
  const saved = { ...rt.setVars };
  rt.planning = { results: new Map([[head.task.id, predicted(state, rt, head.task, 'changed', head.plan)]]), crossed: false };
  try {
    let files = applied(new PredictedFiles(), head.plan.changes, host);
    for (const item of following.slice(0, MAX_AHEAD)) {
      if (!files) break;
      const p = planOne(state, rt, item, files, host, head.priv);
      if (!p || rt.planning.crossed) break;
      planned.push(p.planned);
      files = p.files;
      const { plan } = p.planned;
      const status = p.planned.skipped !== undefined || (plan.skipped !== undefined && !plan.changes.length) ? 'skipped' : plan.changes.length ? 'changed' : 'ok';
      rt.planning.results.set(item.task.id, predicted(state, rt, item.task, status, plan, p.planned.skipped));
      if (plan.setVars) Object.assign(rt.setVars, plan.setVars);
      if (endsSegment(item.task) || !exact(plan.changes)) break;
    }
  } finally {
    for (const k of Object.keys(rt.setVars)) delete rt.setVars[k];
    Object.assign(rt.setVars, saved);
    rt.planning = undefined;
  }
  return planned;
}

/** `files` after `changes`, or undefined when the model cannot say (a read it needs was not fetched, a failure). */
function applied(files: PredictedFiles, changes: readonly Change[], host: HostReads): PredictedFiles | undefined {
  if (!changes.length) return files;
  try {
    const next = files.apply(changes, hostFiles(host), host(identityRead));
    return 'failed' in next ? undefined : next;
  } catch {
    return undefined;
  }
}

/** What a later task's `ctx.result` sees of a task planned ahead: what its run will report as its plan already says
 *  (status, msg, changes, diff); its output does not exist yet (reading it is a barrier, context.ts outputNotRun). */
function predicted(state: RunState, rt: HostRuntime, task: Task, status: TaskResult['status'], plan: Plan<unknown>, skipped?: string): TaskResult {
  const base = { host: rt.host.name, task: taskName(task), definedAt: task.definedAt, durationMs: 0, execs: 0, status };
  if (skipped !== undefined) return { ...base, msg: skipped };
  if (status === 'skipped') return { ...base, msg: plan.skipped };
  if (status === 'changed') return { ...base, predicted: true, msg: plan.msg, diff: state.options.diff ? plan.diff : undefined, changes: plan.changes.map((c) => c.description) };
  return { ...base, msg: plan.msg, output: plan.output, ...(plan.show ? { show: plan.show } : {}) };
}

/** Whether some host of the run is the controller itself (ansible_connection: local): its tasks may change the
 *  controller's files, which plans read (copy's src, templates). */
function controllerShared(state: RunState): boolean {
  return state.inventory.hosts.some((h) => h.connection === 'local');
}

/** A predicted file state whose owner or group is known by one form only (a chown by name the host never reported the
 *  id of): a module comparing the other form would see a difference the host does not have. */
function halfKnown(v: unknown): boolean {
  const s = v as { exists?: unknown; uid?: unknown; gid?: unknown; owner?: unknown; group?: unknown } | null;
  return s !== null && typeof s === 'object' && s.exists === true && (Number.isNaN(s.uid) || Number.isNaN(s.gid) || s.owner === '' || s.group === '');
}

/** Plan one following task on the predicted state; undefined at a barrier (the play runs it as it reaches it). */
function planOne(state: RunState, rt: HostRuntime, item: FollowingItem, files: PredictedFiles, host: HostReads, priv: Privilege): { planned: Planned; files: PredictedFiles } | undefined {
  const { task, scope } = item;
  if (standsAlone(task) || privilegeKey(privilegeOf(task, scope, rt)) !== privilegeKey(priv)) return undefined;
  try {
    const ctx = taskContext(state, rt, scope, undefined);
    if (task.options.when !== undefined && !resolveWhen(task.options.when, ctx, task.options.loop !== undefined)) return { planned: { item, plan: { changes: [] }, skipped: 'conditional result was false' }, files };
    const args = resolveArgs(state, rt, task, scope, undefined, -1);
    if (argProblems(task.module, args).length) return undefined;
    const mctx = moduleContext(state, rt, ctx);
    const probed: Record<string, unknown> = {};
    for (const [k, r] of Object.entries(task.module.probe(args, mctx) as Record<string, Read<unknown>>)) {
      // a fact that does not say which paths it reads may see anything the segment changed
      if (r.volatile || (!isModelled(r) && !(r.fact as { paths?: unknown }).paths)) return undefined;
      const v = predictRead(files, r, () => host(r), host);
      if (v === UNKNOWN || halfKnown(v)) return undefined;
      probed[k] = v;
    }
    const pctx = planContext(mctx);
    // a controller file a task of another host (a local one) may still change before the lockstep reaches this task
    const local = (): never => rt.crossing('', 'a controller file') as never;
    const plan = task.module.plan(args, probed, controllerShared(state) ? { ...pctx, readLocalFile: local, render: local } : pctx);
    if (plan.failed !== undefined || plan.refreshFacts || !segmentable(plan.changes)) return undefined;
    // a notification recorded by root or the login user goes in the task's own frame; another user's needs an exec first
    if (plan.changes.length && task.options.notify?.length && priv.become && priv.becomeUser !== 'root') return undefined;
    const next = applied(files, plan.changes, host);
    return next ? { planned: { item, plan }, files: next } : undefined;
  } catch {
    // NotYetRun, OutputNotRun, AheadBarrier, a read not fetched, bad input: the play meets it when it gets there
    return undefined;
  }
}

/** What the head task's apply produced, in applyChanges' shape. */
export interface HeadOutcome {
  readonly last?: ExecOutput;
  readonly failed?: string;
  readonly commands: readonly string[];
}

/** Inputs of `runSegment` the head task's execution already has. */
export interface SegmentRun {
  readonly state: RunState;
  readonly head: SegmentHead;
  /** Handler names recorded on the host after the head's frame runs, when its prefix records them. */
  readonly pending: readonly string[];
  readonly inline: boolean;
  readonly log?: (line: string) => void;
  /** The head's own reads for after the exec, when nothing was planned ahead. */
  readonly headReads: () => readonly ReadSpec[];
  /** A handler's name: drop it from the host's pending record in the same exec once its changes succeeded (when the
   *  record is in the one place this exec's privilege writes). */
  readonly clears?: string;
}

/**
 * Apply the head task and the tasks planned after it in one exec; store the later tasks' results in `rt.ahead` for
 * the play to report as it reaches them; fill the read cache with the next tasks' reads. Returns the head's outcome.
 * Rejects only with UnreachableError.
 */
export async function runSegment(run: SegmentRun, rt: HostRuntime, ahead: readonly Planned[]): Promise<HeadOutcome> {
  const { state, head } = run;
  const root = asRoot(head.priv, rt);
  let pending = run.inline ? run.pending : rt.persistedPending;
  const frames: { task: SegmentTask; pending: readonly string[]; at: number }[] = [
    { task: { changes: head.plan.changes, ...shownAs(head.task), ...(run.inline ? { prefix: pendingScript(run.pending, root, rt.host.name).text } : {}) }, pending, at: -1 },
  ];
  for (const [at, p] of ahead.entries()) {
    if (!p.plan.changes.length) continue;
    const names = (p.item.task.options.notify ?? []).map((h) => h.name).filter((n) => !pending.includes(n));
    pending = names.length ? [...pending, ...names] : pending;
    frames.push({ task: { changes: p.plan.changes, ...shownAs(p.item.task), ...(names.length ? { prefix: pendingScript(pending, root, rt.host.name).text } : {}) }, pending, at });
  }
  const rest = run.clears !== undefined ? pending.filter((n) => n !== run.clears) : pending;
  const clearing = rest !== pending && !ahead.length && rt.pendingPlaces.size === 1 && rt.pendingPlaces.has(root) && !endsSegment(head.task);
  if (clearing) frames.push({ task: { changes: [], name: 'pending handlers', prefix: pendingScript(rest, root, rt.host.name).text }, pending: rest, at: -2 });
  const last = ahead.at(-1);
  const riding = ridingReads(last ? last.item.lookahead(rt, NEXT_READS_TASKS) : run.headReads(), head.priv);
  const out = await applySegment(
    rt.conn!,
    frames.map((f) => f.task),
    { ...execOptions(head.priv), reads: riding.commands, log: run.log, onWait: rt.onWait },
  );
  rt.invalidate();
  if (out.reads) riding.store(rt, out.reads);
  // the records written are those of every frame that started
  const started = frames.filter((_, i) => out.tasks[i] !== undefined);
  const recorded = started.at(-1)?.pending;
  if (recorded && recorded !== rt.persistedPending) {
    rt.persistedPending = recorded;
    if (recorded.length) rt.pendingPlaces.add(root);
    else rt.pendingPlaces.delete(root);
  }
  storeAhead(state, rt, ahead, frames, out.tasks);
  const h = out.tasks[0];
  return { last: h?.output, failed: h?.failed, commands: h?.commands ?? [] };
}

const shownAs = (task: Task) => ({ name: taskName(task), ...(task.options.noLog ? { noLog: true } : {}) });

/** The results of the tasks planned ahead that ran (up to the first failure), for the play to report. */
function storeAhead(state: RunState, rt: HostRuntime, ahead: readonly Planned[], frames: readonly { at: number }[], outcomes: readonly SegmentTaskOutcome[]): void {
  const frameOf = new Map(frames.map((f, i) => [f.at, outcomes[i]]));
  if (outcomes[0] === undefined || outcomes[0].failed) return;
  for (const [at, p] of ahead.entries()) {
    const o = frameOf.get(at);
    if (p.plan.changes.length && o === undefined) return;
    const owner = { state, task: p.item.task, scope: p.item.scope };
    const diff = state.options.diff ? p.plan.diff : undefined;
    const changes = p.plan.changes.map((c) => c.description);
    let r: Partial;
    if (p.skipped !== undefined) r = { status: 'skipped', msg: p.skipped };
    else if (!p.plan.changes.length) r = p.plan.skipped !== undefined ? { status: 'skipped', msg: p.plan.skipped } : { status: 'ok', msg: p.plan.msg, output: p.plan.output, ...(p.plan.show ? { show: p.plan.show } : {}) };
    else {
      const cmd = commandOutput(o!.output);
      const io = { stdout: cmd.stdout, stderr: cmd.stderr, stdout_lines: cmd.stdout_lines, stderr_lines: cmd.stderr_lines, rc: o!.output.code, commands: o!.commands, output: cmd };
      r = o!.failed ? { status: 'failed', msg: o!.failed, diff, changes, ...io } : { status: 'changed', msg: p.plan.msg, diff, changes, ...io };
    }
    const planned = r;
    // changedWhen/failedWhen run when the play reaches the task: they may read the results of the tasks before it
    const finish = (): TaskResult => {
      let out = planned;
      if (p.skipped === undefined) {
        try {
          out = overrides(planned, owner, rt, taskContext(state, rt, p.item.scope, undefined));
        } catch (e) {
          out = { ...planned, status: 'failed', msg: e instanceof Error ? e.message : String(e) };
        }
      }
      if (out.status === 'failed' && p.item.task.options.ignoreErrors) out = { ...out, ignored: true };
      return finishResult(owner, rt, out, { durationMs: 0, execs: 0 });
    };
    rt.ahead.set(p.item.id, { finish, setVars: p.plan.setVars ?? {} });
    if (o?.failed) return;
  }
}
