/** Before the first change of a play: validate every task's resolved args on every host, collecting all problems. */
import { accessSync, constants, statSync } from 'node:fs';
import { argProblems, NotYetRun, OutputNotRun, UndefinedVariable, ValidationError, type Module, type Problem, type TaskKey } from '../core/index.ts';
import { moduleContext, planContext, resolveDynamic } from './context.ts';
import { delegateHostProblem } from './delegate-host.ts';
import { resolveCalls } from './resolve-items.ts';
import { itemLabels } from './item-label.ts';
import type { HostRuntime } from './host-runtime.ts';
import type { PlanItem } from './plan-item.ts';
import type { RunState } from './run-state.ts';

/** Tasks to check on hosts. */
export interface PreflightGroup {
  readonly items: readonly PlanItem[];
  readonly rts: readonly HostRuntime[];
  /**
   * A later play, checked from the first play on: errors of user functions (an interface that does not exist yet) are
   * left to that play's own preflight, whose facts and registered results may differ. @default false
   */
  readonly soft?: boolean;
}

/**
 * Problems found, each naming the task's file:line and the host. Groups are checked in order, as they will run: the
 * variables a setFact will set are set while checking (and restored after), so later tasks are checked with them.
 */
export function preflight(state: RunState, groups: readonly PreflightGroup[]): Problem[] {
  const problems: Problem[] = [];
  const saved = new Map<HostRuntime, Record<string, unknown>>();
  // hosts with a setFact whose vars are not known yet (its args need a result): any variable may come from it
  const unknownSets = new Set<HostRuntime>();
  const onceSets = new Map<PlanItem, Record<string, unknown> | 'unknown'>();
  try {
    for (const g of groups) {
      for (const rt of g.rts) {
        if (!saved.has(rt)) saved.set(rt, { ...rt.setVars });
        const order = new Map<TaskKey, number>();
        g.items.forEach((it, i) => 'task' in it && !order.has(it.task.id) && order.set(it.task.id, i));
        // a handler's setFact: checked with the handlers at the end, but a flush may run it before the tasks after it
        const handlerSets = g.items.some((it) => 'task' in it && 'handler' in it.task && it.task.module.setsVars !== undefined);
        for (const [i, it] of g.items.entries()) {
          if ('flush' in it) {
            if (handlerSets) unknownSets.add(rt);
            continue;
          }
          // runOnce: the task runs on the first host only and what it sets reaches every host (as at run time)
          const once = it.task.options.runOnce === true && it.task.module.setsVars !== undefined;
          const first = rt === g.rts[0];
          if (once && !first) {
            const from = onceSets.get(it);
            if (from === 'unknown') unknownSets.add(rt);
            else if (from) Object.assign(rt.setVars, from);
            continue;
          }
          const before = once ? { ...rt.setVars } : undefined;
          const wasUnknown = unknownSets.has(rt);
          // a result that no earlier task of the play will register: the task cannot run, found before anything changes
          const never = (id: TaskKey) => !rt.results.has(id) && !((order.get(id) ?? Infinity) < i);
          problems.push(...unique(checkTask(state, rt, it, g.soft ?? false, never, unknownSets)));
          if (before) onceSets.set(it, !wasUnknown && unknownSets.has(rt) ? 'unknown' : Object.fromEntries(Object.entries(rt.setVars).filter(([k, v]) => before[k] !== v || !(k in before))));
        }
      }
    }
  } finally {
    for (const [rt, vars] of saved) {
      for (const k of Object.keys(rt.setVars)) delete rt.setVars[k];
      Object.assign(rt.setVars, vars);
    }
  }
  return problems;
}

function checkTask(state: RunState, rt: HostRuntime, it: Extract<PlanItem, { task: unknown }>, soft: boolean, never: (taskId: TaskKey) => boolean, unknownSets: Set<HostRuntime>): Problem[] {
  const problems: Problem[] = [];
  const where = `${it.task.definedAt} (host ${rt.host.name})`;
  const add = (m: string) => problems.push({ where, message: `${it.task.module.name}: ${m}` });
  const missedBefore = rt.missedResults;
  try {
    const calls = resolveCalls(state, rt, it.task, it.scope);
    // a setFact whose `when` or args saw "no result yet" (resultOf): what it sets is known only when it runs
    if (it.task.module.setsVars && rt.missedResults !== missedBefore) unknownSets.add(rt);
    // labels are checked as args are: a bad one stops the run before anything changes
    if (it.task.options.loop !== undefined) {
      try {
        itemLabels(it.task, calls.map((c) => c.ctx));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        problems.push(...e.problems.map((p) => ({ ...p, where: p.where === it.task.definedAt || p.where === rt.host.name ? where : p.where ? `${where}: ${p.where}` : where, message: p.message.replace(/; nothing was changed by this task$/, '') })));
      }
    }
    for (const { args, ctx } of calls) {
      const d = it.task.options.delegateTo;
      if (typeof d === 'function') {
        const bad = delegateHostProblem(resolveDynamic(d, ctx), state.inventory, where);
        if (bad) problems.push(bad);
      }
      const bad = callProblems(it.task.module, args);
      bad.forEach(add);
      // later tasks are checked with what a setFact will set (a role task then checks it against the role's schemas)
      const sets = it.task.module.setsVars?.(args);
      if (sets) {
        Object.assign(rt.setVars, sets);
      }
      if (bad.length) continue;
      const pctx = planContext(moduleContext(state, rt, ctx));
      (it.task.module.preflight?.(args, pctx) ?? []).forEach(add);
    }
  } catch (e) {
    // a later play's variable that nothing will define: its own preflight would refuse it after earlier plays changed hosts
    const undefinedNow = e instanceof UndefinedVariable && !unknownSets.has(rt);
    if (it.task.module.setsVars && !undefinedNow) unknownSets.add(rt);
    if (e instanceof NotYetRun && !(e instanceof OutputNotRun) && !soft && e.taskId !== it.task.id && never(e.taskId)) {
      problems.push({ where, message: e.message });
      return problems;
    }
    if (e instanceof NotYetRun || (soft && !undefinedNow)) return problems; // depends on an earlier task's result: checked when it runs
    if (e instanceof UndefinedVariable && !undefinedNow) return problems; // an earlier setFact may set it: checked when it runs
    if (e instanceof ValidationError) {
      // a problem that already names this host needs no second mention of it
      const named = (w: string | undefined) => w === rt.host.name || w?.startsWith(`host ${rt.host.name},`);
      problems.push(...e.problems.map((p) => ({ ...p, where: p.where && !named(p.where) ? `${where}: ${p.where}` : p.where && named(p.where) && p.where !== rt.host.name ? `${it.task.definedAt}: ${p.where}` : where })));
    }
    // other errors in user functions surface as task failures when the task runs
  }
  return problems;
}

/** One problem per cause: a delegateTo function gives the same answer for many loop items. */
const unique = (problems: readonly Problem[]): Problem[] => problems.filter((p, i) => problems.findIndex((q) => q.where === p.where && q.message === p.message) === i);

/** Problems of one call's resolved args: the module's schema and checks, then (when the args are right) the controller
 *  files they name. What load checks for static args and preflight for computed ones. */
export function callProblems(module: Module<unknown, unknown, unknown>, args: unknown): string[] {
  const bad = argProblems(module, args);
  return bad.length ? [...bad] : localFileProblems(module.localFiles?.(args) ?? []);
}

/** Controller files that are missing, unreadable or not regular files, each as a message. */
export function localFileProblems(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    try {
      if (!statSync(f).isFile()) {
        out.push(`${f} on the controller is not a regular file`);
        continue;
      }
      accessSync(f, constants.R_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      out.push(
        code === 'ENOENT'
          ? `${f} does not exist on the controller (put it in files/ or templates/ beside the role's index.ts, or give an absolute path)`
          : `cannot read ${f} on the controller (${code ?? String(e)})`,
      );
    }
  }
  return out;
}
