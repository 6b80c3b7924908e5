import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCommand } from '../../../src/core/fact.ts';
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

describe('user probe and validate', () => {
  it('reads the primary group and shadow only when needed', () => {
    expect(Object.keys(userModule.probe({ name: 'deploy' }, ctx))).toEqual(['user', 'groups']);
    const r = userModule.probe({ name: 'deploy', group: 'docker', password: HASH }, ctx);
    expect(Object.keys(r)).toEqual(['user', 'groups', 'primaryGroup', 'shadow']);
    expect(r.primaryGroup && readCommand(r.primaryGroup)).toBe('getent group docker || true');
    expect(r.shadow && readCommand(r.shadow)).toBe('getent shadow deploy || true');
  });

  it('reports bad args without echoing a password', () => {
    const v = (a: Partial<UserArgs>) => userModule.validate?.(a as UserArgs) ?? [];
    expect(v({ name: 'deploy', uid: 1500, group: 'users', groups: ['docker'], shell: '/bin/bash', password: HASH })).toEqual([]);
    expect(v({ name: '' })).toEqual(['user: name is required']);
    expect(v({ name: '1deploy' })[0]).toMatch(/not a valid user name/);
    expect(v({ name: 'd', uid: -1 })[0]).toMatch(/uid must be/);
    expect(v({ name: 'd', groups: ['ok', 'bad group'] })).toEqual(['user d: "bad group" in groups is not a valid group name']);
    expect(v({ name: 'd', shell: 'bash' })[0]).toMatch(/shell must be an absolute path/);
    expect(v({ name: 'd', comment: 'a:b' })[0]).toMatch(/comment/);
    const clear = v({ name: 'd', password: 'hunter2' });
    expect(clear[0]).toMatch(/crypt\(3\) hash/);
    expect(clear.join()).not.toContain('hunter2');
    expect(v({ name: 'd', password: '!' })).toEqual([]);
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

  it('probes getent group and validates', () => {
    expect(readCommand(groupModule.probe({ name: 'docker' }, ctx).group)).toBe('getent group docker || true');
    expect(groupModule.validate?.({ name: '' })).toEqual(['group: name is required']);
    expect(groupModule.validate?.({ name: 'docker', gid: 1.5 })).toEqual(['group docker: gid must be a non-negative integer, got 1.5']);
    expect(groupModule.validate?.({ name: 'dock er' })?.[0]).toMatch(/not a valid group name/);
  });
});
