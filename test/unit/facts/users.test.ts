import { execFileSync, spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { groupEntry, isValidAccountName, passwdEntry, userGroups } from '../../../src/facts/users.ts';

// parse cases (command + captured output → value) are data: test/cases/facts/users.*/*.json
describe('account names', () => {
  it('accepts portable names, rejects the rest', () => {
    for (const ok of ['deploy', '_apt', 'svc-app', 'a.b', 'Admin', 'machine$']) expect(isValidAccountName(ok), ok).toBe(true);
    for (const bad of ['', '-r', '1abc', 'a b', 'a:b', 'x;id', 'a'.repeat(33)]) expect(isValidAccountName(bad), bad).toBe(false);
  });
});

const hasGetent = process.platform === 'linux' && spawnSync('sh', ['-c', 'command -v getent && command -v id']).status === 0;
if (!hasGetent) console.warn('users live check skipped: needs getent and id');

describe('users facts on this machine (real process)', () => {
  it.skipIf(!hasGetent)('agree with what node knows about the current user', () => {
    const me = userInfo();
    const run = (cmd: string) => ({ stdout: execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }), stderr: '', code: 0 });
    const entry = passwdEntry.parse(run(passwdEntry.command(me.username)), me.username);
    expect(entry).toMatchObject({ name: me.username, uid: me.uid, gid: me.gid, home: me.homedir });
    const groups = userGroups.parse(run(userGroups.command(me.username)), me.username);
    expect(groupEntry.parse(run(groupEntry.command(String(me.gid))), String(me.gid))?.name).toBe(groups[0]);
    expect(passwdEntry.parse(run(passwdEntry.command('rig-no-such-user')), 'rig-no-such-user')).toBeNull();
  });
});
