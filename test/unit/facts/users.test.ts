import { execFileSync, spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupEntry, isValidAccountName, passwdEntry, shadowHash, userGroups } from '../../../src/facts/users.ts';

const fx = (name: string) => ({ stdout: readFileSync(new URL(`../../fixtures/facts/users/${name}`, import.meta.url), 'utf8'), stderr: '', code: 0 });

describe('passwdEntry', () => {
  it('parses real entries', () => {
    expect(passwdEntry.parse(fx('passwd-root.txt'), 'root')).toEqual({ name: 'root', uid: 0, gid: 0, comment: 'root', home: '/root', shell: '/bin/bash' });
    expect(passwdEntry.parse(fx('passwd-_apt.txt'), '_apt')).toEqual({ name: '_apt', uid: 42, gid: 65534, comment: '', home: '/nonexistent', shell: '/usr/sbin/nologin' });
    expect(passwdEntry.parse(fx('passwd-postgres.txt'), 'postgres')).toMatchObject({ uid: 101, gid: 104, comment: 'PostgreSQL administrator,,,' });
    expect(passwdEntry.parse(fx('passwd-ubuntu.from-docs.txt'), 'ubuntu')).toMatchObject({ uid: 1000, home: '/home/ubuntu' });
  });

  it('a missing user is null', () => {
    expect(passwdEntry.parse(fx('passwd-rig-missing.txt'), 'rig-missing')).toBeNull();
    expect(passwdEntry.command('rig-missing')).toBe('getent passwd rig-missing || true');
  });

  it('throws on a line that is not passwd(5)', () => {
    expect(() => passwdEntry.parse({ stdout: 'getent: command not found\n', stderr: '', code: 0 }, 'x')).toThrow(/unexpected output/);
  });
});

describe('groupEntry', () => {
  it('parses real entries, by name or gid, with members', () => {
    expect(groupEntry.parse(fx('group-root.txt'), 'root')).toEqual({ name: 'root', gid: 0, members: [] });
    expect(groupEntry.parse(fx('group-ssl-cert.txt'), 'ssl-cert')).toEqual({ name: 'ssl-cert', gid: 103, members: ['postgres'] });
    expect(groupEntry.parse(fx('group-65534.txt'), '65534')).toEqual({ name: 'nogroup', gid: 65534, members: [] });
    expect(groupEntry.parse(fx('group-docker.from-docs.txt'), 'docker')).toEqual({ name: 'docker', gid: 998, members: ['ubuntu', 'deploy'] });
    expect(groupEntry.parse(fx('group-rig-missing.txt'), 'rig-missing')).toBeNull();
  });
});

describe('userGroups and shadowHash', () => {
  it('lists groups primary first', () => {
    expect(userGroups.parse(fx('groups-postgres.txt'), 'postgres')).toEqual(['postgres', 'ssl-cert']);
    expect(userGroups.parse(fx('groups-root.txt'), 'root')).toEqual(['root']);
    expect(userGroups.parse(fx('groups-ubuntu.from-docs.txt'), 'ubuntu')).toEqual(['ubuntu', 'adm', 'cdrom', 'sudo', 'dip', 'lxd']);
    expect(userGroups.parse(fx('groups-rig-missing.txt'), 'rig-missing')).toEqual([]);
  });

  it('reads the hash field', () => {
    expect(shadowHash.parse(fx('shadow-daemon.txt'), 'daemon')).toBe('*');
    expect(shadowHash.parse(fx('shadow-ubuntu.from-docs.txt'), 'ubuntu')).toMatch(/^\$6\$rounds=4096\$saltsalt\$/);
    expect(shadowHash.parse(fx('shadow-rig-missing.txt'), 'rig-missing')).toBeNull();
  });
});

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
