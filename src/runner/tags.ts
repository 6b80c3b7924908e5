/** --tags / --skip-tags selection, as Ansible: 'always' runs unless skipped explicitly, 'never' only when asked. */

/** Whether a task with `taskTags` runs. */
export function selectedByTags(taskTags: readonly string[] = [], only?: readonly string[], skip?: readonly string[]): boolean {
  if (skip?.some((t) => taskTags.includes(t))) return false;
  if (taskTags.includes('never') && !only?.some((t) => taskTags.includes(t))) return false;
  if (!only || only.length === 0 || only.includes('all')) return true;
  if (taskTags.includes('always')) return true;
  if (only.includes('tagged') && taskTags.length > 0) return true;
  if (only.includes('untagged') && taskTags.length === 0) return true;
  return only.some((t) => taskTags.includes(t));
}
