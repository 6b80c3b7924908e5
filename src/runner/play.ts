/** Run one play: serial batches, linear task order, hosts in parallel, handler flushes. */
import { identityRead, isModelled, modelPaths, statReads } from './predicted/reads.ts';
import { createLimiter } from '../connection/index.ts';
import { argProblems, NotYetRun, UnreachableError, ValidationError, type ExecOutput, type Read, type Handler, type Play, type Task, type TaskInfo, type TaskResult } from '../core/index.ts';
import { moduleContext, resolveDynamic } from './context.ts';
import { loadGuesses, saveGuesses, withGuesses, type DeclaredTask } from './guesses.ts';
import { resolveCalls, type ResolvedCall } from './resolve-items.ts';
import { executeTask, taskName, type TaskRun } from './execute-task.ts';
import { asRoot, execOptions, LOGIN, playPrivilege, privilegeKey, privilegeOf, type Privilege } from './privilege.ts';
import { hostFacts } from '../facts/host.ts';
import { pendingRecords } from '../facts/pending.ts';
import { cachedFacts, saveFacts } from './fact-cache.ts';
import type { HostRuntime } from './host-runtime.ts';
import { cacheKey, prefetchSpecsOf, runBatch, type ReadSpec } from './reads.ts';
import type { RunState, TaskScope } from './run-state.ts';
import { serialBatches } from './serial.ts';
import { selectedByTags } from './tags.ts';
import { preflight } from './preflight.ts';
import type { PlanItem } from './plan-item.ts';
import { pendingScript } from './pending.ts';
import { pendingOf } from '../core/pending-records.ts';
import type { FollowingItem } from './segment.ts';
import { BlockRun, flattenItems } from './blocks.ts';
import { childId, idSegment, SiblingNames, uniqueIds } from './task-ids.ts';
import { connectFor } from './trace-connection.ts';
import { delegatedReads } from './delegated-reads.ts';


/** The play's tasks in run order (role tasks, then play tasks; blocks flattened, see blocks.ts) and its handlers in
 *  definition order, each with its declared id under `playId` (task-ids.ts; default: the play's name). */
export function playTree(play: Play, playId = idSegment(play.name)): { items: PlanItem[]; handlers: { handler: Handler; scope: TaskScope; id: string }[] } {
  const roles = new SiblingNames();
  const roleIds = play.roles.map((role) => childId(playId, roles.next(role.name)));
  const items = [
    ...play.roles.flatMap((role, i) => flattenItems(role.tasks, { play, role }, { block: `role${i}:${role.name}`, id: roleIds[i]! })),
    ...flattenItems(play.tasks, { play }, { block: 'tasks', id: playId }),
  ];
  const handlerList = (list: readonly Handler[], scope: TaskScope, parent: string) => {
    const names = new SiblingNames();
    return list.map((handler) => ({ handler, scope, id: childId(childId(parent, 'handlers'), names.next(handler.name)) }));
  };
  const handlers = [...play.roles.flatMap((role, i) => handlerList(role.handlers, { play, role }, roleIds[i]!)), ...handlerList(play.handlers, { play }, playId)];
  const tasks = items.filter((it) => 'task' in it);
  const ids = uniqueIds([...tasks.map((it) => it.id), ...handlers.map((h) => h.id)]);
  const fixed = new Map(tasks.map((it, k) => [it, ids[k]!]));
  return {
    items: items.map((it) => ('task' in it && fixed.get(it) !== it.id ? { ...it, id: fixed.get(it)! } : it)),
    handlers: handlers.map((h, k) => ({ ...h, id: ids[tasks.length + k]! })),
  };
}

/** The play's task list in run order: role tasks, then play tasks (blocks flattened, see blocks.ts). */
export function playItems(play: Play, playId?: string): PlanItem[] {
  return playTree(play, playId).items;
}

/** Handlers in definition order with their scope and declared id. */
export function playHandlers(play: Play, playId?: string): { handler: Handler; scope: TaskScope; id: string }[] {
  return playTree(play, playId).handlers;
}

/** Static task info for reporters: `id` is the declared id (task-ids.ts). */
export function infoOf(task: Task, scope: TaskScope, id: string, handler = false): TaskInfo {
  return { id, name: taskName(task), module: task.module.name, definedAt: task.definedAt, handler, role: scope.role?.name };
}

/** A later play of the run: its tasks' reads are prefetched too, for the hosts it runs on. */
export interface LaterPlay {
  readonly items: readonly PlanItem[];
  /** Its tasks and handlers: what the first play's preflight checks for it. */
  readonly checked: readonly PlanItem[];
  readonly hosts: ReadonlySet<string>;
}

/** A play's tasks and handlers, as preflight checks them. */
export function checkedItems(play: Play, playId?: string): PlanItem[] {
  const { items, handlers } = playTree(play, playId);
  return [...items, ...handlers.map(({ handler, scope, id }) => ({ task: handler, scope, id }))];
}

/** Items of the running loop task read ahead after a change: re-reading all of them after every changed item made a
 *  loop of n changing items O(n²) (2000 items: hours); 256 keeps a long unchanged loop at a few execs. */
const LOOP_WINDOW = 256;

/**
 * Reads of the tasks after `index` (and of later plays) whose args resolve now, loop items included (for one batched
 * probe per host). A loop task at `index` contributes its items from `fromItem` on (a window of them): after item 1
 * changes something, the next items are re-read in its exec. With a finite `maxTasks` (the reads riding on a change's
 * exec), each task contributes at most that many items.
 */
function lookahead(state: RunState, items: readonly PlanItem[], index: number, later: readonly LaterPlay[]) {
  return (rt: HostRuntime, maxTasks = Number.POSITIVE_INFINITY, fromItem = 0): ReadSpec[] => {
    const out: ReadSpec[] = [];
    // per privilege: the paths whose stat the model may need (each once, however many tasks touch them)
    const model = new Map<string, { privilege: Privilege; paths: Set<string> }>();
    const upcoming = [...items.slice(Math.max(index, 0)), ...later.filter((l) => l.hosts.has(rt.host.name)).flatMap((l) => l.items)];
    let tasks = 0;
    for (const [k, it] of upcoming.entries()) {
      if ('flush' in it) continue;
      if (k === 0 && index >= 0 && it.task.options.loop === undefined) continue;
      if (tasks++ >= maxTasks) break;
      try {
        let calls: ResolvedCall[];
        let guessed = false;
        try {
          calls = resolveCalls(state, rt, it.task, it.scope);
        } catch (e) {
          if (!(e instanceof NotYetRun)) throw e;
          // last run's decision says it runs (a guess said "skipped" keeps the file reads below, as without one)
          const withLastRun = rt.guesses ? guessedCalls(state, rt, it) : undefined;
          if (withLastRun?.length) calls = withLastRun;
          else {
            // its `when` reads a result not there yet: it may well run, but it may as well be skipped (one firewall
            // backend of four): only its file reads (a batched stat), not docker/firewall/consul queries that cost
            // the host real time for nothing
            calls = resolveCalls(state, rt, it.task, it.scope, { prefetch: true });
            guessed = true;
          }
        }
        if (it.task.options.delegateTo !== undefined) calls = calls.filter((c) => delegatesTo(it.task, c, rt));
        const span = Number.isFinite(maxTasks) ? maxTasks : LOOP_WINDOW;
        const mine = k === 0 && index >= 0 ? calls.slice(fromItem, fromItem + span) : Number.isFinite(maxTasks) ? calls.slice(0, maxTasks) : calls;
        for (const { args, ctx } of mine) {
          if (argProblems(it.task.module, args).length) continue;
          const declared = Object.values(it.task.module.probe(args, moduleContext(state, rt, ctx)) as object) as Read<unknown>[];
          const reads = guessed ? declared.filter(isModelled) : declared;
          const privilege = privilegeOf(it.task, it.scope, rt);
          out.push(...prefetchSpecsOf(reads, privilege));
          const m = model.get(privilegeKey(privilege)) ?? { privilege, paths: new Set<string>() };
          model.set(privilegeKey(privilege), m);
          for (const r of reads) for (const p of modelPaths(r)) m.paths.add(p);
        }
      } catch {
        // not resolvable yet (depends on a registered result or on facts a change will refresh)
      }
    }
    // check mode and segments predict new files' owner and mode from who writes them: read once per become
    for (const { privilege, paths } of model.values()) out.push(...prefetchSpecsOf([identityRead, ...[...paths].flatMap(statReads)], privilege));
    return out;
  };
}

/** The tasks of `items` (not the handler flushes) with their declared ids. */
function declared(items: readonly PlanItem[]): DeclaredTask[] {
  return items.filter((it): it is Exclude<PlanItem, { flush: true }> => !('flush' in it));
}

/** `it`'s calls with last run's read-only outputs standing in for the results not there yet (guesses.ts); undefined
 *  when even they do not resolve it. */
function guessedCalls(state: RunState, rt: HostRuntime, it: { task: Task; scope: TaskScope }): ResolvedCall[] | undefined {
  try {
    return withGuesses(rt, () => resolveCalls(state, rt, it.task, it.scope));
  } catch {
    return undefined;
  }
}

/** Whether a delegated call runs on `rt` itself (a runOnce read of the first manager, on the first manager): its reads
 *  are that host's, served from its read cache when the play reaches it. Reads delegated to another host are not
 *  prefetched (that host's exec is not this one's). */
function delegatesTo(task: Task, call: ResolvedCall, rt: HostRuntime): boolean {
  try {
    return resolveDynamic(task.options.delegateTo, call.ctx) === rt.host.name;
  } catch {
    return false;
  }
}

/** The tasks after `index` a segment may take: up to the next handler flush, in the same block section, selected by
 *  the run's tags; none after a task that runs once or elsewhere (its results are not this host's alone). */
function followingItems(state: RunState, items: readonly PlanItem[], index: number, later: readonly LaterPlay[]): FollowingItem[] {
  const here = items[index];
  if (!here || 'flush' in here || here.task.options.runOnce || here.task.options.delegateTo !== undefined) return [];
  const section = blockPath(here.blocks);
  const out: FollowingItem[] = [];
  for (let j = index + 1; j < items.length && out.length < MAX_FOLLOWING; j++) {
    const it = items[j]!;
    if ('flush' in it || blockPath(it.blocks) !== section) break;
    if (!selectedByTags(it.task.options.tags, state.options.tags, state.options.skipTags)) continue;
    out.push({ task: it.task, scope: it.scope, id: it.id, lookahead: lookahead(state, items, j, later) });
  }
  return out;
}

/** How many tasks after the current one a segment may look at. */
const MAX_FOLLOWING = 64;

const blockPath = (blocks: PlanItem['blocks']): string => (blocks ?? []).map((b) => `${b.id}:${b.section}`).join('/');

/**
 * Connect and gather facts for hosts that need it; unreachable hosts leave the play. The facts command shares its exec
 * with the reads of every task whose args resolve without facts, so a no-op play costs one exec per host.
 */
async function prepareHosts(state: RunState, play: Play, items: readonly PlanItem[], rts: readonly HostRuntime[], later: readonly LaterPlay[]): Promise<void> {
  const limit = createLimiter(state.options.forks ?? 50);
  const handlerNames = new Set(playHandlers(play).map((h) => h.handler.name));
  const mine = declared(items);
  const laterTasks = later.map((l) => ({ hosts: l.hosts, tasks: declared(l.items) }));
  // every host's guesses first: a host's first exec also reads for the others' delegated tasks (delegated-reads.ts)
  for (const rt of rts) loadGuesses(rt, [...mine, ...laterTasks.filter((l) => l.hosts.has(rt.host.name)).flatMap((l) => l.tasks)]);
  const forOthers = delegatedReads(state, items, rts, later);
  /** The reads of the host's first exec besides its own command: its tasks', then those it makes for other hosts. */
  const firstReads = (rt: HostRuntime, privilege: Privilege): { own: ReadSpec[]; lent: ReadSpec[] } => {
    const own = lookahead(state, items, -1, later)(rt).filter((s) => privilegeKey(s.privilege) === privilegeKey(privilege) && !s.volatile);
    const keys = new Set(own.map(cacheKey));
    const lent = forOthers(rt).filter((s) => privilegeKey(s.privilege) === privilegeKey(privilege) && !keys.has(cacheKey(s)) && (keys.add(cacheKey(s)), true));
    return { own, lent };
  };
  const keep = (rt: HostRuntime, own: readonly ReadSpec[], lent: readonly ReadSpec[], reads: readonly unknown[]): void => {
    own.forEach((s, i) => rt.cache.set(cacheKey(s), reads[i] as ExecOutput));
    lent.forEach((s, i) => rt.cache.set(cacheKey(s), reads[own.length + i] as ExecOutput));
  };
  await Promise.all(
    rts.map((rt) =>
      limit(async () => {
        // the run report's timeline shows where this time went (connect, then the first exec)
        const t0 = Date.now();
        let connectMs = 0;
        const ready = () => {
          // connectMs is at least 1 (it happened): the rest may be 0, never less
          const factsMs = Math.max(0, Date.now() - t0 - connectMs);
          if (connectMs > 0 || factsMs > 0) state.options.reporter.onHostReady?.(rt.host.name, { connectMs, factsMs });
        };
        try {
          if (!rt.conn) {
            rt.conn = await connectFor(state.options, rt);
            connectMs = Math.max(1, Date.now() - t0);
          }
          if (!rt.facts && play.gatherFacts) {
            const privilege = playPrivilege(play, rt);
            // resolve with last run's facts (a guess; see fact-cache.ts), then with none if there are none
            rt.facts = cachedFacts(rt.host);
            const { own, lent } = firstReads(rt, privilege);
            rt.facts = undefined;
            const [facts, ...reads] = await runBatch(rt, [{ command: hostFacts.command(), privilege, volatile: false }, ...own, ...lent]);
            rt.facts = hostFacts.parse(facts as ExecOutput);
            saveFacts(rt.host, rt.facts);
            keep(rt, own, lent, reads);
            const mine = pendingOf(rt.facts.pendingRecords ?? [], rt.host.name);
            rt.persistedPending = mine.names;
            for (const place of mine.places) rt.pendingPlaces.add(place === 'system');
            rt.pendingRead = true;
          } else if (!rt.pendingRead && handlerNames.size > 0) {
            // no facts gathered, but an interrupted run's notifications must still be finished: read the records, with
            // the reads of the tasks (so a no-op play still costs one exec)
            const privilege = playPrivilege(play, rt);
            const { own, lent } = firstReads(rt, privilege);
            const [rec, ...reads] = await runBatch(rt, [{ command: pendingRecords.command(), privilege, volatile: false }, ...own, ...lent]);
            keep(rt, own, lent, reads);
            const found = pendingOf(pendingRecords.parse(rec as ExecOutput), rt.host.name);
            rt.persistedPending = found.names;
            for (const place of found.places) rt.pendingPlaces.add(place === 'system');
            rt.pendingRead = true;
          }
          // an interrupted earlier run left these notified: finish its work
          for (const name of rt.persistedPending) if (handlerNames.has(name)) rt.notified.add(name);
          ready();
        } catch (e) {
          if (!rt.conn) connectMs = Math.max(1, Date.now() - t0);
          ready();
          markUnreachable(state, rt, e);
        }
      }),
    ),
  );
}

function markUnreachable(state: RunState, rt: HostRuntime, e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  if (!(e instanceof UnreachableError)) {
    rt.failed = true;
    state.recapOf(rt.host.name).failed += 1;
    state.options.reporter.onHostFailed?.(rt.host.name, `failed to gather facts: ${msg}`);
    return;
  }
  rt.unreachable = true;
  state.recapOf(rt.host.name).unreachable += 1;
  state.options.reporter.onHostUnreachable?.(rt.host.name, msg);
}

/** Run one task on the batch's active hosts (runOnce, task serial, forks). */
async function runTask(state: RunState, run: TaskRun, rts: readonly HostRuntime[], handler: boolean): Promise<TaskResult[]> {
  const info = infoOf(run.task, run.scope, run.id, handler);
  const active = rts.filter((rt) => rt.active || (handler && state.options.forceHandlers && !rt.unreachable));
  if (active.length === 0) return [];
  // --step: the user may skip it (Ansible asks once per task, not per host)
  if (state.options.confirmTask && !(await state.options.confirmTask(info))) return [];
  // a runOnce task is shown, counted and reported for the host it runs on only, as ansible-playbook does
  state.options.reporter.onTaskStart?.(info, (run.task.options.runOnce ? active.slice(0, 1) : active).map((r) => r.host.name));
  const limit = createLimiter(Math.min(state.options.forks ?? 50, run.task.options.serial ?? Number.POSITIVE_INFINITY));
  const take = (rt: HostRuntime, r: TaskResult, notify = true) => {
    rt.results.set(run.task.id, r);
    if (r.status === 'unreachable') rt.unreachable = true;
    if (r.status === 'failed' && !r.ignored) rt.failed = true;
    if (r.status === 'changed' && notify) for (const h of run.task.options.notify ?? []) rt.notified.add(h.name);
    return r;
  };
  const done = (rt: HostRuntime, r: TaskResult) => {
    take(rt, r);
    state.record(r);
    state.options.reporter.onTaskEnd?.(info, r);
    return r;
  };
  if (run.task.options.runOnce) {
    const first = active[0] as HostRuntime;
    first.lastSetVars = {};
    const r = done(first, await executeTask(run, first));
    // like Ansible's run_once: every host gets the result (register, ctx.result), the setFact variables and a failure;
    // handlers are notified on the host it ran on; the output, the recap and --json show it once, for that host
    for (const rt of active.slice(1)) {
      Object.assign(rt.setVars, first.lastSetVars);
    }
    return [r, ...active.slice(1).map((rt) => take(rt, { ...r, host: rt.host.name, execs: 0 }, false))];
  }
  return Promise.all(
    active.map((rt) =>
      limit(async () => {
        // applied by an earlier task's segment (segment.ts): report it now, as the lockstep reaches it
        const pre = rt.ahead.get(run.id);
        if (pre) {
          rt.ahead.delete(run.id);
          const r = pre.finish();
          Object.assign(rt.setVars, pre.setVars);
          rt.lastSetVars = pre.setVars;
          return done(rt, r);
        }
        await ownTurn();
        return done(rt, await executeTask(run, rt));
      }),
    ),
  );
}

/**
 * Each host's task starts in its own macrotask. Node drains microtasks between immediates, so a host served from the
 * read cache finishes before the next one starts, instead of every host's intermediate objects being alive at once
 * (at 1000 hosts that lockstep was the controller's RSS peak). Hosts that exec are not delayed beyond one tick.
 */
const ownTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Run the notified handlers of `rts`, in definition order, once each. */
async function flushHandlers(state: RunState, play: Play, playId: string, rts: readonly HostRuntime[]): Promise<void> {
  for (const { handler, scope, id } of playHandlers(play, playId)) {
    const notified = rts.filter((rt) => rt.notified.has(handler.name));
    if (notified.length === 0) continue;
    notified.forEach((rt) => rt.notified.delete(handler.name));
    // in check mode a handler is predicted like any task: its changes (and diffs) join the predicted filesystem
    const run: TaskRun = { state, task: handler, scope, id, lookahead: () => [], clears: handler.name };
    const results = await runTask(state, run, notified, true);
    if (!state.options.check) await clearPending(state, notified, handler.name, results);
  }
}

/** After a handler ran, drop it from the host's persisted pending list. */
async function clearPending(state: RunState, rts: readonly HostRuntime[], name: string, results: readonly TaskResult[]) {
  await Promise.all(
    rts.map(async (rt) => {
      const r = results.find((x) => x.host === rt.host.name);
      // a failure ignoreErrors let pass is the handler's run done (kept, it would run again on every later run)
      if (!rt.persistedPending.includes(name) || !r || (r.status === 'failed' && !r.ignored) || r.status === 'unreachable' || !rt.conn) return;
      const rest = rt.persistedPending.filter((n) => n !== name);
      try {
        // every place a record was written (root's for changes run as root, the login user's otherwise)
        for (const system of [...rt.pendingPlaces]) {
          const priv = system && !asRoot(LOGIN, rt) ? { become: true, becomeUser: 'root' } : LOGIN;
          const out = await rt.conn.exec(pendingScript(rest, system, rt.host.name).text, execOptions(priv));
          if (out.code !== 0) throw new Error(`cannot update the pending handlers on the host: ${out.stderr.trim()}`);
          if (rest.length === 0) rt.pendingPlaces.delete(system);
        }
        rt.persistedPending = rest;
      } catch (e) {
        markUnreachable(state, rt, e);
      }
    }),
  );
}

/** Run a play on `hosts` (already limited). `startItem` (--start-at-task) skips the earlier tasks in the first serial
 *  batch only: later batches run the whole play, as Ansible's start_at_done does. `playId`: the play's id in its
 *  playbook (task-ids.ts playIds; default its name), the root of its tasks' ids. Resolves to true when the playbook
 *  ends here (every host of a batch failed or was unreachable, or anyErrorsFatal / maxFailPercentage tripped). */
export async function runPlay(state: RunState, play: Play, hosts: readonly string[], later: readonly LaterPlay[] = [], startItem = 0, playId = idSegment(play.name)): Promise<boolean> {
  const opts = state.options;
  opts.reporter.onPlayStart?.({ name: play.name, hosts, check: opts.check ?? false });
  const items = playItems(play, playId);
  for (const [b, batch] of serialBatches(hosts, play.serial).entries()) {
    const from = b === 0 ? startItem : 0;
    const rts = batch.map((name) => state.runtime(state.inventory.host(name)!));
    await prepareHosts(state, play, items.slice(from), rts.filter((r) => r.active), later);
    // bad input on any host stops the run before anything is applied anywhere: this play's tasks and handlers fully,
    // later plays' args as far as they resolve now
    const active = rts.filter((r) => r.active);
    const problems = preflight(state, [
      { items: checkedItems(play, playId), rts: active },
      ...later.map((l) => ({ items: l.checked, rts: active.filter((r) => l.hosts.has(r.host.name)), soft: true })),
    ]);
    if (problems.length) throw new ValidationError(problems);
    let aborted = false;
    const blocks = new BlockRun(state);
    // a host applies the tasks after the current one early only where no other host's outcome can stop it first
    const segments = opts.segments !== false && !opts.check && !opts.confirmTask && !play.anyErrorsFatal && play.maxFailPercentage === undefined;
    for (const [i, item] of items.entries()) {
      if (i < from) continue;
      blocks.advance(item.blocks ?? [], rts);
      if ('flush' in item) {
        await flushHandlers(state, play, playId, rts);
        continue;
      }
      if (!selectedByTags(item.task.options.tags, opts.tags, opts.skipTags)) continue;
      const here = rts.filter((rt) => blocks.runs(rt, item.blocks));
      const following = segments ? followingItems(state, items, i, later) : undefined;
      const run = { state, task: item.task, scope: item.scope, id: item.id, lookahead: lookahead(state, items, i, later), ...(following?.length ? { following } : {}) };
      const results = await runTask(state, run, here, false);
      for (const r of results) if (r.status === 'failed' && !r.ignored) blocks.failed(rts.find((rt) => rt.host.name === r.host)!, item.blocks);
      const failed = results.filter((r) => r.status === 'failed' && !r.ignored).length;
      if (failed && (play.anyErrorsFatal || (play.maxFailPercentage !== undefined && (failed * 100) / batch.length > play.maxFailPercentage))) {
        for (const rt of rts) if (rt.active) rt.failed = true;
        aborted = true;
        break;
      }
    }
    for (const rt of rts) rt.ahead.clear();
    if (!aborted) blocks.advance([], rts);
    await flushHandlers(state, play, playId, opts.forceHandlers ? rts.filter((r) => !r.unreachable) : rts.filter((r) => r.active));
    const mine = declared(items);
    for (const rt of rts) saveGuesses(rt, playId, mine);
    // as ansible-playbook (PlaybookExecutor): anyErrorsFatal or maxFailPercentage tripped, or every host of the batch
    // failed or was unreachable, ends the playbook: no later batch, no later play
    if (aborted || rts.every((rt) => !rt.active)) return true;
  }
  return false;
}
