import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { readCommand } from '../../../src/core/fact.ts';
import { copyModule, planWrite, type CopyArgs } from '../../../src/modules/copy.ts';
import { absent, directory, planContext, regular, symlink } from '../../fixtures/facts/files/plan-context.ts';

const ctx = planContext();
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/facts/files/${name}`, import.meta.url));
const conf = 'listen 80;\n';

describe('copy args', () => {
  const v = (a: unknown) => argProblems(copyModule, a);
  it('exactly one of content/src, absolute dest, validate with %s', () => {
    expect(v({ dest: '/etc/a', content: 'x' })).toEqual([]);
    expect(v({ dest: '/etc/a' })).toEqual(['give exactly one of content and src']);
    expect(v({ dest: '/etc/a', content: 'x', src: '/y' })).toEqual(['give exactly one of content and src']);
    expect(v({ dest: 'a', content: 'x' })).toEqual(['dest: must be an absolute path, got "a"']);
    expect(v({ dest: '/a', content: 'x', validate: 'nginx -t' })[0]).toMatch(/validate: must contain %s/);
  });
  it.each([
    [{ content: 'k\n', dest: '/srv/key', mdoe: '0600' }, `unknown key 'mdoe' (did you mean 'mode'?)`],
    [{ content: 'k', dest: '/srv/key', mode: 644 }, `write '0644' (quoted)`],
    [{ content: 5, dest: '/srv/key' }, 'content: Invalid input: expected string, received number'],
    [{ content: 'x', dest: '/a', backup: 'yes' }, 'backup: Invalid input: expected boolean'],
    [{ content: 'x', dest: '/a', owner: '' }, 'owner: must be a non-empty name'],
    [{ content: 'x' }, 'dest: expected an absolute path'],
  ])('%j → %s', (args, message) => expect(v(args).join('\n')).toContain(message));
  it('a misspelled required key is reported once, as the misspelling (not also as the key it meant, missing)', () => {
    const problems = v({ content: 'x', dset: '/srv/key' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^unknown key 'dset' \(did you mean 'dest'\?\); known keys: /);
    expect(v({ content: 'x', dset: '/srv/key' }).join('\n')).not.toMatch(/^dest:/m);
    // a dest that is present but wrong is still reported beside an unrelated unknown key
    expect(v({ content: 'x', dest: 'rel', mdoe: '0600' }).join('\n')).toMatch(/dest: must be an absolute path/);
  });
  it('names the controller file it reads', () => expect(copyModule.localFiles?.({ dest: '/a', src: '/ctl/f' })).toEqual(['/ctl/f']));
});

describe('copy probe', () => {
  it('asks for content under --diff only, and never follows links', () => {
    const r = copyModule.probe({ dest: '/etc/a b', content: 'x' }, ctx);
    expect(r.dest.arg).toEqual({ path: '/etc/a b', content: true });
    expect(readCommand(r.dest)).toContain(`p='/etc/a b'`);
    expect(copyModule.probe({ dest: '/etc/a b', content: 'x' }, { ...ctx, diff: false }).dest.arg).toEqual({ path: '/etc/a b', content: false });
  });

  it('without --diff: content changed is decided by sha256 and has no diff', () => {
    const p = copyModule.plan({ dest: '/a', content: 'new' }, { dest: { ...regular('/a', 'old'), content: undefined } }, { ...ctx, diff: false });
    expect(p.changes).toHaveLength(1);
    expect(p.diff).toBeUndefined();
    expect(p.msg).toBe('content changed');
  });
});

describe('copy plan', () => {
  const args: CopyArgs = { dest: '/etc/nginx/nginx.conf', content: conf, mode: '0644', owner: 'root', group: 'root', backup: true, validate: 'nginx -t -c %s' };

  it('missing dest → one atomic write carrying mode/owner/group/backup/validate, diff from empty', () => {
    const p = copyModule.plan(args, { dest: absent(args.dest) }, ctx);
    expect(p.changes).toEqual([
      {
        kind: 'write', path: args.dest, content: conf, mode: '0644', owner: 'root', group: 'root', backup: true, validate: 'nginx -t -c %s',
        description: 'create /etc/nginx/nginx.conf (11 bytes)',
      },
    ]);
    expect(p.diff).toEqual([{ path: args.dest, before: '', after: conf }]);
  });

  it('converged (same sha256, same attributes) → no changes', () => {
    expect(copyModule.plan(args, { dest: regular(args.dest, conf) }, ctx)).toEqual({ changes: [] });
  });

  it('different content → write with before/after diff', () => {
    const p = copyModule.plan(args, { dest: regular(args.dest, 'listen 8080;\n') }, ctx);
    expect(p.changes.map((c) => c.kind)).toEqual(['write']);
    expect(p.diff).toEqual([{ path: args.dest, before: 'listen 8080;\n', after: conf }]);
    expect(p.msg).toBe('content changed');
  });

  it('same content, attributes drift → chmod/chown only, no write', () => {
    const p = copyModule.plan(args, { dest: regular(args.dest, conf, { mode: '0600', owner: 'www', uid: 33 }) }, ctx);
    expect(p.changes.map((c) => (c.kind === 'exec' ? c.command : c.kind))).toEqual(['chown root -- /etc/nginx/nginx.conf', 'chmod 00644 -- /etc/nginx/nginx.conf']);
    expect(p.diff).toBeUndefined();
  });

  it('no mode given: the existing mode is not touched', () => {
    expect(copyModule.plan({ dest: '/a', content: 'x' }, { dest: regular('/a', 'x', { mode: '0600' }) }, ctx).changes).toEqual([]);
    const w = copyModule.plan({ dest: '/a', content: 'y' }, { dest: regular('/a', 'x', { mode: '0600' }) }, ctx).changes[0];
    expect(w).not.toHaveProperty('mode');
  });

  it('existing file over 1 MiB (content not probed): write decided by sha256, no diff', () => {
    const big = { ...regular('/big', 'old'), content: undefined, contentOmitted: 'too-large' as const };
    const p = copyModule.plan({ dest: '/big', content: 'new' }, { dest: big }, ctx);
    expect(p.changes).toHaveLength(1);
    expect(p.diff).toBeUndefined();
    expect(p.msg).toMatch(/no text diff/);
  });

  it('src is read on the controller; binary content writes bytes without a diff', () => {
    const p = copyModule.plan({ dest: '/opt/b', src: fixture('upload.bin') }, { dest: regular('/opt/b', 'old') }, ctx);
    const w = p.changes[0];
    expect(w?.kind === 'write' && Array.from(w.content as Uint8Array).slice(0, 3)).toEqual([0, 1, 98]);
    expect(p.diff).toBeUndefined();
    expect(copyModule.plan({ dest: '/opt/t', src: fixture('upload.txt') }, { dest: regular('/opt/t', 'ok\n') }, ctx).changes).toEqual([]);
  });

  it('missing src fails at plan time with the path', () => {
    expect(copyModule.plan({ dest: '/x', src: '/nonexistent/file' }, { dest: absent('/x') }, ctx).failed).toMatch(/cannot read src \/nonexistent\/file: ENOENT/);
  });

  it('dest is a directory / unreadable → failure, nothing applied', () => {
    expect(copyModule.plan({ dest: '/etc', content: 'x' }, { dest: directory('/etc') }, ctx)).toMatchObject({ changes: [], failed: expect.stringMatching(/is a directory/) });
    const locked = { ...regular('/etc/shadow', 'x'), sha256: undefined, content: undefined, unreadable: true };
    expect(copyModule.plan({ dest: '/etc/shadow', content: 'x' }, { dest: locked }, ctx).failed).toMatch(/become: true/);
  });

  it('a symlink at dest is replaced by the file', () => {
    const p = copyModule.plan({ dest: '/etc/resolv.conf', content: 'nameserver 1.1.1.1\n' }, { dest: symlink('/etc/resolv.conf', '../run/resolv.conf') }, ctx);
    expect(p.changes[0]?.description).toBe('replace link /etc/resolv.conf (19 bytes)');
  });

  it('planWrite compares bytes, not strings', () => {
    expect(planWrite('/a', new TextEncoder().encode('é'), regular('/a', 'é'), {}).changes).toEqual([]);
  });
});
