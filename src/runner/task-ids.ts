/**
 * Declared task ids: the path of a task in the playbook's tree, as constructs/cdk8s derive a construct's id from its
 * scope path. `site/docker/install docker.io` is the task named "install docker.io" of role docker in play "site";
 * `site/guarded/rescue/log it` sits in the rescue section of block "guarded"; `site/docker/handlers/restart docker` is
 * a handler. Unnamed tasks use their display name (`copy /etc/x`). The same playbook gives the same ids in every
 * process, and a task added in another role, block or play changes no other id: only the names of a task's ancestors
 * and of its same-named siblings before it go into its id.
 */

/** Joins path segments; a `/` or `%` inside a name is percent-encoded so two paths never spell the same id. */
export const SEPARATOR = '/';

/** One path segment for `name`: `%` → `%25`, `/` → `%2F` (the rest stays readable). */
export function idSegment(name: string): string {
  return name.replaceAll('%', '%25').replaceAll('/', '%2F');
}

/** `parent/segment`, or the segment alone at the root. */
export function childId(parent: string, name: string): string {
  return parent ? `${parent}${SEPARATOR}${idSegment(name)}` : idSegment(name);
}

/**
 * Unique names for siblings in order: the first of a name keeps it, later ones get `#2`, `#3`, … (constructs refuse a
 * duplicate sibling id; a playbook may repeat a task name, so the later ones are numbered, deterministically).
 */
export class SiblingNames {
  private readonly seen = new Map<string, number>();

  /** The name to use for the next sibling called `name`. */
  next(name: string): string {
    const n = (this.seen.get(name) ?? 0) + 1;
    this.seen.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  }
}

/** Ids of the plays of a playbook: their names, numbered when repeated (see SiblingNames). */
export function playIds(plays: readonly { readonly name: string }[]): string[] {
  const names = new SiblingNames();
  return plays.map((p) => idSegment(names.next(p.name)));
}

/**
 * Makes a play's ids unique after they are derived: a name spelling a section marker (a task named "rescue" holding
 * what a rescue section holds) could give two tasks one path; the later one is numbered. Never happens with plain names.
 */
export function uniqueIds(ids: readonly string[]): string[] {
  const taken = new Set<string>();
  return ids.map((id) => {
    let out = id;
    for (let n = 2; taken.has(out); n++) out = `${id}#${n}`;
    taken.add(out);
    return out;
  });
}
