/** One task on one host: when → probe (batched) → pure plan → check? predict : apply → changedWhen/failedWhen → notify. */
import {
  argProblems,
  commandOutput,
  type ExecOutput,
  OutputNotRun,
  ValidationError,
  parseRead,
  readCommand,
  UnreachableError,
  type Diff,
  type ModuleContext,
  type Plan,
  type Read,
  type Task,
  type TaskContext,
  type TaskResult,
  type TaskStatus,
} from '../core/index.ts';
import { applyChanges, segmentable } from './apply.ts';
import { planAhead, runSegment, type FollowingItem } from './segment.ts';
import { moduleContext, planContext, resolveDynamic, resolveLoop, resolveWhen, taskContext } from './context.ts';
import type { HostRuntime } from './host-runtime.ts';
import { pendingScript } from './pending.ts';
import { earlyOutput, fetchReads, ridingReads, specsOf, type ReadSpec } from './reads.ts';
import type { RunState, TaskScope } from './run-state.ts';
import { gatherFacts } from './facts.ts';
import { resolveArgs } from './resolve-items.ts';
import { asRoot, execOptions, LOGIN, privilegeKey, privilegeOf, type Privilege } from './privilege.ts';
import { UNKNOWN } from './predicted/files.ts';
import { cachedReads, hostFiles, identityRead, isModelled, NeedRead, predictRead } from './predicted/reads.ts';
import { connectFor, tracing } from './trace-connection.ts';
import { itemLabels } from './item-label.ts';
import { taskName } from './task-name.ts';
import { asResult, finishItem, finishResult, overrides, type Partial } from './task-result.ts';
import { delegateHostProblem } from './delegate-host.ts';

export { taskName } from './task-name.ts';

/** Inputs shared by every execution of one task. */
export interface TaskRun {
  readonly state: RunState;
  readonly task: Task;
  readonly scope: TaskScope;
  /** The task's declared id (task-ids.ts): what reporters show and JSON reports key it by. */
  readonly id: string;
  /** Reads of upcoming tasks on this host, for prefetch. `maxTasks`: how many upcoming tasks (default all); `fromItem`:
   *  the current loop task's next item (its earlier items are done). */
  readonly lookahead: (rt: HostRuntime, maxTasks?: number, fromItem?: number) => readonly ReadSpec[];
  /** The tasks after this one a segment may apply in the same exec (segment.ts); none: this task's exec is its own. */
  readonly following?: readonly FollowingItem[];
  /** For a handler: its name, dropped from the host's pending record in the exec that runs it (segment.ts). */
  readonly clears?: string;
}

/** Upcoming tasks whose reads ride along in an apply exec (a miss later prefetches the rest in one exec). */
const APPLY_LOOKAHEAD_TASKS = 4;


const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Run `run.task` on one host (all loop items, retries) and return its result. Never throws except for bugs. */
export async function executeTask(run: TaskRun, rt: HostRuntime): Promise<TaskResult> {
  const started = Date.now();
  const execs0 = rt.execs;
  const finish = (p: Partial): TaskResult => finishResult(run, rt, p, { durationMs: Date.now() - started, execs: rt.execs - execs0 });
  try {
    const ctx0 = taskContext(run.state, rt, run.scope, undefined);
    const { when, checkMode, loop } = run.task.options;
    if (when !== undefined && !resolveWhen(when, ctx0, loop !== undefined)) return finish({ status: 'skipped', msg: 'conditional result was false' });
    if (run.state.options.check && checkMode === 'skip') return finish({ status: 'skipped', msg: 'skipped in check mode' });
    if (loop === undefined) return finish(await withRetries(run, rt, undefined, -1));
    const loopItems = resolveLoop(loop, ctx0);
    // every label before the first item changes anything (a bad one fails the task with nothing done)
    const labels = itemLabels(run.task, loopItems.map((item) => taskContext(run.state, rt, run.scope, item)));
    const items: TaskResult[] = [];
    for (const [index, item] of loopItems.entries()) {
      const at = { started: Date.now(), execs: rt.execs };
      const r = await withRetries(run, rt, item, index);
      items.push(finishItem({ ...r, item, label: labels[index] as string }, rt, run, { durationMs: Date.now() - at.started, execs: rt.execs - at.execs }));
      if (r.status === 'unreachable') return finish(r);
    }
    return finish(aggregate(items));
  } catch (e) {
    if (e instanceof UnreachableError) return finish({ status: 'unreachable', msg: e.message });
    if (e instanceof OutputNotRun) {
      if (run.task.module.setsVars) rt.varsNotSet ??= { taskId: e.taskId, taskName: e.taskName };
      return finish(unpredictable(run, rt, undefined, e.message));
    }
    return finish({ status: 'failed', msg: message(e), ...(run.task.options.ignoreErrors && !(e instanceof ValidationError) ? { ignored: true } : {}) });
  }
}

function aggregate(items: readonly TaskResult[]): Partial {
  const via = items[0]?.delegatedTo;
  const delegated = via !== undefined && items.every((i) => i.delegatedTo === via) ? { delegatedTo: via } : {};
  return { ...statusOf(items), ...delegated };
}

function statusOf(items: readonly TaskResult[]): Partial {
  const by = (s: TaskStatus) => items.filter((i) => i.status === s && !i.ignored);
  const ignored = items.find((i) => i.status === 'failed' && i.ignored);
  // an item that failed with ignoreErrors makes the task failed-and-ignored, as Ansible counts it (recap: ignored=1)
  if (!by('failed').length && ignored) {
    return { status: 'failed', ignored: true, items, predicted: items.some((i) => i.predicted) || undefined, diff: items.flatMap((i) => i.diff ?? []), changes: items.flatMap((i) => i.changes ?? []), msg: ignored.msg };
  }
  // no items: skipped, as Ansible's "No items in the list"
  if (items.length === 0) return { status: 'skipped', items, msg: 'no items in the loop' };
  const status: TaskStatus = by('failed').length ? 'failed' : by('changed').length ? 'changed' : items.every((i) => i.status === 'skipped') ? 'skipped' : 'ok';
  return {
    status,
    items,
    predicted: items.some((i) => i.predicted) || undefined,
    diff: items.flatMap((i) => i.diff ?? []),
    changes: items.flatMap((i) => i.changes ?? []),
    msg: by('failed')[0]?.msg,
  };
}

async function withRetries(run: TaskRun, rt: HostRuntime, item: unknown, index: number): Promise<Partial> {
  // Ansible: `until` without `retries` retries 3 times
  const { until, delay = 5 } = run.task.options;
  const retries = run.task.options.retries ?? (until ? 3 : 0);
  let r = await once(run, rt, item, index);
  for (let attempt = 1; attempt <= retries; attempt++) {
    const ctx = taskContext(run.state, rt, run.scope, item);
    const done = until ? until(asResult(r, rt, run), ctx) : r.status !== 'failed';
    if (done || r.status === 'unreachable') return r;
    await new Promise((res) => setTimeout(res, delay * 1000));
    rt.invalidate();
    r = await once(run, rt, item, index);
  }
  if (retries > 0 && until && !until(asResult(r, rt, run), taskContext(run.state, rt, run.scope, item))) {
    return {
      ...r,
      status: 'failed',
      msg: `still not true after ${retries} retries${r.msg ? `: ${r.msg}` : ''}`,
      ...(r.status === 'changed' ? { changed: true } : {}),
      ...(run.task.options.ignoreErrors ? { ignored: true } : {}),
    };
  }
  return r;
}


/** One attempt for one item; ignoreErrors covers every failure of the module (bad args, probe, plan, apply). */
async function once(run: TaskRun, rt: HostRuntime, item: unknown, index: number): Promise<Partial> {
  const r = await attempt(run, rt, item, index);
  return r.status === 'failed' && run.task.options.ignoreErrors && !r.ignored ? { ...r, ignored: true } : r;
}

async function attempt(run: TaskRun, rt: HostRuntime, item: unknown, index: number): Promise<Partial> {
  const { state, task, scope } = run;
  const ctx = taskContext(state, rt, scope, item);
  const args = resolveArgs(state, rt, task, scope, item, index);
  const problems = argProblems(task.module, args);
  if (problems.length) return { status: 'failed', msg: `invalid ${task.module.name} args: ${problems.join('; ')}` };

  const target = await delegateTarget(run, rt, ctx);
  const r = await attemptOn(run, rt, target, ctx, args, index);
  // shown as Ansible's `ok: [web1 -> db1]`
  return target === rt ? r : { ...r, delegatedTo: target.host.name };
}

async function attemptOn(run: TaskRun, rt: HostRuntime, target: HostRuntime, ctx: TaskContext<unknown>, args: unknown, index: number): Promise<Partial> {
  const { state, task, scope } = run;
  const opts = state.options;
  // noLog: neither its commands nor their output in -vvv's lines
  const log = tracing(opts) && !task.options.noLog ? (l: string) => opts.reporter.onLog?.(rt.host.name, l) : undefined;
  const priv = privilegeOf(task, scope, rt);
  const mctx: ModuleContext = moduleContext(state, rt, ctx);
  const reads = Object.entries(task.module.probe(args, mctx) as Record<string, Read<unknown>>);
  // a wait already satisfied when this host's last change was applied needs no exec
  const early = reads.map(([, r]) => earlyOutput(target, r, priv));
  const toFetch = reads.filter((_, i) => early[i] === undefined);
  // delegated: the delegate's cached reads (its first exec reads for the others too, delegated-reads.ts) only if no host
  // changed anything since they were read — a node joining changes what the manager answers
  const fresh = target !== rt && !target.cache.current;
  const fetched = toFetch.length ? await fetchReads(target, specsOf(toFetch.map(([, r]) => r), priv), () => run.lookahead(target, undefined, index + 1), { log, onWait: rt.onWait, fresh }) : [];
  const outs = early.map((e) => e ?? fetched.shift());
  const probed: Record<string, unknown> = {};
  // check mode: what earlier predicted changes did to the paths this task reads (not for checkMode 'always' tasks,
  // which change the real host from its real state)
  const predicting = opts.check === true && task.options.checkMode !== 'always';
  const hostReads = cachedReads(target, priv);
  // every read answered by the predicted filesystem: a failure is the real run's failure, not an artefact of prediction
  const modelled = predicting && reads.length > 0 && reads.every(([, r]) => isModelled(r));
  const withReads = <T>(f: () => T) => withHostReads(target, priv, log, f);
  try {
    const host = (i: number) => parseRead(reads[i]![1], outs[i] as NonNullable<(typeof outs)[number]>);
    if (predicting && !target.predicted.empty) {
      for (const [i, [k, r]] of reads.entries()) probed[k] = await withReads(() => predictRead(target.predicted, r, () => host(i), hostReads));
      const unknown = reads.find(([k]) => probed[k] === UNKNOWN);
      if (unknown) return unpredictable(run, rt, `${unknown[1].fact.name} ${JSON.stringify(unknown[1].arg)}`);
    } else reads.forEach(([k], i) => (probed[k] = host(i)));
  } catch (e) {
    // A probe of a world the predicted changes have not created yet is itself a prediction.
    return (modelled ? undefined : afterPrediction(run, rt, `probe failed: ${message(e)}`)) ?? { status: 'failed', msg: `probe failed: ${message(e)}` };
  }

  const pctx = planContext(mctx);
  let plan: Plan<unknown>;
  try {
    plan = task.module.plan(args, probed, pctx);
  } catch (e) {
    plan = { changes: [], failed: message(e) };
  }
  rt.lastSetVars = plan.setVars ?? {};
  if (plan.setVars) {
    Object.assign(rt.setVars, plan.setVars);
  }
  const diff: readonly Diff[] | undefined = opts.diff ? plan.diff : undefined;
  const changes = plan.changes.map((c) => c.description);
  if (plan.failed) {
    // e.g. blockinfile on a file an earlier task was only predicted to create
    return (modelled ? undefined : afterPrediction(run, rt, plan.failed)) ?? { status: 'failed', msg: plan.failed, diff };
  }
  if (plan.skipped !== undefined && plan.changes.length === 0) return { status: 'skipped', msg: plan.skipped };
  let r: Partial;
  if (plan.changes.length === 0) {
    if (plan.refreshFacts) {
      target.facts = await gatherFacts(target);
      target.invalidate();
    }
    r = { status: 'ok', msg: plan.msg, output: plan.output, ...(plan.show ? { show: plan.show } : {}) };
  } else if (predicting) {
    rt.predictedChange = true;
    const next = await withReads(() => target.predicted.apply(plan.changes, hostFiles(hostReads), hostReads(identityRead)));
    if ('failed' in next) r = { status: 'failed', predicted: true, msg: next.failed, diff, changes };
    else {
      target.predicted = next;
      r = { status: 'changed', predicted: true, msg: plan.msg, diff, changes, output: plan.output };
    }
  } else {
    const notify = (task.options.notify ?? []).map((h) => h.name);
    const pending = [...new Set([...rt.persistedPending, ...notify])];
    const persist = notify.some((n) => !rt.persistedPending.includes(n));
    // the record goes where the facts script reads it: /var/lib/rig when the change runs as root, the login user's
    // home when it runs as the login user, in the change's own exec; as another user (or delegated) in an exec before it
    const inline = persist && target === rt && (!priv.become || priv.becomeUser === 'root');
    if (persist && !inline) await persistPending(rt, pending, LOGIN);
    // only the next few tasks: re-reading the whole rest of the play after every change made a first run O(tasks²)
    const headReads = () => (target === rt && !plan.refreshFacts ? run.lookahead(rt, APPLY_LOOKAHEAD_TASKS, index + 1) : []);
    let applied: { last?: ExecOutput; failed?: string; commands: readonly string[]; rebooted?: boolean };
    if (target === rt && !plan.refreshFacts && segmentable(plan.changes)) {
      // this task and the ones after it that plan on the state it leaves: one exec (segment.ts)
      const head = { task, plan, priv };
      const ahead = index === -1 && run.following && task.options.retries === undefined && task.options.until === undefined ? planAhead(state, rt, head, run.following) : [];
      applied = await runSegment({ state, head, pending, inline, log, headReads, ...(run.clears !== undefined ? { clears: run.clears } : {}) }, rt, ahead);
    } else {
      const riding = ridingReads(headReads(), priv);
      const out = await applyChanges(target.conn!, plan.changes, {
        reads: riding.commands,
        ...execOptions(priv),
        prefix: inline ? pendingScript(pending, asRoot(priv, rt), rt.host.name).text : undefined,
        log,
        noLog: task.options.noLog === true,
        rebootSettleSec: opts.rebootSettleSec ?? 5,
        onWait: rt.onWait,
      });
      target.invalidate();
      if (out.reads && !out.rebooted) riding.store(target, out.reads);
      if (inline) {
        rt.persistedPending = pending;
        rt.pendingPlaces.add(asRoot(priv, rt));
      }
      applied = out;
    }
    const last = applied.last;
    // registered as Ansible registers a command: trailing newlines stripped, and the lines
    const out = last ? commandOutput(last) : undefined;
    const io = { ...(out && { stdout: out.stdout, stderr: out.stderr, stdout_lines: out.stdout_lines, stderr_lines: out.stderr_lines }), rc: last?.code, commands: applied.commands, output: out ?? plan.output };
    if (applied.rebooted || plan.refreshFacts) target.facts = await gatherFacts(target);
    r = applied.failed
      ? (afterPrediction(run, rt, applied.failed) ?? { status: 'failed', msg: applied.failed, diff, changes, ...io })
      : { status: 'changed', msg: plan.msg, diff, changes, ...io };
  }
  return overrides(r, run, rt, ctx);
}

/**
 * Check mode: a failure on a host where earlier changes were only predicted may just mean the predicted world does not
 * exist yet (docker not installed, so `docker info` fails). That is a prediction, not a failure: "ok" for tasks that
 * cannot change anything, "changed" for the rest (the real run will do the work).
 */
function afterPrediction(run: TaskRun, rt: HostRuntime, why: string): Partial | undefined {
  if (!run.state.options.check || !rt.predictedChange) return undefined;
  const readOnly = run.task.module.readOnly || run.task.options.changedWhen === false;
  return readOnly
    ? { status: 'ok', predicted: true, msg: `ok (predicted): could not run before the predicted changes: ${why}` }
    : { status: 'changed', predicted: true, msg: `changed (predicted): ${why}` };
}

/** Check mode: the task reads what an opaque predicted change may have touched; say what the real run may do. */
function unpredictable(run: TaskRun, rt: HostRuntime, what: string | undefined, why = `reads ${what}, which an earlier predicted change may alter`): Partial {
  const readOnly = run.task.module.readOnly || run.task.options.changedWhen === false;
  rt.predictedChange = true;
  return readOnly ? { status: 'ok', predicted: true, msg: `ok (predicted): ${why}` } : { status: 'changed', predicted: true, msg: `changed (predicted): ${why}` };
}

/** Write the pending-handler record in an exec of its own (a change that runs as another user could not place it). */
async function persistPending(rt: HostRuntime, pending: readonly string[], priv: Privilege): Promise<void> {
  const root = asRoot(priv, rt);
  const out = await rt.conn!.exec(pendingScript(pending, root, rt.host.name).text, execOptions(priv));
  if (out.code !== 0) throw new Error(`cannot record the notified handlers on the host: ${out.stderr.trim()}`);
  rt.persistedPending = pending;
  rt.pendingPlaces.add(root);
}

/** Run `f`, fetching the host reads it asks for (one exec each round) until it has what it needs. */
async function withHostReads<T>(rt: HostRuntime, privilege: Privilege, log: ((l: string) => void) | undefined, f: () => T): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof NeedRead) || round >= 16) throw e;
      await fetchReads(rt, specsOf([e.read], privilege), () => [], { log });
    }
  }
}

async function delegateTarget(run: TaskRun, rt: HostRuntime, ctx: TaskContext<unknown>): Promise<HostRuntime> {
  const d = run.task.options.delegateTo;
  if (d === undefined) return rt;
  const name = resolveDynamic(d, ctx);
  const bad = delegateHostProblem(name, run.state.inventory, run.task.definedAt);
  if (bad) throw new ValidationError(bad);
  const host = run.state.inventory.host(name)!;
  const target = run.state.runtime(host);
  if (!target.conn) target.conn = await connectFor(run.state.options, target);
  return target;
}
