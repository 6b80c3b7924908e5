/** Static checks of a playbook before connecting: task options and static args against their schemas, controller files,
 *  handler names and notifications, host patterns and --limit, static delegateTo hosts, role variables of every targeted
 *  host. */
import { schemaProblems, toProblems, ValidationError, type Playbook, type Problem, type Task, type Vars } from '../core/index.ts';
import { taskOptionsSchema } from '../dsl/task-options.ts';
import { matchHosts, selectHosts, type Inventory } from '../inventory/index.ts';
import { callProblems, delegateHostProblem, playHandlers, playHosts, playItems, roleVarProblems } from '../runner/index.ts';

/** Problems of one task known without any host: its options, its static args, the controller files they name. */
export function staticTaskProblems(task: Task): Problem[] {
  const where = task.definedAt;
  const problems = toProblems(schemaProblems(taskOptionsSchema, task.options), where, 'task options');
  if (typeof task.args !== 'function') problems.push(...toProblems(callProblems(task.module, task.args), where, task.module.name));
  if (task.options.label !== undefined && task.options.loop === undefined) {
    problems.push({ where, message: 'task options: label names loop items, and this task has no loop', hint: 'add loop, or remove label' });
  }
  return problems;
}

/** Problems of a host pattern (empty, malformed and, unless `unmatched` is 'allowed', terms matching nothing) at `where`,
 *  messages prefixed with `what`. */
export function patternProblems(inventory: Inventory, pattern: string, where: string, what?: string, unmatched: 'refused' | 'allowed' = 'refused'): Problem[] {
  try {
    if (unmatched === 'refused') selectHosts(inventory, pattern);
    else matchHosts(inventory, pattern);
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.problems.map((p) => ({ ...p, where, message: what ? `${what}: ${p.message}` : p.message }));
  }
}

/** A static `delegateTo: 'name'` must name an inventory host: known at load, not after earlier tasks changed hosts. */
export function delegateToProblems(task: Task, inventory: Inventory): Problem[] {
  const d = task.options.delegateTo;
  // a function is resolved per host before the first change (preflight); a non-string is the options schema's to report
  if (typeof d !== 'string' || d === '') return [];
  const p = delegateHostProblem(d, inventory, task.definedAt, false);
  return p ? [p] : [];
}

/** Throw one ValidationError with every problem found. */
export function validatePlaybook(pb: Playbook, inventory: Inventory, limit?: string, extraVars: Vars = {}): void {
  const problems: Problem[] = [];
  // -l '' must not mean "no limit": an empty or malformed --limit is an error, reported once (not once per play)
  const limitProblems = limit === undefined ? [] : patternProblems(inventory, limit, `--limit ${JSON.stringify(limit)}`);
  if (limit !== undefined && limitProblems.length === 0 && inventory.hosts.length > 0 && playHosts(inventory, 'all', limit).length === 0) {
    // Ansible's CLI.get_host_list: a limit leaving no inventory host is an error, not a run that does nothing
    limitProblems.push({ where: `--limit ${JSON.stringify(limit)}`, message: 'the limit leaves no hosts to target', hint: 'it names only empty groups (or only the implicit localhost): rig inventory -i INVENTORY --graph shows the groups and their hosts' });
  }
  problems.push(...limitProblems);
  for (const play of pb.plays) {
    let hosts: readonly string[] = [];
    // a play pattern naming no host or group is skipped with a warning (playPatternWarnings), as Ansible does
    const playProblems = patternProblems(inventory, play.hosts, play.definedAt, `hosts ${JSON.stringify(play.hosts)}`, 'allowed');
    problems.push(...playProblems);
    if (playProblems.length === 0 && limitProblems.length === 0) hosts = playHosts(inventory, play.hosts, limit);
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
      problems.push(...staticTaskProblems(it.task), ...delegateToProblems(it.task, inventory));
    }
    for (const { handler } of playHandlers(play)) problems.push(...staticTaskProblems(handler), ...delegateToProblems(handler, inventory));
    problems.push(...roleVarProblems(play, inventory, hosts, extraVars));
  }
  if (problems.length) throw new ValidationError(problems);
}

/** Warnings for play patterns with terms that match no host and no group: Ansible warns "Could not match supplied host
 *  pattern, ignoring: NAME" and runs the play on what the rest matched (skipping it when nothing is left). */
export function playPatternWarnings(pb: Playbook, inventory: Inventory): Problem[] {
  const warnings: Problem[] = [];
  for (const play of pb.plays) {
    let unmatched: readonly Problem[];
    try {
      ({ unmatched } = matchHosts(inventory, play.hosts));
    } catch {
      continue; // a malformed pattern is validatePlaybook's error
    }
    for (const u of unmatched) {
      warnings.push({ where: play.definedAt, message: `play '${play.name}': hosts ${JSON.stringify(play.hosts)}: ${u.message}; ignoring it, as Ansible does`, hint: u.hint });
    }
  }
  return warnings;
}
