/** `--list-hosts` / `--list-tasks` output: each play's hosts and the tasks a run with the same -t/--skip-tags would run. */
import type { Playbook } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { playHosts, playItems, selectedByTags, taskName } from '../runner/index.ts';

/** What to list, and the selection that applies (as ansible-playbook, --list-tasks shows only the tasks -t/--skip-tags select). */
export interface ListOptions {
  readonly hosts?: boolean;
  readonly tasks?: boolean;
  readonly limit?: string;
  readonly tags?: readonly string[];
  readonly skipTags?: readonly string[];
}

/** The lines to print, one play header each, then its hosts and/or its selected tasks (`role : name<TAB>file:line<TAB>TAGS: [...]`). */
export function listLines(playbook: Playbook, inventory: Inventory, o: ListOptions): string[] {
  const out: string[] = [];
  for (const play of playbook.plays) {
    const hosts = playHosts(inventory, play.hosts, o.limit);
    out.push(`play: ${play.name} (${hosts.length} host${hosts.length === 1 ? '' : 's'})`);
    if (o.hosts) for (const h of hosts) out.push(`    ${h}`);
    if (!o.tasks) continue;
    for (const it of playItems(play)) {
      if ('flush' in it) {
        out.push('    flushHandlers');
        continue;
      }
      // the run's own test: 'always' unless skipped, 'never' only when asked for, tags inherited from roles and blocks
      if (!selectedByTags(it.task.options.tags, o.tags, o.skipTags)) continue;
      const tags = it.task.options.tags?.length ? `\tTAGS: [${it.task.options.tags.join(', ')}]` : '';
      const role = it.scope.role ? `${it.scope.role.name} : ` : '';
      out.push(`    ${role}${taskName(it.task)}\t${it.task.definedAt}${tags}`);
    }
  }
  return out;
}
