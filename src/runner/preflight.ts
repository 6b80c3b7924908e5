/** Before the first change of a play: validate every task's resolved args on every host, collecting all problems. */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { argProblems, NotYetRun, ValidationError, type Problem } from '../core/index.ts';
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
          const bad = argProblems(it.task.module, args);
          for (const m of bad) problems.push({ where, message: `${it.task.module.name}: ${m}` });
          if (bad.length) continue;
          for (const m of localFileProblems(it.task.module.localFiles?.(args) ?? [])) problems.push({ where, message: `${it.task.module.name}: ${m}` });
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
