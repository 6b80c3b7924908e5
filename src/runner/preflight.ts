/** Before the first change of a play: validate every task's resolved args on every host, collecting all problems. */
import { readFileSync } from 'node:fs';
import { NotYetRun, ValidationError, type Problem } from '../core/index.ts';
import { renderTemplate } from '../templates/index.ts';
import { moduleContext } from './context.ts';
import { resolveCalls } from './resolve-items.ts';
import type { HostRuntime } from './host-runtime.ts';
import type { PlanItem } from './plan-item.ts';
import type { RunState } from './run-state.ts';

/** Problems found, each naming the task's file:line and the host. */
export function preflight(state: RunState, items: readonly PlanItem[], rts: readonly HostRuntime[]): Problem[] {
  const problems: Problem[] = [];
  for (const rt of rts) {
    for (const it of items) {
      if ('flush' in it) continue;
      const where = `${it.task.definedAt} (host ${rt.host.name})`;
      try {
        for (const { args, ctx } of resolveCalls(state, rt, it.task, it.scope)) {
          for (const m of it.task.module.validate?.(args) ?? []) problems.push({ where, message: `${it.task.module.name}: ${m}` });
          const pctx = { ...moduleContext(state, rt, ctx), render: renderTemplate, readLocalFile: (p: string) => readFileSync(p) };
          for (const m of it.task.module.preflight?.(args, pctx) ?? []) problems.push({ where, message: `${it.task.module.name}: ${m}` });
        }
      } catch (e) {
        if (e instanceof NotYetRun) continue; // depends on an earlier task's result: checked when it runs
        if (e instanceof ValidationError) problems.push(...e.problems.map((p) => ({ ...p, where: p.where ? `${where}: ${p.where}` : where })));
        // other errors in user functions surface as task failures when the task runs
      }
    }
  }
  return problems;
}
