/**
 * Check mode's predicted filesystem for one host: what the changes predicted so far do to paths, layered over the
 * host's real state. Later reads of a path a prediction touched (the next loop item, later tasks, handlers) are answered
 * from it, so `--check` predicts what the real run will do when tasks build on each other.
 */
import { posix } from 'node:path';
import type { Change, PathEffect, WriteChange } from '../../core/index.ts';
import { FileStateError, type FileState, type FileStateArg } from '../../facts/files.ts';
import { afterChown, errorState, inherit, present, patch, type Attrs, type Full, type Node, type Principal } from './nodes.ts';
import type { ExecIdentity } from '../../facts/identity.ts';

/** A value check mode cannot predict (an opaque change may have touched what was read). */
export const UNKNOWN: unique symbol = Symbol('unknown');
/** UNKNOWN's type. */
export type Unknown = typeof UNKNOWN;

/** Reads the host's real state of a path (from the read cache); throws NeedRead when it was not fetched yet. */
export type HostFiles = (arg: FileStateArg) => FileState;

/** A path's predicted state, plus where a followed path ended (the real path, also for a missing one). */
type Seen = { readonly state: FileState; readonly at: string } | Unknown;

const MAX_LINKS = 40;
const ancestors = (p: string): string[] => {
  const parts = p.split('/').filter(Boolean);
  return parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
};
/** What a followed read of `path` reports when links took it to `end`: where it ended (`realPath`), or for a link to
 *  nothing the missing target (`danglingTo`), as the host's `stat -L` + `readlink -f` do. */
const followed = (end: { readonly state: FileState; readonly at: string }, path: string): FileState =>
  end.state.exists ? { ...end.state, path, realPath: end.at } : { path, exists: false, ...(end.at !== path ? { danglingTo: end.at } : {}) };
const under = (p: string, dir: string) => p.startsWith(dir === '/' ? '/' : `${dir}/`) && p !== dir;
const octal = (n: number) => n.toString(8).padStart(4, '0');
const merge = (a: Attrs | undefined, b: Attrs): Attrs => ({ ...a, ...b });

const failure = (msg: string) => ({ failed: msg });

/** The predicted filesystem of one host. Immutable snapshots: `apply` returns a new one, so a half-applied plan never shows. */
export class PredictedFiles {
  constructor(
    private readonly nodes: ReadonlyMap<string, Node> = new Map(),
    private readonly names: ReadonlyMap<string, number> = new Map(),
    private readonly ids: ReadonlyMap<number, string> = new Map(),
    /** Directories below which a predicted command may create paths nobody listed (a package install). */
    private readonly creatable: readonly string[] = [],
  ) {}

  /** No prediction touched any path yet. */
  get empty(): boolean {
    return this.nodes.size === 0;
  }

  /** A prediction touched `path` or a directory above it (its state is not simply the host's). */
  affects(path: string): boolean {
    return this.nodes.has(path) || ancestors(path).some((a) => this.nodes.has(a)) || this.mayBeCreated(path);
  }

  /** `affects`, or a prediction touched something below `path` (for reads of a whole tree). */
  affectsTree(path: string): boolean {
    if (this.affects(path)) return true;
    for (const k of this.nodes.keys()) if (under(k, path)) return true;
    return false;
  }

  /** Remember owner/group name ↔ id pairs the host reported (a chown by name is then comparable by id). */
  learn(s: FileState): void {
    if (!s.exists) return;
    (this.names as Map<string, number>).set(s.owner, s.uid);
    (this.ids as Map<number, string>).set(s.uid, s.owner);
    (this.names as Map<string, number>).set(`:${s.group}`, s.gid);
    (this.ids as Map<number, string>).set(-1 - s.gid, s.group);
  }

  /** The predicted `files.state` of `arg` (what `stat`/`stat -L` would report after the predicted changes). */
  fileState(arg: FileStateArg, host: HostFiles): FileState | Unknown {
    const s = this.seen(arg.path, arg.follow === true, arg.content === true, host);
    return s === UNKNOWN ? UNKNOWN : s.state;
  }

  /**
   * Record the effect of a plan's changes, as if applied. Returns the next snapshot, or the failure the real run would
   * hit (writing into a missing directory). Throws NeedRead when a host read is needed first (nothing is recorded then).
   */
  apply(changes: readonly Change[], host: HostFiles, who: ExecIdentity): PredictedFiles | { readonly failed: string } {
    const next = new PredictedFiles(new Map(this.nodes), new Map(this.names), new Map(this.ids), [...this.creatable]);
    next.learnIdentity(who);
    for (const c of changes) {
      const r = c.kind === 'write' ? next.write(c, host, who) : c.kind === 'exec' ? next.effects(c.effects ?? [], host, who) : undefined;
      if (r) return r;
    }
    return next;
  }

  /** Whether `path` (a directory) has anything below it that differs from the wanted attributes; UNKNOWN when unsure. */
  treeDrift(arg: { path: string; mode?: string; owner?: string; group?: string }, host: HostFiles): boolean | Unknown {
    const root = this.seen(arg.path, true, false, host);
    if (root === UNKNOWN) return UNKNOWN;
    if (!root.state.exists || root.state.type !== 'directory') return false;
    const node = this.nodes.get(root.at);
    const differs = (s: FileState) =>
      s.exists &&
      ((arg.mode !== undefined && s.type !== 'link' && s.mode !== arg.mode) ||
        (arg.owner !== undefined && !this.sameId(arg.owner, s.owner, s.uid)) ||
        (arg.group !== undefined && !this.sameId(arg.group, s.group, s.gid, true)));
    if (differs(root.state)) return true;
    const below = [...this.nodes.keys()].filter((k) => under(k, root.at));
    for (const k of below) {
      const s = this.seen(k, false, false, host);
      if (s === UNKNOWN) return UNKNOWN;
      if (differs(s.state)) return true;
    }
    // a predicted directory holds only what the overlay lists; a host one is known only after a -R covering every field
    if (node?.type === 'directory' || (node?.type === 'ensure' && !host({ path: root.at }).exists)) return false;
    const sub = node?.type === 'patched' || node?.type === 'ensure' ? node.subtree : undefined;
    const covered =
      sub !== undefined &&
      (arg.mode === undefined || sub.mode === arg.mode) &&
      (arg.owner === undefined || (sub.owner !== undefined && this.sameId(arg.owner, sub.owner.name, sub.owner.id))) &&
      (arg.group === undefined || (sub.group !== undefined && this.sameId(arg.group, sub.group.name, sub.group.id, true)));
    return covered ? false : UNKNOWN;
  }

  private sameId(want: string, name: string, id: number, group = false): boolean {
    if (/^\d+$/.test(want)) return Number(want) === id;
    if (name !== '') return want === name;
    return this.names.get(group ? `:${want}` : want) === id;
  }

  private learnIdentity(who: ExecIdentity): void {
    (this.names as Map<string, number>).set(who.user, who.uid);
    (this.ids as Map<number, string>).set(who.uid, who.user);
    (this.names as Map<string, number>).set(`:${who.group}`, who.gid);
    (this.ids as Map<number, string>).set(-1 - who.gid, who.group);
  }

  private principal(spec: string, group: boolean): Principal {
    if (/^\d+$/.test(spec)) return { name: this.ids.get(group ? -1 - Number(spec) : Number(spec)) ?? '', id: Number(spec) };
    return { name: spec, id: this.names.get(group ? `:${spec}` : spec) ?? Number.NaN };
  }

  private defaults(who: ExecIdentity, base: number): Full {
    return { mode: octal(base & ~who.umask), owner: { name: who.user, id: who.uid }, group: { name: who.group, id: who.gid } };
  }

  /**
   * `path` with its directories resolved: symlinks a prediction made, and the host's own symlinks as far as check mode
   * read the directory (`realPath` of a followed read of it, which check mode takes along for the tasks that create
   * files) — so `l/a` and `real/a` are one file when `l` links to `real`.
   */
  private canon(path: string, host: HostFiles, depth = 0): string {
    if (depth > MAX_LINKS || path === '/') return path;
    for (const a of ancestors(path)) {
      const n = this.nodes.get(a);
      if (n?.type === 'link') return this.canon(posix.resolve(posix.dirname(a), n.target) + path.slice(a.length), host, depth + 1);
    }
    const dir = posix.dirname(path);
    if (this.affects(dir)) return path;
    let d: FileState | undefined;
    try {
      d = host({ path: dir, follow: true });
    } catch (e) {
      if ((e as Error).name === 'NeedRead' || e instanceof FileStateError) return path; // not read: take the path as given
      throw e;
    }
    return d.exists && d.realPath !== undefined && d.realPath !== dir ? posix.join(d.realPath, posix.basename(path)) : path;
  }

  /** The state at `path` (lstat, or stat when `follow`), with the path a followed lookup ended at. */
  private seen(path: string, follow: boolean, content: boolean, host: HostFiles, depth = 0): Seen {
    if (depth > MAX_LINKS) errorState(path, 'Too many levels of symbolic links');
    const c = this.empty ? path : this.canon(path, host);
    if (c !== path && this.affects(c)) {
      const s = this.seen(c, follow, content, host, depth + 1);
      if (s === UNKNOWN) return s;
      if (!s.state.exists && s.state.danglingTo === undefined && s.state.danglingParent === undefined) {
        const up = this.danglingLinkAbove(path, host, depth);
        if (up === UNKNOWN) return up;
        if (up) return { state: { path, exists: false, danglingParent: up }, at: s.at };
      }
      return { state: { ...s.state, path }, at: s.at };
    }
    if (!this.affects(path)) {
      const h = host({ path, ...(content ? { content } : {}), ...(follow ? { follow } : {}) });
      this.learn(h);
      const through = this.throughDanglingParent(h, follow, content, host, depth);
      if (through) return through;
      if (!follow) return { state: h, at: path };
      // the host followed links itself: where it ended may be a path a prediction touched
      const end = h.exists ? h.realPath : h.danglingTo;
      if (end === undefined || end === path || !this.affects(end)) return { state: h, at: end ?? path };
      const s = this.seen(end, true, content, host, depth + 1);
      return s === UNKNOWN ? s : { state: followed(s, path), at: s.at };
    }
    const s = this.lstat(path, content, host, depth);
    if (s === UNKNOWN || !follow || !s.state.exists) return s;
    // a followed read says where it ended (stat -L + readlink -f): writes through links go there
    if (s.state.type !== 'link') return { state: { ...s.state, realPath: s.at }, at: s.at };
    const to = posix.resolve(posix.dirname(s.at), s.state.linkTarget ?? '');
    const t = this.seen(to, true, content, host, depth + 1);
    if (t === UNKNOWN) return t;
    return { state: followed(t, path), at: t.at };
  }

  /** The first predicted link above `path` that leads to nothing (mkdir -p of the path stops there), named as in `path`. */
  private danglingLinkAbove(path: string, host: HostFiles, depth: number): { path: string; to: string } | undefined | Unknown {
    if (depth > MAX_LINKS) return undefined;
    for (const a of ancestors(path)) {
      const n = this.nodes.get(a);
      if (n?.type !== 'link') continue;
      const to = posix.resolve(posix.dirname(a), n.target);
      const t = this.seen(to, true, false, host, depth + 1);
      if (t === UNKNOWN) return t;
      if (!t.state.exists) return { path: a, to: t.at };
      const deeper = this.danglingLinkAbove(t.at + path.slice(a.length), host, depth + 1);
      if (deeper === UNKNOWN || deeper === undefined) return deeper;
      return deeper.path.startsWith(`${t.at}/`) ? { ...deeper, path: a + deeper.path.slice(t.at.length) } : deeper;
    }
    return undefined;
  }

  /** A host read that stopped at a link to nothing above the path, when a prediction made where that link leads: the
   *  kernel will resolve the path through it, so answer from there. Undefined when the host's answer stands. */
  private throughDanglingParent(h: FileState, follow: boolean, content: boolean, host: HostFiles, depth: number): Seen | undefined {
    const up = h.exists ? undefined : h.danglingParent;
    if (!up || !this.affects(up.to)) return undefined;
    const t = this.seen(up.to, true, false, host, depth + 1);
    if (t === UNKNOWN) return t;
    if (!t.state.exists) return undefined;
    const s = this.seen(t.at + h.path.slice(up.path.length), follow, content, host, depth + 1);
    return s === UNKNOWN ? s : { state: { ...s.state, path: h.path }, at: s.at };
  }

  /** As the shell's `[ -e ]`/`[ -d ]` see a path: one that cannot be inspected (a file above it) is missing. */
  private test(path: string, host: HostFiles, follow = true): Seen {
    try {
      return this.seen(path, follow, false, host);
    } catch (e) {
      if (e instanceof FileStateError) return { state: { path, exists: false }, at: path };
      throw e;
    }
  }

  private lstat(path: string, content: boolean, host: HostFiles, depth: number): Seen {
    let predictedDir = false;
    let patches: Attrs[] = [];
    for (const a of ancestors(path)) {
      const n = this.nodes.get(a);
      if (!n) {
        if (predictedDir) return { state: { path, exists: false }, at: path };
        continue;
      }
      switch (n.type) {
        case 'unknown':
          return UNKNOWN;
        case 'absent':
          return { state: { path, exists: false }, at: path };
        case 'file':
          return errorState(path, 'Not a directory');
        case 'link': {
          const to = posix.resolve(posix.dirname(a), n.target);
          const s = this.seen(to + path.slice(a.length), false, content, host, depth + 1);
          if (s === UNKNOWN || s.state.exists) return s === UNKNOWN ? s : { state: { ...s.state, path }, at: s.at };
          // a link to nothing above the path: say so, as the host's read would (mkdir -p stops at it)
          const t = this.seen(to, true, false, host, depth + 1);
          if (t === UNKNOWN) return t;
          return { state: t.state.exists ? { ...s.state, path } : { path, exists: false, danglingParent: { path: a, to: t.at } }, at: s.at };
        }
        case 'directory':
          predictedDir = true;
          patches = [];
          break;
        case 'ensure':
          if (!predictedDir && host({ path: a }).exists) {
            if (n.subtree) patches.push(n.subtree);
            break;
          }
          predictedDir = true;
          patches = [];
          break;
        case 'patched':
          if (n.subtree) patches.push(n.subtree);
          break;
      }
    }
    const n = this.nodes.get(path);
    const fromHost = (extra: Attrs[]): Seen => {
      const h = host({ path, ...(content ? { content } : {}) });
      if (!h.exists && this.mayBeCreated(path)) return UNKNOWN;
      this.learn(h);
      const through = this.throughDanglingParent(h, false, content, host, depth);
      if (through) return through;
      return { state: [...patches, ...extra].reduce(patch, h), at: path };
    };
    if (!n) return predictedDir ? { state: { path, exists: false }, at: path } : fromHost([]);
    switch (n.type) {
      case 'unknown':
        return UNKNOWN;
      case 'absent':
        return { state: { path, exists: false }, at: path };
      case 'file':
      case 'directory':
      case 'link':
        return { state: present(path, n, content), at: path };
      case 'ensure':
        if (!predictedDir) {
          const h = host({ path, ...(content ? { content } : {}) });
          if (h.exists) return { state: patch(h, n.patch), at: path };
        }
        return { state: patch(present(path, { type: 'directory', attrs: n.attrs }, content), n.patch), at: path };
      case 'patched':
        return fromHost([n.patch]);
    }
  }

  /** A predicted command may have created `path` (it is below a `mayCreate` directory). */
  private mayBeCreated(path: string): boolean {
    return this.creatable.some((c) => c === path || under(path, c));
  }

  /** Put `node` at `path` (a new node replaces everything below it). Returns undefined: recording never fails. */
  private set(path: string, node: Node): undefined {
    const m = this.nodes as Map<string, Node>;
    if (node.type !== 'patched' && node.type !== 'ensure') for (const k of [...m.keys()]) if (under(k, path)) m.delete(k);
    m.set(path, node);
    return undefined;
  }

  // the write script: [ -d dir ] (through links), refuse a directory at the path, keep the old mode/owner (through a
  // link, as `chmod --reference` does) unless given, else umask and the writer; then rename over the path itself
  private write(w: WriteChange, host: HostFiles, who: ExecIdentity): { failed: string } | undefined {
    const c = { ...w, path: this.canon(w.path, host) };
    const dir = posix.dirname(c.path);
    const d = this.test(dir, host);
    if (d === UNKNOWN) return this.set(c.path, { type: 'unknown' });
    if (!d.state.exists || d.state.type !== 'directory') return failure(`command failed (rc=1): rig: cannot write ${w.path}: directory ${posix.dirname(w.path)} does not exist`);
    const cur = this.test(c.path, host);
    if (cur === UNKNOWN) return this.set(c.path, { type: 'unknown' });
    if (cur.state.exists && cur.state.type === 'directory') return failure(`command failed (rc=1): rig: cannot write ${c.path}: it is a directory`);
    const old = cur.state.exists ? cur.state : undefined;
    const base = this.defaults(who, 0o666);
    const attrs: Full = {
      mode: c.mode ?? old?.mode ?? base.mode,
      owner: c.owner !== undefined ? this.principal(c.owner, false) : old && who.uid === 0 ? { name: old.owner, id: old.uid } : base.owner,
      group: c.group !== undefined ? this.principal(c.group, true) : old && who.uid === 0 ? { name: old.group, id: old.gid } : inherit(base, d.state, false).group,
    };
    const bytes = typeof c.content === 'string' ? new TextEncoder().encode(c.content) : c.content;
    this.set(c.path, { type: 'file', content: bytes, attrs });
    return undefined;
  }

  private effects(effects: readonly PathEffect[], host: HostFiles, who: ExecIdentity): { failed: string } | undefined {
    for (const e of effects) {
      const r = this.effect(e, host, who);
      if (r) return r;
    }
    return undefined;
  }

  private effect(given: PathEffect, host: HostFiles, who: ExecIdentity): { failed: string } | undefined {
    // mkdir -p stops at a component that is a predicted link to nothing (mkdir of it: File exists)
    if (given.op === 'mkdir') for (const p of [...ancestors(given.path), given.path]) if (this.nodes.get(p)?.type === 'link') {
      const t = this.test(p, host);
      if (t !== UNKNOWN && !t.state.exists) return failure(`command failed (rc=1): mkdir: cannot create directory '${p}': File exists`);
    }
    const e = { ...given, path: this.canon(given.path, host) };
    switch (e.op) {
      case 'unknown':
        return this.set(e.path, { type: 'unknown' });
      case 'mayCreate':
        if (!this.mayBeCreated(e.path)) (this.creatable as string[]).push(e.path);
        return undefined;
      case 'remove':
        return this.set(e.path, { type: 'absent' });
      case 'link': {
        const d = this.test(posix.dirname(e.path), host);
        if (d !== UNKNOWN && (!d.state.exists || d.state.type !== 'directory'))
          return failure(`command failed (rc=1): ln: failed to create symbolic link '${e.path}': No such file or directory`);
        return this.set(e.path, { type: 'link', target: e.target, attrs: this.defaults(who, 0o777) });
      }
      case 'mkdir': {
        const base = this.defaults(who, 0o777);
        // a directory mkdir creates takes the setgid bit and group of a setgid parent
        const attrsUnder = (p: string): Full | Unknown => {
          if (p === '/') return base;
          const parent = this.test(posix.dirname(p), host);
          return parent === UNKNOWN ? UNKNOWN : inherit(base, parent.state, true);
        };
        // below a predicted directory (or where a prediction removed the path) nothing is left of the host's tree
        let predicted = false;
        for (const p of [...ancestors(e.path), e.path]) {
          const n = this.nodes.get(p);
          if (n?.type === 'absent' || (n === undefined && predicted)) {
            const attrs = attrsUnder(p);
            if (attrs === UNKNOWN) return this.set(p, { type: 'unknown' });
            this.set(p, { type: 'directory', attrs });
            predicted = true;
          } else if (n === undefined) {
            const attrs = attrsUnder(p);
            if (attrs === UNKNOWN) return this.set(p, { type: 'unknown' });
            this.set(p, { type: 'ensure', attrs, patch: {} });
          }
          else if (n.type === 'file') return failure(`command failed (rc=1): mkdir: cannot create directory '${e.path}': Not a directory`);
          else predicted = n.type === 'directory';
        }
        return undefined;
      }
      case 'touch': {
        const s = this.test(e.path, host);
        if (s === UNKNOWN) return this.set(e.path, { type: 'unknown' });
        if (s.state.exists) return undefined;
        const d = this.test(posix.dirname(s.at), host);
        if (d !== UNKNOWN && (!d.state.exists || d.state.type !== 'directory'))
          return failure(`command failed (rc=1): touch: cannot touch '${e.path}': No such file or directory`);
        return this.set(s.at, { type: 'file', content: new Uint8Array(), attrs: d === UNKNOWN ? this.defaults(who, 0o666) : inherit(this.defaults(who, 0o666), d.state, false) });
      }
      case 'attrs':
        return this.attrs(e, host);
    }
  }

  private attrs(e: Extract<PathEffect, { op: 'attrs' }>, host: HostFiles): { failed: string } | undefined {
    const s = this.test(e.path, host, e.noFollow !== true);
    if (s === UNKNOWN) return this.set(e.path, { type: 'unknown' });
    if (!s.state.exists) return failure(`command failed (rc=1): cannot access '${e.path}': No such file or directory`);
    // chown clears a regular file's setuid bit, and its setgid bit when group-executable (Linux, root included)
    const kept = e.mode === undefined && (e.owner !== undefined || e.group !== undefined) && s.state.type === 'file' ? afterChown(s.state.mode) : undefined;
    const p: Attrs = {
      ...(e.mode !== undefined ? { mode: e.mode } : kept !== undefined && kept !== s.state.mode ? { mode: kept } : {}),
      ...(e.owner !== undefined ? { owner: this.principal(e.owner, false) } : {}),
      ...(e.group !== undefined ? { group: this.principal(e.group, true) } : {}),
    };
    this.patchAt(s.at, p);
    if (e.recurse) {
      for (const k of [...this.nodes.keys()]) if (under(k, s.at)) this.patchAt(k, p);
      const n = this.nodes.get(s.at);
      if (n?.type === 'patched') this.set(s.at, { ...n, subtree: merge(n.subtree, p) });
      else if (n?.type === 'ensure') this.set(s.at, { ...n, subtree: merge(n.subtree, p) });
    }
    return undefined;
  }

  private patchAt(path: string, p: Attrs): void {
    const n = this.nodes.get(path);
    const link = n?.type === 'link';
    const q: Attrs = link ? { ...p, mode: undefined } : p;
    const clean = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Attrs;
    if (n === undefined) this.set(path, { type: 'patched', patch: clean });
    else if (n.type === 'patched' || n.type === 'ensure') this.set(path, { ...n, patch: merge(n.patch, clean) });
    else if (n.type === 'file' || n.type === 'directory' || n.type === 'link') this.set(path, { ...n, attrs: { ...n.attrs, ...clean } as Full });
  }
}
