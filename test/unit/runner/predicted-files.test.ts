/**
 * The predicted filesystem, as data: a host's real paths + predicted changes in, what later reads see out. The same
 * cases run for real in test/integration/check-exact.test.ts (check mode vs the real run on sshd hosts).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { read, type Change, type Fact, type Read } from '../../../src/core/index.ts';
import { predictRead } from '../../../src/runner/predicted/reads.ts';
import type { FileState, FileStateArg } from '../../../src/facts/files.ts';
import type { ExecIdentity } from '../../../src/facts/identity.ts';
import { PredictedFiles, UNKNOWN } from '../../../src/runner/predicted/files.ts';

const root: ExecIdentity = { umask: 0o022, user: 'root', uid: 0, group: 'root', gid: 0 };
const enc = (s: string) => new TextEncoder().encode(s);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

type HostPath = { type: 'file'; content: string; mode?: string } | { type: 'directory'; mode?: string } | { type: 'link'; target: string };

const ancestorsOf = (p: string) => p.split('/').slice(1, -1).map((_, i, a) => `/${a.slice(0, i + 1).join('/')}`);

/** A host with these paths (everything else absent); links are followed as the kernel does. */
function host(paths: Record<string, HostPath>) {
  const asked: FileStateArg[] = [];
  const lstat = (p: string): FileState => {
    const h = p === '/' ? { type: 'directory' as const } : paths[p];
    if (!h) return { path: p, exists: false };
    const base = { path: p, exists: true as const, owner: 'root', group: 'root', uid: 0, gid: 0 };
    if (h.type === 'link') return { ...base, type: 'link', mode: '0777', size: h.target.length, linkTarget: h.target };
    if (h.type === 'directory') return { ...base, type: 'directory', mode: h.mode ?? '0755', size: 4096 };
    return { ...base, type: 'file', mode: h.mode ?? '0644', size: h.content.length, sha256: sha(h.content), content: enc(h.content) };
  };
  const read = (arg: FileStateArg): FileState => {
    asked.push(arg);
    let p = arg.path;
    for (let i = 0; arg.follow && i < 10; i++) {
      const h = paths[p];
      if (h?.type !== 'link') break;
      p = h.target;
    }
    const s = lstat(p);
    // the nearest ancestor there is, when it is a link to nothing (the host's read says so for mkdir -p)
    const up = ancestorsOf(arg.path).reverse().find((a) => paths[a] !== undefined);
    const upTo = up !== undefined && paths[up]?.type === 'link' ? (paths[up] as { target: string }).target : undefined;
    const danglingParent = upTo !== undefined && paths[upTo] === undefined ? { danglingParent: { path: up as string, to: upTo } } : {};
    if (!s.exists) return { path: arg.path, exists: false, ...(arg.follow && p !== arg.path ? { danglingTo: p } : {}), ...danglingParent };
    const { content, ...rest } = s as FileState & { content?: Uint8Array };
    return { ...rest, path: arg.path, ...(arg.follow ? { realPath: p } : {}), ...(arg.content && content ? { content } : {}) } as FileState;
  };
  return { read, asked };
}

const write = (path: string, content: string, mode?: string): Change => ({ kind: 'write', path, content, description: 'w', ...(mode ? { mode } : {}) });
const exec = (effects: Extract<Change, { kind: 'exec' }>['effects']): Change => ({ kind: 'exec', command: ':', description: 'x', ...(effects ? { effects } : {}) });

function after(paths: Record<string, HostPath>, ...plans: Change[][]) {
  const h = host(paths);
  let files = new PredictedFiles();
  for (const changes of plans) {
    const next = files.apply(changes, h.read, root);
    if ('failed' in next) return { failed: next.failed, files, h };
    files = next;
  }
  return { files, h, failed: undefined };
}

const text = (s: FileState | typeof UNKNOWN) => (s !== UNKNOWN && s.exists && s.content ? new TextDecoder().decode(s.content) : s);

describe('predicted files: a write is seen by later reads', () => {
  it('content, sha256 and size of a written file; the host is not asked once a prediction replaced the path', () => {
    const { files, h } = after({ '/etc': { type: 'directory' } }, [write('/etc/a', 'x\n', '0600')]);
    const s = files.fileState({ path: '/etc/a', content: true }, h.read);
    expect(s).toMatchObject({ exists: true, type: 'file', mode: '0600', owner: 'root', uid: 0, size: 2, sha256: sha('x\n') });
    expect(text(s)).toBe('x\n');
    expect(h.asked.filter((a) => a.path === '/etc/a' && !a.follow)).toEqual([]);
  });
  it('a new file without a mode gets the umask default; an existing one keeps its mode', () => {
    const { files, h } = after({ '/d': { type: 'directory' }, '/d/old': { type: 'file', content: '', mode: '0640' } }, [write('/d/new', 'n'), write('/d/old', 'o')]);
    expect(files.fileState({ path: '/d/new' }, h.read)).toMatchObject({ mode: '0644' });
    expect(files.fileState({ path: '/d/old' }, h.read)).toMatchObject({ mode: '0640' });
  });
  it('a write into a missing directory fails as the real write script does', () => {
    expect(after({}, [write('/nope/f', 'x')]).failed).toBe('command failed (rc=1): rig: cannot write /nope/f: directory /nope does not exist');
  });
  it('a write into a directory an earlier change created succeeds', () => {
    const { files, h, failed } = after({ '/srv': { type: 'directory' } }, [exec([{ op: 'mkdir', path: '/srv/a/b' }])], [write('/srv/a/b/f', 'x')]);
    expect(failed).toBeUndefined();
    expect(files.fileState({ path: '/srv/a', follow: true }, h.read)).toMatchObject({ type: 'directory', mode: '0755' });
    expect(files.fileState({ path: '/srv/a/b/f' }, h.read)).toMatchObject({ type: 'file', size: 1 });
  });
  it('a write onto a directory fails', () => {
    expect(after({ '/d': { type: 'directory' } }, [write('/d', 'x')]).failed).toContain('it is a directory');
  });
});

describe('predicted files: removal, links, attributes', () => {
  it('rm -rf removes the path and everything below, also what the host has there', () => {
    const { files, h } = after({ '/d': { type: 'directory' }, '/d/f': { type: 'file', content: 'x' } }, [exec([{ op: 'remove', path: '/d' }])]);
    expect(files.fileState({ path: '/d/f' }, h.read)).toEqual({ path: '/d/f', exists: false });
    expect(files.fileState({ path: '/d' }, h.read)).toEqual({ path: '/d', exists: false });
  });
  it('mkdir after rm -rf gives an empty directory: the host children are gone', () => {
    const { files, h } = after({ '/d': { type: 'directory' }, '/d/f': { type: 'file', content: 'x' } }, [exec([{ op: 'remove', path: '/d' }])], [exec([{ op: 'mkdir', path: '/d' }])]);
    expect(files.fileState({ path: '/d', follow: true }, h.read)).toMatchObject({ type: 'directory' });
    expect(files.fileState({ path: '/d/f' }, h.read)).toEqual({ path: '/d/f', exists: false });
  });
  it('a followed read goes through a predicted link to the predicted target', () => {
    const { files, h } = after({ '/d': { type: 'directory' } }, [write('/d/t', 'target\n')], [exec([{ op: 'link', path: '/d/l', target: 't' }])]);
    const s = files.fileState({ path: '/d/l', follow: true, content: true }, h.read);
    expect(s).toMatchObject({ path: '/d/l', type: 'file', realPath: '/d/t' });
    expect(text(s)).toBe('target\n');
    expect(files.fileState({ path: '/d/l' }, h.read)).toMatchObject({ type: 'link', linkTarget: 't' });
  });
  it('a host link that dangled now leads to a predicted file', () => {
    const { files, h } = after({ '/d': { type: 'directory' }, '/d/l': { type: 'link', target: '/d/t' } }, [write('/d/t', 'now\n')]);
    const s = files.fileState({ path: '/d/l', follow: true, content: true }, h.read);
    expect(s).toMatchObject({ exists: true, realPath: '/d/t' });
    expect(text(s)).toBe('now\n');
  });
  it('a write replaces a link at the path itself (the write script renames over it)', () => {
    const { files, h } = after({ '/d': { type: 'directory' }, '/d/t': { type: 'file', content: 't' }, '/d/l': { type: 'link', target: '/d/t' } }, [write('/d/l', 'own')]);
    expect(files.fileState({ path: '/d/l' }, h.read)).toMatchObject({ type: 'file', size: 3 });
    expect(files.fileState({ path: '/d/t' }, h.read)).toMatchObject({ type: 'file', size: 1 });
  });
  it('chmod through a link changes the target; chown -h changes the link', () => {
    const paths: Record<string, HostPath> = { '/d': { type: 'directory' }, '/d/t': { type: 'file', content: 't' }, '/d/l': { type: 'link', target: '/d/t' } };
    const { files, h } = after(paths, [exec([{ op: 'attrs', path: '/d/l', mode: '0600' }, { op: 'attrs', path: '/d/l', owner: 'nobody', noFollow: true }])]);
    expect(files.fileState({ path: '/d/t' }, h.read)).toMatchObject({ mode: '0600', owner: 'root' });
    expect(files.fileState({ path: '/d/l' }, h.read)).toMatchObject({ type: 'link', owner: 'nobody' });
  });
  it('chmod -R reaches host files below; treeDrift then has nothing to report', () => {
    const paths: Record<string, HostPath> = { '/d': { type: 'directory' }, '/d/f': { type: 'file', content: 'x' } };
    const { files, h } = after(paths, [exec([{ op: 'attrs', path: '/d', mode: '0700', recurse: true }])]);
    expect(files.fileState({ path: '/d/f' }, h.read)).toMatchObject({ mode: '0700' });
    expect(files.treeDrift({ path: '/d', mode: '0700' }, h.read)).toBe(false);
    expect(files.treeDrift({ path: '/d', mode: '0755' }, h.read)).toBe(true);
    // the host's files below were not read: only a -R covering the asked attribute settles them
    expect(files.treeDrift({ path: '/d', group: 'root' }, h.read)).toBe(UNKNOWN);
  });
  it('touch creates an empty file only where there is none', () => {
    const { files, h } = after({ '/d': { type: 'directory' }, '/d/x': { type: 'file', content: 'keep' } }, [exec([{ op: 'touch', path: '/d/new' }, { op: 'touch', path: '/d/x' }])]);
    expect(files.fileState({ path: '/d/new' }, h.read)).toMatchObject({ type: 'file', size: 0, mode: '0644' });
    expect(files.fileState({ path: '/d/x' }, h.read)).toMatchObject({ size: 4 });
  });
  it('an opaque change to a path makes it and everything below unknown, nothing else', () => {
    const { files, h } = after({ '/d': { type: 'directory' } }, [exec([{ op: 'unknown', path: '/d/x' }])]);
    expect(files.fileState({ path: '/d/x' }, h.read)).toBe(UNKNOWN);
    expect(files.fileState({ path: '/d/x/y' }, h.read)).toBe(UNKNOWN);
    expect(files.fileState({ path: '/d/other' }, h.read)).toEqual({ path: '/d/other', exists: false });
  });
  it('a path below a predicted file cannot be inspected (Not a directory), as stat says', () => {
    const { files, h } = after({ '/d': { type: 'directory' } }, [write('/d/f', 'x')]);
    expect(() => files.fileState({ path: '/d/f/x' }, h.read)).toThrow(/Not a directory/);
  });
  it('a chown by name is comparable by id once the host showed that pair', () => {
    const paths: Record<string, HostPath> = { '/d': { type: 'directory' }, '/d/f': { type: 'file', content: 'x' } };
    const { files, h } = after(paths, [exec([{ op: 'attrs', path: '/d/f', owner: 'root' }])]);
    expect(files.fileState({ path: '/d/f' }, h.read)).toMatchObject({ owner: 'root', uid: 0 });
  });
  it('a directory reached through a predicted link is the link target: mkdir and writes land there', () => {
    const { files, h, failed } = after(
      { '/t': { type: 'directory' } },
      [exec([{ op: 'mkdir', path: '/t/real' }])],
      [exec([{ op: 'link', path: '/t/l', target: 'real' }])],
      [exec([{ op: 'mkdir', path: '/t/l/sub' }]), write('/t/l/sub/new', 'x\n')],
    );
    expect(failed).toBeUndefined();
    expect(files.fileState({ path: '/t/real/sub/new' }, h.read)).toMatchObject({ type: 'file', size: 2 });
    expect(files.fileState({ path: '/t/l/sub/new', follow: true }, h.read)).toMatchObject({ type: 'file', realPath: '/t/real/sub/new' });
  });
  it("a path below the host's own link is the same file as the one below its target", () => {
    const { files, h } = after({ '/t': { type: 'directory' }, '/t/real': { type: 'directory' }, '/t/l': { type: 'link', target: '/t/real' } }, [write('/t/real/a', 'one\n')]);
    expect(files.fileState({ path: '/t/l/a' }, h.read)).toMatchObject({ path: '/t/l/a', type: 'file', size: 4 });
    const removed = after({ '/t': { type: 'directory' }, '/t/real': { type: 'directory' }, '/t/real/a': { type: 'file', content: 'x' }, '/t/l': { type: 'link', target: '/t/real' } }, [
      exec([{ op: 'remove', path: '/t/l/a' }]),
    ]);
    expect(removed.files.fileState({ path: '/t/real/a' }, removed.h.read)).toEqual({ path: '/t/real/a', exists: false });
  });
  it('chmod/chown -R after mkdir keeps the new directory (and reaches what is below it)', () => {
    const { files, h } = after({ '/t': { type: 'directory' } }, [exec([{ op: 'mkdir', path: '/t/a/b' }])], [exec([{ op: 'attrs', path: '/t/a', mode: '0750', owner: 'nobody', recurse: true }])]);
    expect(files.fileState({ path: '/t/a', follow: true }, h.read)).toMatchObject({ type: 'directory', mode: '0750', owner: 'nobody' });
    expect(files.fileState({ path: '/t/a/b' }, h.read)).toMatchObject({ type: 'directory', mode: '0750', owner: 'nobody' });
  });
  it('a plan that fails part-way records nothing', () => {
    const h = host({ '/d': { type: 'directory' } });
    const files = new PredictedFiles();
    expect(files.apply([write('/d/a', 'x'), write('/nope/b', 'y')], h.read, root)).toHaveProperty('failed');
    expect(files.empty).toBe(true);
  });
});

describe('a package install (mayCreate): paths nobody listed may appear', () => {
  const install = exec([{ op: 'mayCreate', path: '/' }]);
  it('a missing directory is unknown after it, so a write into it is not predicted to fail (docker.io creates /etc/docker)', () => {
    const before = after({ '/etc': { type: 'directory' } }, [write('/etc/docker/daemon.json', '{}')]);
    expect(before.failed).toMatch(/directory \/etc\/docker does not exist/);
    const r = after({ '/etc': { type: 'directory' } }, [install], [write('/etc/docker/daemon.json', '{}')]);
    expect(r.failed).toBeUndefined();
    expect(r.files.fileState({ path: '/etc/docker/daemon.json' }, r.h.read)).toBe(UNKNOWN);
  });
  it('a path that exists keeps its state, and what the run writes later is known', () => {
    const r = after({ '/etc': { type: 'directory' }, '/etc/motd': { type: 'file', content: 'hi' } }, [install], [write('/etc/motd', 'new')]);
    expect(text(r.files.fileState({ path: '/etc/motd', content: true }, r.h.read))).toBe('new');
    expect(r.files.fileState({ path: '/etc', follow: true }, r.h.read)).toMatchObject({ exists: true, type: 'directory' });
  });
  it('only below its directory', () => {
    const r = after({ '/opt': { type: 'directory' } }, [exec([{ op: 'mayCreate', path: '/opt/app' }])]);
    expect(r.files.fileState({ path: '/opt/app/bin' }, r.h.read)).toBe(UNKNOWN);
    expect(r.files.fileState({ path: '/srv/x' }, r.h.read)).toEqual({ path: '/srv/x', exists: false });
  });
});

describe('a followed read through a predicted link to nothing says where it dangles (as stat -L + readlink -f do)', () => {
  it('link d → a (a missing), then a followed read of d', () => {
    const r = after({ '/b': { type: 'directory' } }, [exec([{ op: 'link', path: '/b/d', target: '/b/a' }])]);
    expect(r.files.fileState({ path: '/b/d', follow: true }, r.h.read)).toEqual({ path: '/b/d', exists: false, danglingTo: '/b/a' });
    expect(r.files.fileState({ path: '/b/d' }, r.h.read)).toMatchObject({ exists: true, type: 'link' });
  });
  it('a host link to a path a prediction removed', () => {
    const r = after({ '/b': { type: 'directory' }, '/b/a': { type: 'file', content: 'x' }, '/b/d': { type: 'link', target: '/b/a' } }, [exec([{ op: 'remove', path: '/b/a' }])]);
    expect(r.files.fileState({ path: '/b/d', follow: true }, r.h.read)).toEqual({ path: '/b/d', exists: false, danglingTo: '/b/a' });
  });
});

describe('a host link to nothing above the path (mkdir -p stops there)', () => {
  const paths = { '/b': { type: 'directory' }, '/b/d': { type: 'link', target: '/b/a' } } as const;
  it('the host says so, and check mode passes it on while nothing was predicted there', () => {
    const r = after(paths);
    expect(r.files.fileState({ path: '/b/d/c', follow: true }, r.h.read)).toEqual({ path: '/b/d/c', exists: false, danglingParent: { path: '/b/d', to: '/b/a' } });
  });
  it('a predicted mkdir of where it leads: the path resolves through the link, as the kernel will', () => {
    const r = after(paths, [exec([{ op: 'mkdir', path: '/b/a' }])]);
    expect(r.files.fileState({ path: '/b/d/c', follow: true }, r.h.read)).toEqual({ path: '/b/d/c', exists: false });
    const r2 = after(paths, [exec([{ op: 'mkdir', path: '/b/a/c' }])]);
    expect(r2.files.fileState({ path: '/b/d/c', follow: true }, r2.h.read)).toMatchObject({ path: '/b/d/c', exists: true, type: 'directory' });
  });
  it('a predicted change elsewhere leaves it blocked', () => {
    const r = after(paths, [exec([{ op: 'mkdir', path: '/b/x' }])]);
    expect(r.files.fileState({ path: '/b/d/c', follow: true }, r.h.read)).toMatchObject({ exists: false, danglingParent: { path: '/b/d' } });
  });
});

describe('mkdir -p through a predicted link', () => {
  it('to nothing fails as mkdir does (File exists)', () => {
    const r = after({ '/b': { type: 'directory' } }, [exec([{ op: 'link', path: '/b/d', target: '/b/a' }])], [exec([{ op: 'mkdir', path: '/b/d/c' }])]);
    expect(r.failed).toBe("command failed (rc=1): mkdir: cannot create directory '/b/d': File exists");
  });
  it('to nothing: a read below it says where mkdir -p stops, as the host would', () => {
    const r = after({ '/b': { type: 'directory' } }, [exec([{ op: 'link', path: '/b/d', target: '/b/a' }])]);
    expect(r.files.fileState({ path: '/b/d/c/e', follow: true }, r.h.read)).toEqual({ path: '/b/d/c/e', exists: false, danglingParent: { path: '/b/d', to: '/b/a' } });
  });
  it('to nothing, with a predicted directory above it: the read below still says where mkdir -p stops', () => {
    const r = after({ '/b': { type: 'directory' } }, [exec([{ op: 'link', path: '/b/d', target: '/b/l' }])], [exec([{ op: 'mkdir', path: '/b' }]), write('/b/a', 'x')]);
    expect(r.files.fileState({ path: '/b/d/c', follow: true }, r.h.read)).toEqual({ path: '/b/d/c', exists: false, danglingParent: { path: '/b/d', to: '/b/l' } });
    expect(r.files.fileState({ path: '/b/d/c' }, r.h.read)).toEqual({ path: '/b/d/c', exists: false, danglingParent: { path: '/b/d', to: '/b/l' } });
  });
  it('to a directory holding a host link to nothing: the read below keeps the host\'s danglingParent', () => {
    const r = after({ '/b': { type: 'directory' }, '/b/x': { type: 'directory' }, '/b/x/e': { type: 'link', target: '/b/none' } }, [exec([{ op: 'link', path: '/b/d', target: '/b/x' }])]);
    expect(r.files.fileState({ path: '/b/d/e/c' }, r.h.read)).toMatchObject({ exists: false, danglingParent: { to: '/b/none' } });
  });
  it('to a directory goes through it', () => {
    const r = after({ '/b': { type: 'directory' }, '/b/a': { type: 'directory' } }, [exec([{ op: 'link', path: '/b/d', target: '/b/a' }])], [exec([{ op: 'mkdir', path: '/b/d/c' }])]);
    expect(r.failed).toBeUndefined();
    expect(r.files.fileState({ path: '/b/a/c' }, r.h.read)).toMatchObject({ exists: true, type: 'directory' });
  });
});

describe('facts that declare the paths they read', () => {
  const fact: Fact<string, string> = { name: 'test.pathsFact', command: (a) => `cat ${a}`, parse: () => 'host value', paths: (a) => [a] };
  it('a path a host symlink takes into what a prediction wrote is unknown; an untouched one is the host value', () => {
    const r = after({ '/s': { type: 'directory' }, '/s/real': { type: 'directory' }, '/s/l': { type: 'link', target: '/s/real' } }, [write('/s/real/x.zip', 'zip')]);
    const reads = <T>(rd: Read<T>): T => r.h.read(rd.arg as FileStateArg) as T;
    expect(predictRead(r.files, read(fact, '/s/l/x.zip'), () => 'host value', reads)).toBe(UNKNOWN);
    expect(predictRead(r.files, read(fact, '/s/real/x.zip'), () => 'host value', reads)).toBe(UNKNOWN);
    expect(predictRead(r.files, read(fact, '/s/other.zip'), () => 'host value', reads)).toBe('host value');
  });
});
