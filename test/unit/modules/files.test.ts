import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { readCommand } from '../../../src/core/fact.ts';
import { attrChanges, directoryModule, fileModule, linkModule, normalizeMode, type FileArgs, type FileModuleState } from '../../../src/modules/files.ts';
import { absent, directory, planContext, regular, symlink } from '../../fixtures/facts/files/plan-context.ts';

const ctx = planContext();
const plan = (args: FileArgs, state: FileModuleState) => fileModule.plan(args, state, ctx);
const commands = (args: FileArgs, state: FileModuleState) => plan(args, state).changes.map((c) => (c.kind === 'exec' ? c.command : c.kind));

describe('normalizeMode', () => {
  it('accepts octal strings and numbers, rejects the rest', () => {
    expect(normalizeMode('644')).toBe('0644');
    expect(normalizeMode('2755')).toBe('2755');
    expect(normalizeMode(0o640)).toBe('0640');
    expect(normalizeMode('u=rw')).toBeUndefined();
    expect(normalizeMode('0888')).toBeUndefined();
    expect(normalizeMode(0o17777)).toBeUndefined();
  });
});

describe('file module args', () => {
  const v = (a: unknown) => argProblems(fileModule, a);
  it('valid args have no problems', () => expect(v({ path: '/etc/x', state: 'directory', mode: '0755', owner: 'root' })).toEqual([]));
  it.each([
    [{ path: 'etc/x' }, `path: must be an absolute path, got "etc/x"`],
    [{ path: '/x', mode: 'rwx' }, `mode: mode must be an octal string like '0644', got "rwx"`],
    [{ path: '/x', mode: 644 }, `mode: mode must be an octal string, got the number 644: write '0644' (quoted)`],
    [{ path: '/x', mode: 0o600 }, `mode: mode must be an octal string, got the number 384: write '0600' (quoted)`],
    [{ path: '/x', state: 'link' }, `state 'link' needs src (the link target)`],
    [{ path: '/x', recurse: true }, `recurse is only used with state 'directory'`],
    [{ path: '/x', owner: 'a:b' }, `owner: must be a non-empty name or id without spaces or ":"`],
    [{ path: '/x', owner: 0 }, `owner: expected a user/group name or numeric id as a string`],
    [{ path: '/x', state: 'dir' }, `state: Invalid option: expected one of "file"|"directory"|"link"|"absent"|"touch"`],
    [{ path: '/x', mdoe: '0600' }, `unknown key 'mdoe' (did you mean 'mode'?)`],
    [{ path: '/x', recurse: 'yes' }, `recurse: Invalid input: expected boolean, received string`],
  ])('%j → %s', (args, message) => expect(v(args).join('\n')).toContain(message));
  it("modes Ansible takes: '0', '01777', '644'; not over 07777", () => {
    expect(['0', '01777', '644', '4755'].map((m) => v({ path: '/x', mode: m }))).toEqual([[], [], [], []]);
    expect(['0', '01777', '644'].map((m) => normalizeMode(m))).toEqual(['0000', '1777', '0644']);
    expect(v({ path: '/x', mode: '17777' })[0]).toMatch(/octal string/);
  });
  it('values no path can hold: NUL bytes, BigInt, Symbol, cycles — problems, never crashes', () => {
    const cyc: Record<string, unknown> = { path: '/x' };
    cyc.self = cyc;
    expect(v({ path: '/x\0y' })).toEqual(['path: contains a NUL byte, which no path, name or command can hold']);
    expect(v({ path: '/x', mode: 644n })).toEqual(['mode: 644n is a BigInt: write a number or a string']);
    expect(v({ path: '/x', mode: Symbol('m') })).toEqual(['mode: a Symbol is not a value rig can use: write a string']);
    expect(v(cyc)).toEqual(['self: refers to itself (a cycle)']);
    expect(v({ path: '/x', get mode(): string { throw new Error('boom'); } })).toEqual(['cannot be checked: boom']);
  });
  it('directory and link refuse what they fix themselves', () => {
    expect(argProblems(directoryModule, { path: '/d', state: 'absent' })[0]).toMatch(/unknown key 'state'/);
    expect(argProblems(linkModule, { path: '/l' })[0]).toMatch(/^src: /);
    expect(argProblems(linkModule, { path: '/l', src: '/t', mode: '0644' })[0]).toMatch(/unknown key 'mode'/);
  });
});

describe('file module probe', () => {
  it('follows links for file/directory/touch, not for link/absent; tree drift only with recurse', () => {
    const p = (a: FileArgs) => fileModule.probe(a, ctx);
    expect(p({ path: '/x', state: 'directory' }).file.arg).toEqual({ path: '/x', follow: true });
    expect(p({ path: '/x', state: 'link', src: '/y' }).file.arg).toEqual({ path: '/x', follow: false });
    expect(p({ path: '/x', state: 'directory' }).drift).toBeUndefined();
    const r = p({ path: '/x', state: 'directory', recurse: true, owner: 'app', mode: '750' });
    expect(r.drift?.arg).toEqual({ path: '/x', owner: 'app', mode: '0750' });
    expect(readCommand(r.drift!)).toContain('find "$p"');
  });
});

describe('state: directory', () => {
  const args: FileArgs = { path: '/srv/app data', state: 'directory', mode: '0750', owner: 'app', group: 'app' };
  it('missing → mkdir -p, chown, chmod', () => {
    expect(commands(args, { file: absent(args.path) })).toEqual([`mkdir -p -- '/srv/app data'`, `chown app:app -- '/srv/app data'`, `chmod 00750 -- '/srv/app data'`]);
  });
  it('below a symlink to nothing (the nearest existing ancestor): fails as mkdir -p would (File exists), before anything runs', () => {
    const file = { ...absent('/srv/d/c'), danglingParent: { path: '/srv/d', to: '/srv/a' } };
    expect(plan({ path: '/srv/d/c', state: 'directory' }, { file }).failed).toBe(
      'cannot create /srv/d/c: /srv/d is a symlink to /srv/a, which does not exist; remove the link or create its target',
    );
    expect(commands({ path: '/srv/d/c', state: 'touch' }, { file })).toEqual([`touch -- /srv/d/c`]);
  });
  it('converged → no changes', () => {
    expect(plan(args, { file: directory(args.path, { mode: '0750', owner: 'app', group: 'app', uid: 1000, gid: 1000 }) }).changes).toEqual([]);
  });
  it('numeric owner compares with the uid', () => {
    expect(plan({ path: '/d', state: 'directory', owner: '1000' }, { file: directory('/d', { owner: 'app', uid: 1000 }) }).changes).toEqual([]);
  });
  it('only mode drift → chmod only, described with the old mode', () => {
    const p = plan(args, { file: directory(args.path, { mode: '0755', owner: 'app', group: 'app' }) });
    expect(p.changes).toEqual([
      { kind: 'exec', command: `chmod 00750 -- '/srv/app data'`, description: `chmod 0750 /srv/app data (was 0755)`, effects: [{ op: 'attrs', path: '/srv/app data', mode: '0750' }] },
    ]);
  });
  it('only group drift → chown :group', () => {
    expect(commands(args, { file: directory(args.path, { mode: '0750', owner: 'app', group: 'root' }) })).toEqual([`chown :app -- '/srv/app data'`]);
  });
  it('recurse with drift below → chmod -R / chown -hR; without drift nothing', () => {
    const a: FileArgs = { ...args, recurse: true };
    const top = directory(args.path, { mode: '0750', owner: 'app', group: 'app' });
    expect(commands(a, { file: top, drift: true })).toEqual([`chmod -R 00750 -- '/srv/app data'`, `chown -hR app:app -- '/srv/app data'`]);
    expect(commands(a, { file: top, drift: false })).toEqual([]);
  });
  it('a file in the way fails, nothing applied', () => {
    expect(plan(args, { file: regular(args.path, 'x') })).toMatchObject({ changes: [], failed: `/srv/app data is a file, not a directory` });
  });
  it('directoryModule is the same plan', () => {
    expect(directoryModule.plan({ path: '/d', mode: '755' }, { file: absent('/d') }, ctx).changes.map((c) => c.description)).toEqual(['create directory /d', 'chmod 0755 /d']);
  });
});

describe('state: file / touch / absent', () => {
  it('file: missing is a failure with a hint', () => {
    expect(plan({ path: '/f' }, { file: absent('/f') }).failed).toMatch(/does not exist \(use state: 'touch'/);
  });
  it('file: attributes only', () => {
    expect(commands({ path: '/f', mode: '0600' }, { file: regular('/f', 'x') })).toEqual(['chmod 00600 -- /f']);
    expect(commands({ path: '/f', mode: '600' }, { file: regular('/f', 'x', { mode: '0600' }) })).toEqual([]);
  });
  it('touch: creates when missing, leaves an existing file alone (idempotent)', () => {
    expect(commands({ path: '/f', state: 'touch', mode: '0640' }, { file: absent('/f') })).toEqual(['touch -- /f', 'chmod 00640 -- /f']);
    expect(commands({ path: '/f', state: 'touch' }, { file: regular('/f', 'x') })).toEqual([]);
  });
  it('absent: rm -rf when present, nothing when missing', () => {
    expect(commands({ path: "/tmp/it's", state: 'absent' }, { file: directory("/tmp/it's") })).toEqual([`rm -rf -- '/tmp/it'\\''s'`]);
    expect(commands({ path: '/x', state: 'absent' }, { file: absent('/x') })).toEqual([]);
  });
});

describe('state: link', () => {
  const a: FileArgs = { path: '/etc/nginx/sites-enabled/app', state: 'link', src: '../sites-available/app' };
  it('missing → ln -sfn', () => {
    expect(commands(a, { file: absent(a.path) })).toEqual([`ln -sfn -- ../sites-available/app /etc/nginx/sites-enabled/app`]);
  });
  it('right target → converged', () => expect(plan(a, { file: symlink(a.path, '../sites-available/app') }).changes).toEqual([]));
  it('other target → relinked', () => {
    expect(plan(a, { file: symlink(a.path, '/old') }).changes[0]?.description).toBe('link /etc/nginx/sites-enabled/app -> ../sites-available/app (was a link to /old)');
  });
  it('regular file in the way: fails without force, replaced with force', () => {
    expect(plan(a, { file: regular(a.path, 'x') }).failed).toMatch(/is a file; set force: true/);
    expect(commands({ ...a, force: true }, { file: regular(a.path, 'x') })).toEqual([`ln -sfn -- ../sites-available/app /etc/nginx/sites-enabled/app`]);
  });
  it('force over a file that src leads to (b → a, then link a → b): fails as ln does (are the same file), before anything runs', () => {
    const f: FileArgs = { path: '/srv/a', state: 'link', src: '/srv/b', force: true };
    const file = regular('/srv/a', 'x');
    const followed = { ...regular('/srv/a', 'x'), realPath: '/srv/a' };
    expect(plan(f, { file, source: { ...followed, path: '/srv/b' }, followed }).failed).toBe('/srv/a cannot be replaced by a link to /srv/b: /srv/b leads to /srv/a itself');
    // src leads elsewhere, or nowhere: replaced
    expect(commands(f, { file, source: { ...followed, path: '/srv/b', realPath: '/srv/c' }, followed })).toEqual([`ln -sfn -- /srv/b /srv/a`]);
    expect(commands(f, { file, source: absent('/srv/b'), followed })).toEqual([`ln -sfn -- /srv/b /srv/a`]);
    // only forced links to an absolute src read both (a relative src is taken from ln's working directory)
    expect(Object.keys(fileModule.probe(f, ctx))).toEqual(['file', 'source', 'followed']);
    expect(Object.keys(fileModule.probe({ ...f, src: 'b' }, ctx))).toEqual(['file']);
    expect(Object.keys(fileModule.probe({ ...f, force: false }, ctx))).toEqual(['file']);
  });
  it('a directory is never replaced', () => {
    expect(plan({ ...a, force: true }, { file: directory(a.path) }).failed).toMatch(/is a directory; remove it first/);
  });
  it('owner of the link itself via chown -h', () => {
    expect(linkModule.plan({ path: '/l', src: '/t', owner: 'app' }, { file: symlink('/l', '/t') }, ctx).changes.map((c) => c.kind === 'exec' && c.command)).toEqual([
      'chown -h app -- /l',
    ]);
  });
});

describe('attrChanges', () => {
  it('emits everything asked for when the path is about to be created', () => {
    expect(attrChanges('/p', { mode: '644', owner: 'a', group: 'b' }, undefined).map((c) => c.command)).toEqual(['chown a:b -- /p', 'chmod 00644 -- /p']);
  });

  it('chown clears a file\'s setuid bit: a wanted 4755 is set again after an owner change, even when the mode matches now', () => {
    const suid = regular('/usr/local/bin/x', 'x', { mode: '4755' });
    expect(attrChanges('/usr/local/bin/x', { mode: '4755', owner: 'nobody' }, suid).map((c) => c.command)).toEqual(['chown nobody -- /usr/local/bin/x', 'chmod 04755 -- /usr/local/bin/x']);
    // nothing to chown: the mode stays as it is
    expect(attrChanges('/usr/local/bin/x', { mode: '4755', owner: suid.owner }, suid)).toEqual([]);
    // a directory keeps its bits across chown: no chmod needed
    const sgidDir = directory('/srv/shared', { mode: '2775' });
    expect(attrChanges('/srv/shared', { mode: '2775', group: 'nogroup' }, sgidDir).map((c) => c.command)).toEqual(['chown :nogroup -- /srv/shared']);
  });
});
