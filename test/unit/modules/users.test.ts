import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { shadowHash } from '../../../src/facts/users.ts';
import { groupModule, userModule } from '../../../src/modules/users.ts';

const out = (p: string) => ({ stdout: readFileSync(new URL(`../../fixtures/facts/users/${p}`, import.meta.url), 'utf8'), stderr: '', code: 0 });
const HASH = shadowHash.parse(out('shadow-ubuntu.from-docs.txt'), 'ubuntu') as string;

// plan and probe cases (args + getent/id output → commands) are data: test/cases/modules/user/*.json, group/*.json

describe('user args', () => {
  const v = (a: unknown) => argProblems(userModule, a);
  it('valid args have no problems', () => {
    expect(v({ name: 'deploy', uid: 1500, group: 'users', groups: ['docker'], shell: '/bin/bash', password: HASH })).toEqual([]);
    expect(v({ name: 'consul', group: 'consul', system: true, shell: '/usr/sbin/nologin', home: '/opt/consul', createHome: false })).toEqual([]);
    expect(v({ name: 'd', group: 1000, append: false, comment: 'Deploy user', password: '!' })).toEqual([]);
    expect(v({ name: 'd', group: '1000', password: '*', state: 'absent', removeHome: true })).toEqual([]);
  });
  it.each([
    [{}, 'name: expected a user name as a string, got undefined'],
    [{ name: '' }, "name: must not be empty: give a user name like 'deploy'"],
    [{ name: '1deploy' }, 'name: "1deploy" is not a valid user name (letters, digits, _ . -, at most 32, not starting with a digit or -)'],
    [{ name: 'a'.repeat(33) }, 'is not a valid user name'],
    [{ name: 'bob', shel: '/bin/sh' }, `unknown key 'shel' (did you mean 'shell'?)`],
    [{ name: 'bob', grops: ['docker'] }, `unknown key 'grops' (did you mean 'groups'?)`],
    [{ name: 'd', state: 'locked' }, 'state: Invalid option: expected one of "present"|"absent"'],
    [{ name: 'd', uid: -1 }, 'uid: must be a non-negative integer, got -1'],
    [{ name: 'd', uid: 1.5 }, 'uid: must be a non-negative integer, got 1.5'],
    [{ name: 'd', uid: 2 ** 32 - 1 }, 'uid: must be at most 4294967294, got 4294967295'],
    [{ name: 'd', uid: '1000' }, 'uid: expected a uid as a number, got "1000"'],
    [{ name: 'd', group: -1 }, 'group: must be a non-negative integer, got -1'],
    [{ name: 'd', group: 1.5 }, 'group: expected a group name or a gid (a whole number >= 0), got 1.5'],
    [{ name: 'd', group: 'a b' }, 'group: "a b" is neither a group name nor a gid'],
    [{ name: 'd', group: { name: 'x' } }, 'group: expected a group name or a gid (a whole number >= 0), got {"name":"x"}'],
    [{ name: 'd', groups: ['ok', 'bad group'] }, 'groups[1]: "bad group" is not a valid group name'],
    [{ name: 'd', groups: 'docker' }, 'groups: expected a list of group names, got "docker"'],
    [{ name: 'd', groups: [7] }, 'groups[0]: expected a group name as a string, got 7'],
    [{ name: 'd', append: 'yes' }, 'append: Invalid input: expected boolean, received string'],
    [{ name: 'd', shell: 'bash' }, 'shell: must be an absolute path, got "bash"'],
    [{ name: 'd', home: '/home/a:b' }, `home: must be an absolute path without ':', got "/home/a:b"`],
    [{ name: 'd', home: '/home/a\nb' }, `home: must be an absolute path without ':'`],
    [{ name: 'd', createHome: 1 }, 'createHome: Invalid input: expected boolean, received number'],
    [{ name: 'd', system: 'true' }, 'system: Invalid input: expected boolean, received string'],
    [{ name: 'd', comment: 'a:b' }, "comment: must be one line without ':'"],
    [{ name: 'd', comment: 42 }, 'comment: expected the GECOS comment as a string, got 42'],
    [{ name: 'd', password: 12345 }, 'password: expected a crypt(3) hash as a string'],
    [{ name: 'd', removeHome: 'yes' }, 'removeHome: Invalid input: expected boolean, received string'],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
  it('refuses a clear-text password without echoing it', () => {
    for (const password of ['hunter2', `${HASH}:x`, '$6$ spaced']) {
      const problems = v({ name: 'd', password });
      expect(problems).toEqual(["password: must be a crypt(3) hash such as the output of `openssl passwd -6` (or '!' / '*' to lock), not clear text"]);
      expect(problems.join()).not.toContain(password);
    }
  });
});

describe('group args', () => {
  const v = (a: unknown) => argProblems(groupModule, a);
  it('valid args have no problems', () => {
    expect(v({ name: 'docker', gid: 998, system: true })).toEqual([]);
    expect(v({ name: 'docker', state: 'absent' })).toEqual([]);
  });
  it.each([
    [{}, 'name: expected a group name as a string, got undefined'],
    [{ name: '' }, "name: must not be empty: give a group name like 'deploy'"],
    [{ name: 'dock er' }, 'name: "dock er" is not a valid group name (letters, digits, _ . -, at most 32, not starting with a digit or -)'],
    [{ name: 'docker', state: 'gone' }, 'state: Invalid option: expected one of "present"|"absent"'],
    [{ name: 'docker', gid: 1.5 }, 'gid: must be a non-negative integer, got 1.5'],
    [{ name: 'docker', gid: -3 }, 'gid: must be a non-negative integer, got -3'],
    [{ name: 'docker', gid: '998' }, 'gid: expected a gid as a number, got "998"'],
    [{ name: 'docker', system: 'yes' }, 'system: Invalid input: expected boolean, received string'],
    [{ name: 'docker', sytem: true }, `unknown key 'sytem' (did you mean 'system'?)`],
    [{ name: 'docker', members: ['a'] }, `unknown key 'members'; known keys: name, state, gid, system`],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});
