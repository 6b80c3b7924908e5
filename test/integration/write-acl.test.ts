/**
 * Atomic writes into a directory with a default ACL (setfacl -d), where the kernel ignores the umask for new files:
 * the file still ends with exactly its mode, and the temp file holding the content is never more open than that.
 * Needs setfacl (package acl; scripts/test-all.sh installs it); skipped, saying so, without it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileScript } from '../../src/connection/write-file.ts';
import { tempDir } from '../support/temp-dir.ts';

const setfacl = spawnSync('setfacl', ['--version']).status === 0;
if (!setfacl) console.warn('SKIPPED write-acl: setfacl is not installed (apt-get install acl)');

/** A directory whose default ACL lets everyone read and write new files (umask ignored), plus a named group entry. */
function aclDir(): string {
  const dir = tempDir('rig-acl-');
  const r = spawnSync('setfacl', ['-d', '-m', 'u::rwx,g::rwx,o::rwx,g:nogroup:rwx', dir], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return dir;
}

/** Run the write of `p` under umask 022; `seen`: the temp file's mode as the content is written, then the file's. */
function write(p: string, mode?: string): { seen: string; final: string } {
  const script = writeFileScript({ kind: 'write', path: p, content: 'SECRET=1\n', ...(mode ? { mode } : {}), description: 'write' }).script;
  const spied = script.replace(/^printf '%s' /m, (m) => `stat -c %a "$tmp" > "$p.seen"; ${m}`);
  expect(spied).not.toBe(script);
  const r = spawnSync('/bin/sh', ['-c', `umask 022\n${spied}`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(readFileSync(p, 'utf8')).toBe('SECRET=1\n');
  return { seen: readFileSync(`${p}.seen`, 'utf8').trim(), final: (statSync(p).mode & 0o7777).toString(8) };
}

/** Whether mode `a` (octal text) gives no one but the owner (who writes it) a permission `b` does not. */
const noWider = (a: string, b: string): boolean => (Number.parseInt(a, 8) & ~Number.parseInt(b, 8) & 0o077) === 0;

describe.skipIf(!setfacl)('writes into a directory with a default ACL', () => {
  it.each(['0600', '0640', '0644', '0755', '0400', '4755'])('mode %s: exact, and the content never in a wider temp file', (mode) => {
    const dir = aclDir();
    const p = path.join(dir, 'f');
    const want = Number.parseInt(mode, 8).toString(8);
    const fresh = write(p, mode);
    expect(fresh.final).toBe(want);
    expect(noWider(fresh.seen, mode), `temp ${fresh.seen} vs ${mode}`).toBe(true);
    const again = write(p, mode);
    expect(again.final).toBe(want);
    expect(noWider(again.seen, mode)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('.rig-'))).toEqual([]);
  });

  it('no mode: a new file gets the umask default (as Ansible), an existing 0600 one stays 0600 and its content never sits in a wider file', () => {
    const dir = aclDir();
    const p = path.join(dir, 'new');
    const fresh = write(p);
    expect(fresh.final).toBe('644');
    expect(noWider(fresh.seen, '0644')).toBe(true);
    const q = path.join(dir, 'secret');
    writeFileSync(q, 'old\n');
    chmodSync(q, 0o600);
    const kept = write(q);
    expect(kept.final).toBe('600');
    expect(noWider(kept.seen, '0600'), `temp ${kept.seen}`).toBe(true);
  });
});
