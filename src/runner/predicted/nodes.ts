/** The nodes of the predicted filesystem and how one becomes what `files.state` reports. */
import { createHash } from 'node:crypto';
import { FileStateError, MAX_CONTENT_BYTES, type FilePresent, type FileState } from '../../facts/files.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A file owner or group: name and id, either unknown ('' / NaN) when only the other form was given. */
export interface Principal {
  readonly name: string;
  readonly id: number;
}

/** Owner, group and mode as a prediction set them (unset: as they were). */
export interface Attrs {
  readonly mode?: string;
  readonly owner?: Principal;
  readonly group?: Principal;
}

/** Every attribute known: what a node a prediction created has. */
export type Full = Required<Attrs>;

/**
 * What the overlay knows of one path. `file`/`directory`/`link`/`absent`: the node a prediction put there (a predicted
 * directory holds only what the overlay lists); `ensure`: mkdir -p, the host's directory if it had one, else a new
 * one; `patched`: the host's node with attributes changed (`subtree`: chmod/chown -R below it); `unknown`: an opaque
 * change may have touched it and everything below.
 */
export type Node =
  | { readonly type: 'absent' }
  | { readonly type: 'file'; readonly content: Uint8Array; readonly attrs: Full }
  | { readonly type: 'directory'; readonly attrs: Full }
  | { readonly type: 'link'; readonly target: string; readonly attrs: Full }
  | { readonly type: 'ensure'; readonly attrs: Full; readonly patch: Attrs; readonly subtree?: Attrs }
  | { readonly type: 'patched'; readonly patch: Attrs; readonly subtree?: Attrs }
  | { readonly type: 'unknown' };

/** What `files.state` would throw for this path (an ancestor is not a directory, a link loop). */
export function errorState(path: string, reason: string): never {
  throw new FileStateError(path, reason);
}

/** What `files.state` reports for a node a prediction created. */
export function present(path: string, n: Extract<Node, { type: 'file' | 'directory' | 'link' }>, content: boolean): FilePresent {
  const a = n.attrs;
  const base = { path, exists: true as const, owner: a.owner.name, uid: a.owner.id, group: a.group.name, gid: a.group.id };
  if (n.type === 'link')
    return { ...base, type: 'link', mode: '0777', size: Buffer.byteLength(n.target), linkTarget: n.target, ...(content ? { contentOmitted: 'not-a-file' as const } : {}) };
  if (n.type === 'directory') return { ...base, type: 'directory', mode: a.mode, size: 4096, ...(content ? { contentOmitted: 'not-a-file' as const } : {}) };
  const big = n.content.byteLength > MAX_CONTENT_BYTES;
  return {
    ...base,
    type: 'file',
    mode: a.mode,
    size: n.content.byteLength,
    sha256: sha256(n.content),
    ...(content ? (big ? { contentOmitted: 'too-large' as const } : { content: n.content }) : {}),
  };
}

/** The host's state with a prediction's attribute changes (a link's mode never changes). */
export function patch(s: FileState, p: Attrs): FileState {
  if (!s.exists) return s;
  return {
    ...s,
    ...(p.mode !== undefined && s.type !== 'link' ? { mode: p.mode } : {}),
    ...(p.owner !== undefined ? { owner: p.owner.name, uid: p.owner.id } : {}),
    ...(p.group !== undefined ? { group: p.group.name, gid: p.group.id } : {}),
  };
}

const octal = (n: number) => n.toString(8).padStart(4, '0');

/** A regular file's mode after chown: the kernel clears setuid, and setgid when group-executable (root included). */
export function afterChown(mode: string): string {
  const m = Number.parseInt(mode, 8);
  return octal(m & ~0o4000 & (m & 0o010 ? ~0o2000 : ~0));
}

/** What a new file or directory takes from a setgid parent directory: its group, and for a directory the bit itself. */
export function inherit(attrs: Full, parent: FileState, dir: boolean): Full {
  if (!parent.exists || parent.type !== 'directory' || (Number.parseInt(parent.mode, 8) & 0o2000) === 0) return attrs;
  return { ...attrs, group: { name: parent.group, id: parent.gid }, ...(dir ? { mode: octal(Number.parseInt(attrs.mode, 8) | 0o2000) } : {}) };
}
