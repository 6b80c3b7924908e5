/** Run a playbook against an inventory and return the summary (recap, results, exit code). */
import { ExitCode, ValidationError, type Playbook, type RunSummary } from '../core/index.ts';
import { matchHosts, selectHosts, type Inventory } from '../inventory/index.ts';
import type { RunOptions } from './options.ts';
import { checkedItems, playItems, runPlay } from './play.ts';
import { playbookVarSchemas } from './role-vars.ts';
import { RunState } from './run-state.ts';
import { withRenderedConnections } from './connection-settings.ts';
import { factsSaved } from './fact-cache.ts';
import { findStartAt, startAtProblem } from './start-at.ts';
import { playIds } from './task-ids.ts';

/** Hosts of a play after --limit, in Ansible's order (see matchHosts). Terms of the play's pattern that match nothing
 *  are skipped, as Ansible does (validatePlaybook warns about them); a --limit term matching nothing throws. */
export function playHosts(inventory: Inventory, pattern: string, limit?: string): string[] {
  const { hosts } = matchHosts(inventory, pattern);
  if (limit === undefined) return [...hosts];
  const allowed = new Set(selectHosts(inventory, limit));
  return hosts.filter((h) => allowed.has(h));
}

/** Ansible's exit code: 2 if a host failed, 4 if one was unreachable (both: 6). */
export function exitCodeOf(recap: RunSummary['recap']): number {
  const rows = Object.values(recap);
  return (rows.some((r) => r.failed > 0) ? ExitCode.hostFailed : 0) | (rows.some((r) => r.unreachable > 0) ? ExitCode.hostUnreachable : 0);
}

/** Run every play. Throws ValidationError for bad input found before anything was applied. */
export async function runPlaybook(playbook: Playbook, loaded: Inventory, options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const start = options.startAtTask === undefined ? { play: 0, item: 0 } : findStartAt(playbook, options.startAtTask);
  if (!start) throw new ValidationError(startAtProblem(playbook, options.startAtTask as string)!);
  // every play's hosts are resolved first so a bad pattern fails before any connection
  const plays = playbook.plays.map((play) => ({ play, hosts: playHosts(loaded, play.hosts, options.limit) }));
  const all = [...new Set(plays.flatMap((p) => p.hosts))];
  // Jinja in connection vars (ansible_host: "{{ ip }}") and -e ansible_user=…: rendered before anything connects
  const inventory = withRenderedConnections(loaded, options.extraVars ?? {}, all);
  const state = new RunState(inventory, options, playbookVarSchemas(playbook));
  options.reporter.onRunStart?.({ check: options.check ?? false, hosts: all });
  for (const h of all) state.recapOf(h);
  try {
    const ids = playIds(playbook.plays);
    const later = plays.map(({ play, hosts }, i) => ({ items: playItems(play, ids[i]), checked: checkedItems(play, ids[i]), hosts: new Set(hosts) }));
    for (const [i, { play, hosts }] of plays.entries()) {
      // --start-at-task: the plays before its play do not run at all (Ansible's iterator leaves them complete)
      if (i < start.play) continue;
      const live = hosts.filter((h) => state.runtimes.get(h)?.active ?? true);
      if (await runPlay(state, play, live, later.slice(i + 1), i === start.play ? start.item : 0, ids[i])) break;
    }
  } catch (e) {
    // problems a later play's own preflight found after earlier plays applied changes: say so, not "nothing changed"
    const changed = [...new Set(state.results.filter((r) => r.status === 'changed' && !options.check).map((r) => r.host))];
    if (e instanceof ValidationError && changed.length) throw new ValidationError(e.problems, { changedHosts: changed });
    throw e;
  } finally {
    await Promise.all([...state.runtimes.values()].map((rt) => rt.conn?.close().catch(() => undefined)));
    await factsSaved();
  }
  for (const [name, rt] of state.runtimes) {
    if (!state.recap.has(name)) continue;
    state.recapOf(name).execs = rt.execs;
    state.recapOf(name).connections = rt.connections;
  }
  const recap = Object.fromEntries(state.recap);
  const summary: RunSummary = {
    recap,
    results: state.results,
    exitCode: exitCodeOf(recap),
    durationMs: Date.now() - started,
    check: options.check ?? false,
  };
  await options.reporter.onRunEnd?.(summary);
  return summary;
}
