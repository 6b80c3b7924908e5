/** Static checks of a playbook before connecting: task options and static args against their schemas, controller files,
 *  handler names and notifications, host patterns, role variables of every targeted host. */
import { argProblems, schemaProblems, toProblems, ValidationError, type Playbook, type Problem, type Task, type Vars } from '../core/index.ts';
import { taskOptionsSchema } from '../dsl/task-options.ts';
import type { Inventory } from '../inventory/index.ts';
import { localFileProblems, playHandlers, playHosts, playItems, roleVarProblems } from '../runner/index.ts';

/** Problems of one task known without any host: its options, its static args, the controller files they name. */
export function staticTaskProblems(task: Task): Problem[] {
  const where = task.definedAt;
  const problems = toProblems(schemaProblems(taskOptionsSchema, task.options), where, 'task options');
  if (typeof task.args !== 'function') {
    const argIssues = argProblems(task.module, task.args);
    problems.push(...toProblems(argIssues, where, task.module.name));
    if (!argIssues.length) problems.push(...toProblems(localFileProblems(task.module.localFiles?.(task.args) ?? []), where, task.module.name));
  }
  return problems;
}

/** Throw one ValidationError with every problem found. */
export function validatePlaybook(pb: Playbook, inventory: Inventory, limit?: string, extraVars: Vars = {}): void {
  const problems: Problem[] = [];
  for (const play of pb.plays) {
    let hosts: readonly string[] = [];
    try {
      hosts = playHosts(inventory, play.hosts, limit);
    } catch (e) {
      if (e instanceof ValidationError) problems.push(...e.problems.map((p) => ({ ...p, where: p.where ?? play.definedAt })));
      else throw e;
    }
    const names = new Map<string, string>();
    for (const { handler } of playHandlers(play)) {
      const prev = names.get(handler.name);
      if (prev && prev !== handler.definedAt) problems.push({ where: handler.definedAt, message: `handler name '${handler.name}' is also used at ${prev}`, hint: 'handler names must be unique within a play (they are persisted on hosts by name)' });
      names.set(handler.name, handler.definedAt);
    }
    const known = new Set(playHandlers(play).map((h) => h.handler));
    for (const it of playItems(play)) {
      if ('flush' in it) continue;
      for (const h of it.task.options.notify ?? []) {
        // a name instead of a handler object is the options schema's to report
        if (typeof h === 'object' && h !== null && !known.has(h)) problems.push({ where: it.task.definedAt, message: `notifies handler '${h.name}' which is not part of play '${play.name}'`, hint: `add it to the play's or role's handlers (declared at ${h.definedAt})` });
      }
      problems.push(...staticTaskProblems(it.task));
    }
    for (const { handler } of playHandlers(play)) problems.push(...staticTaskProblems(handler));
    problems.push(...roleVarProblems(play, inventory, hosts, extraVars));
  }
  if (problems.length) throw new ValidationError(problems);
}
