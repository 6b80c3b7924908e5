import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCommand } from '../../../src/core/fact.ts';
import { argProblems } from '../../../src/core/index.ts';
import type { PlanContext } from '../../../src/core/module.ts';
import { hostFacts } from '../../../src/facts/host.ts';
import { groupEntry, passwdEntry, shadowHash, userGroups } from '../../../src/facts/users.ts';
import { groupModule, userModule } from '../../../src/modules/users.ts';
import type { GroupArgs, UserArgs, UserState } from '../../../src/modules/users.ts';

const text = (p: string) => readFileSync(new URL(`../../fixtures/facts/${p}`, import.meta.url), 'utf8');
const out = (p: string) => ({ stdout: text(`users/${p}`), stderr: '', code: 0 });
const ctx: PlanContext = {
  host: { name: 'node1', groups: ['all'], vars: {}, ssh: { address: '127.0.0.1', port: 22 }, become: true },
  facts: hostFacts.parse({ stdout: text('host/ubuntu22.04-kvm.from-docs.txt'), stderr: '', code: 0 }),
  vars: {},
  check: false,
  diff: false,
  render: () => {
    throw new Error('user renders no templates');
  },
  readLocalFile: () => {
    throw new Error('user reads no local files');
  },
};
// states from captured fact output
const missing: UserState = { user: passwdEntry.parse(out('passwd-rig-missing.txt'), 'x'), groups: userGroups.parse(out('groups-rig-missing.txt'), 'x') };
const ubuntu: UserState = { user: passwdEntry.parse(out('passwd-ubuntu.from-docs.txt'), 'ubuntu'), groups: userGroups.parse(out('groups-ubuntu.from-docs.txt'), 'ubuntu') };
const postgres: UserState = { user: passwdEntry.parse(out('passwd-postgres.txt'), 'postgres'), groups: userGroups.parse(out('groups-postgres.txt'), 'postgres') };
const HASH = shadowHash.parse(out('shadow-ubuntu.from-docs.txt'), 'ubuntu') as string;
const user = (args: UserArgs, state: UserState) => userModule.plan(args, state, ctx);
const commands = (p: { changes: readonly { kind: string }[] }) => p.changes.map((c) => ('command' in c ? c.command : c.kind));

describe('user plan', () => {
  it('creates a missing user with only the given options', () => {
    expect(commands(user({ name: 'deploy' }, missing))).toEqual(['useradd -m deploy']);
    expect(commands(user({ name: 'consul', system: true, shell: '/usr/sbin/nologin', home: '/var/lib/consul' }, missing))).toEqual([
      'useradd -s /usr/sbin/nologin -d /var/lib/consul -r -M consul',
    ]);
    expect(commands(user({ name: 'deploy', uid: 1500, group: 'users', groups: ['docker', 'sudo', 'docker'], comment: 'Deploy user', createHome: false }, missing))).toEqual([
      "useradd -u 1500 -g users -G docker,sudo -c 'Deploy user' -M deploy",
    ]);
  });

  it('converged: an existing user matching every arg → no changes', () => {
    expect(user({ name: 'ubuntu', uid: 1000, shell: '/bin/bash', home: '/home/ubuntu', groups: ['sudo', 'adm'], comment: 'Ubuntu' }, ubuntu)).toEqual({ changes: [] });
    expect(user({ name: 'postgres', group: 104, groups: ['ssl-cert'], append: false }, postgres)).toEqual({ changes: [] });
  });

  it('usermod with only what differs; append adds only the missing groups', () => {
    expect(commands(user({ name: 'ubuntu', shell: '/bin/zsh', groups: ['sudo', 'docker'] }, ubuntu))).toEqual(['usermod -a -G docker -s /bin/zsh ubuntu']);
  });

  it('append false sets the exact list (and an empty list removes all)', () => {
    expect(commands(user({ name: 'ubuntu', groups: ['sudo', 'docker'], append: false }, ubuntu))).toEqual(['usermod -G sudo,docker ubuntu']);
    expect(commands(user({ name: 'postgres', groups: [], append: false }, postgres))).toEqual(["usermod -G '' postgres"]);
  });

  it('never lists the primary group as supplementary (no change on every run)', () => {
    expect(user({ name: 'ubuntu', groups: ['ubuntu', 'sudo'] }, ubuntu).changes).toEqual([]);
  });

  it('primary group by name compares gids through the group read; unknown group → change', () => {
    const docker = groupEntry.parse(out('group-docker.from-docs.txt'), 'docker');
    const ubuntuGroup = { name: 'ubuntu', gid: 1000, members: [] };
    expect(user({ name: 'ubuntu', group: 'ubuntu' }, { ...ubuntu, primaryGroup: ubuntuGroup }).changes).toEqual([]);
    expect(commands(user({ name: 'ubuntu', group: 'docker' }, { ...ubuntu, primaryGroup: docker }))).toEqual(['usermod -g docker ubuntu']);
    expect(commands(user({ name: 'ubuntu', group: 'app' }, { ...ubuntu, primaryGroup: null }))).toEqual(['usermod -g app ubuntu']);
  });

  it('password: on stdin to chpasswd -e, never in a command or description; not reset when equal', () => {
    const p = user({ name: 'ubuntu', password: HASH }, { ...ubuntu, shadow: '!' });
    expect(p.changes).toEqual([{ kind: 'exec', command: 'chpasswd -e', description: 'set password of ubuntu', stdin: `ubuntu:${HASH}\n` }]);
    const created = user({ name: 'deploy', password: HASH }, missing);
    expect(commands(created)).toEqual(['useradd -m deploy', 'chpasswd -e']);
    for (const c of created.changes) expect(JSON.stringify({ ...c, stdin: undefined })).not.toContain(HASH);
    expect(user({ name: 'ubuntu', password: HASH }, { ...ubuntu, shadow: HASH }).changes).toEqual([]);
  });

  it('absent: userdel (optionally -r), nothing when already gone', () => {
    expect(commands(user({ name: 'ubuntu', state: 'absent' }, ubuntu))).toEqual(['userdel ubuntu']);
    expect(commands(user({ name: 'ubuntu', state: 'absent', removeHome: true }, ubuntu))).toEqual(['userdel -r ubuntu']);
    expect(user({ name: 'deploy', state: 'absent' }, missing)).toEqual({ changes: [] });
  });
});

describe('user probe', () => {
  it('reads the primary group and shadow only when needed', () => {
    expect(Object.keys(userModule.probe({ name: 'deploy' }, ctx))).toEqual(['user', 'groups']);
    const r = userModule.probe({ name: 'deploy', group: 'docker', password: HASH }, ctx);
    expect(Object.keys(r)).toEqual(['user', 'groups', 'primaryGroup', 'shadow']);
    expect(r.primaryGroup && readCommand(r.primaryGroup)).toBe('getent group docker || true');
    expect(r.shadow && readCommand(r.shadow)).toBe('getent shadow deploy || true');
  });

});

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

describe('group module', () => {
  const root = groupEntry.parse(out('group-root.txt'), 'root');
  const gone = groupEntry.parse(out('group-rig-missing.txt'), 'rig-missing');
  const group = (args: GroupArgs, g: typeof root) => groupModule.plan(args, { group: g }, ctx);

  it('groupadd / groupmod / groupdel with only the missing options', () => {
    expect(commands(group({ name: 'docker' }, gone))).toEqual(['groupadd docker']);
    expect(commands(group({ name: 'docker', gid: 998, system: true }, gone))).toEqual(['groupadd -g 998 -r docker']);
    expect(commands(group({ name: 'root', gid: 5 }, root))).toEqual(['groupmod -g 5 root']);
    expect(commands(group({ name: 'root', state: 'absent' }, root))).toEqual(['groupdel root']);
  });

  it('converged → no changes', () => {
    expect(group({ name: 'root', gid: 0, system: true }, root)).toEqual({ changes: [] });
    expect(group({ name: 'docker', state: 'absent' }, gone)).toEqual({ changes: [] });
  });

  it('probes getent group', () => {
    expect(readCommand(groupModule.probe({ name: 'docker' }, ctx).group)).toBe('getent group docker || true');
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
