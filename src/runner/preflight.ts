/** Before the first change of a play: validate every task's resolved args on every host, collecting all problems. */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { argProblems, NotYetRun, ValidationError, type Problem } from '../core/index.ts';
import { renderTemplate } from '../templates/index.ts';
import { moduleContext } from './context.ts';
import { resolveCalls } from './resolve-items.ts';
import { coerceVars } from './role-vars.ts';
import type { HostRuntime } from './host-runtime.ts';
import type { PlanItem } from './plan-item.ts';
import type { RunState } from './run-state.ts';

/** How much to check. */
export interface PreflightOptions {
  /**
   * Later plays, checked from the first play on: only what the args themselves get wrong (schema, controller files) is
   * reported; errors of user functions are left to that play's own preflight, whose facts and results may differ.
   * @default false
   */
  readonly soft?: boolean;
}

/** Problems found, each naming the task's file:line and the host. */
export function preflight(state: RunState, items: readonly PlanItem[], rts: readonly HostRuntime[], o: PreflightOptions = {}): Problem[] {
  const problems: Problem[] = [];
  for (const rt of rts) {
    for (const it of items) {
      if ('flush' in it) continue;
      const where = `${it.task.definedAt} (host ${rt.host.name})`;
      const add = (m: string) => problems.push({ where, message: `${it.task.module.name}: ${m}` });
      try {
        for (const { args, ctx } of resolveCalls(state, rt, it.task, it.scope)) {
          const bad = argProblems(it.task.module, args);
          bad.forEach(add);
          if (bad.length) continue;
          const missing = localFileProblems(it.task.module.localFiles?.(args) ?? []);
          missing.forEach(add);
          // variables a task sets (setFact) must fit the playbook's role variable schemas, before they are set
          const sets = it.task.module.setsVars?.(args);
          if (sets) for (const p of coerceVars(state.varSchemas, sets).problems) add(`sets ${p.message}`);
          if (missing.length || o.soft) continue;
          const pctx = { ...moduleContext(state, rt, ctx), render: renderTemplate, readLocalFile: (p: string) => readFileSync(p) };
          (it.task.module.preflight?.(args, pctx) ?? []).forEach(add);
        }
      } catch (e) {
        if (e instanceof NotYetRun || o.soft) continue; // depends on an earlier task's result: checked when it runs
        if (e instanceof ValidationError) {
          // a problem that already names this host needs no second mention of it
          problems.push(...e.problems.map((p) => ({ ...p, where: p.where && p.where !== rt.host.name ? `${where}: ${p.where}` : where })));
        }
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
