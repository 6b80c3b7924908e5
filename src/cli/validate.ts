/** Static checks of a playbook before connecting: args of static tasks, handler names, host patterns. */
import { ValidationError, type Playbook, type Problem } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { playHandlers, playHosts, playItems } from '../runner/index.ts';

/** Throw one ValidationError with every problem found. */
export function validatePlaybook(pb: Playbook, inventory: Inventory, limit?: string): void {
  const problems: Problem[] = [];
  for (const play of pb.plays) {
    try {
      playHosts(inventory, play.hosts, limit);
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
        if (!known.has(h)) problems.push({ where: it.task.definedAt, message: `notifies handler '${h.name}' which is not part of play '${play.name}'`, hint: `add it to the play's or role's handlers (declared at ${h.definedAt})` });
      }
      if (typeof it.task.args !== 'function') {
        for (const m of it.task.module.validate?.(it.task.args) ?? []) problems.push({ where: it.task.definedAt, message: `${it.task.module.name}: ${m}` });
      }
    }
    for (const { handler } of playHandlers(play)) {
      if (typeof handler.args !== 'function') for (const m of handler.module.validate?.(handler.args) ?? []) problems.push({ where: handler.definedAt, message: `${handler.module.name}: ${m}` });
    }
  }
  if (problems.length) throw new ValidationError(problems);
}
