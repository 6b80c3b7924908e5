/** Warnings for --tags / --skip-tags values that no task carries. */
import type { Play, Problem } from '../core/index.ts';
import { playHandlers, playItems } from './play.ts';

/** Tags with a meaning of their own in --tags / --skip-tags (Ansible's special tags). */
const SPECIAL = new Set(['all', 'always', 'never', 'tagged', 'untagged']);

/**
 * Warnings for --tags / --skip-tags values no task of the playbook carries (a typo would otherwise run nothing, or skip
 * nothing, in silence), listing the tags that exist. ansible-playbook says nothing and exits 0; rig warns and runs the
 * same selection, so the exit code stays Ansible's.
 */
export function unknownTagWarnings(plays: readonly Play[], tags: readonly string[] = [], skipTags: readonly string[] = []): Problem[] {
  const known = new Set<string>();
  for (const play of plays) for (const it of playItems(play)) if ('task' in it) for (const t of it.task.options.tags ?? []) known.add(t);
  for (const play of plays) for (const { handler } of playHandlers(play)) for (const t of handler.options.tags ?? []) known.add(t);
  const existing = [...known].filter((t) => !SPECIAL.has(t)).sort();
  const listed = existing.length ? `the playbook's tags: ${existing.join(', ')}` : 'no task of the playbook has a tag';
  const warn = (flag: string, values: readonly string[], effect: string): Problem[] => {
    const missing = [...new Set(values)].filter((t) => !known.has(t) && !SPECIAL.has(t));
    if (!missing.length) return [];
    const which = missing.map((t) => `'${t}'`).join(', ');
    return [{ where: flag, message: `no task has the tag${missing.length > 1 ? 's' : ''} ${which}${effect}; ${listed}`, hint: `check the spelling; rig run --list-tasks shows each task's tags` }];
  };
  const runsNothing = tags.length > 0 && tags.every((t) => !known.has(t) && !SPECIAL.has(t)) ? ' (no task is selected: nothing runs)' : '';
  return [...warn('--tags', tags, runsNothing), ...warn('--skip-tags', skipTags, '')];
}
