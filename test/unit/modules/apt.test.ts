import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { aptCacheAge, aptPolicy, debFile, dpkgPackages } from '../../../src/facts/apt.ts';
import { aptModule, type AptArgs, type AptState } from '../../../src/modules/apt.ts';
import { captured, planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();
// states built from output captured on a Debian 12 machine (see test/fixtures/facts/apt/README.md)
const installed = dpkgPackages.parse(captured('apt', 'dpkg-query.installed-mixed.txt', 1), []); // bash coreutils nano
const policySet = dpkgPackages.parse(captured('apt', 'dpkg-query.policy-set.txt', 1), []); // bash netcat-openbsd
const removed = dpkgPackages.parse(captured('apt', 'dpkg-query.config-files.txt', 1), []); // nano config-files
const purged = dpkgPackages.parse(captured('apt', 'dpkg-query.none-installed.txt', 1), []);
const policy = aptPolicy.parse(captured('apt', 'apt-cache-policy.mixed.txt'), { names: [] });
const cache = aptCacheAge.parse(captured('apt', 'cache-age.txt'));
const cacheAge = cache.now - (cache.lastUpdate ?? 0);

const plan = (a: AptArgs, s: AptState) => aptModule.plan(a, s, ctx);
const commands = (a: AptArgs, s: AptState) => plan(a, s).changes.map((c) => (c.kind === 'exec' ? c.command : c.kind));
const INSTALL =
  'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';

describe('args', () => {
  const v = (a: unknown) => argProblems(aptModule, a);
  it('valid args have no problems', () => {
    expect(v({ updateCache: true, cacheValidTime: 3600 })).toEqual([]);
    expect(v({ name: ['libc6:amd64', 'nginx=1.22.1-9', 'g++'], installRecommends: true, defaultRelease: 'bookworm-backports' })).toEqual([]);
    expect(v({ name: 'nginx=1.22*', state: 'present', updateCache: true })).toEqual([]);
    expect(v({ deb: '/tmp/x.deb' })).toEqual([]);
  });
  it.each([
    // each field, checked by the schema
    [{ name: '' }, `name: a package name must not be empty: write e.g. 'nginx'`],
    [{ name: [] }, 'name: empty list: list at least one package'],
    [{ name: ['ok', ''] }, `name[1]: a package name must not be empty`],
    [{ name: ['ok', 'Bad Name'] }, 'name[1]: "Bad Name" is not a Debian package name (lower-case letters, digits, + . -; optional :arch and =version)'],
    [{ name: 'Nginx' }, 'name: "Nginx" is not a Debian package name'],
    [{ name: '=1.0' }, 'name: "=1.0" is not a Debian package name'],
    [{ name: 'nginx=' }, `name: empty version in "nginx=": write 'name=version' or just the name`],
    [{ name: 3 }, 'name: expected a package name or a list of them, got 3'],
    [{ name: { nginx: true } }, 'name: expected a package name or a list of them, got {"nginx":true}'],
    [{ name: ['ok', 7] }, 'name: expected a package name or a list of them, got ["ok",7]'],
    [{ name: 'x', state: 'installed' }, 'state: Invalid option: expected one of "present"|"absent"|"latest"|"purged"'],
    [{ name: 'x', updateCache: 'yes' }, 'updateCache: Invalid input: expected boolean, received string'],
    [{ updateCache: true, cacheValidTime: -1 }, 'cacheValidTime: a number of seconds cannot be negative, got -'],
    [{ updateCache: true, cacheValidTime: Number.NaN }, 'cacheValidTime: expected a number of seconds, got NaN'],
    [{ updateCache: true, cacheValidTime: '3600' }, 'cacheValidTime: expected a number of seconds, got "'],
    [{ deb: '' }, 'deb: must not be empty'],
    [{ name: 'x', installRecommends: 1 }, 'installRecommends: Invalid input: expected boolean, received number'],
    [{ name: 'x', defaultRelease: '' }, 'defaultRelease: must not be empty: leave defaultRelease out to use the default release'],
    [{ name: 'x', updateCahce: true }, `unknown key 'updateCahce' (did you mean 'updateCache'?)`],
    [{ names: ['x'] }, `unknown key 'names' (did you mean 'name'?)`],
    // across fields, checked by validate
    [{}, 'give name, deb or updateCache'],
    [{ name: 'x', deb: '/tmp/x.deb' }, 'give either name or deb, not both'],
    [{ deb: '/tmp/x.deb', state: 'absent' }, 'deb installs a file; only state present applies'],
    [{ name: 'nginx=1.22*', state: 'latest' }, 'a version pin (nginx=1.22*) needs state present'],
    [{ name: 'x', cacheValidTime: 60 }, 'cacheValidTime needs updateCache: true'],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});

describe('probe', () => {
  it('reads only what the args need', () => {
    expect(Object.keys(aptModule.probe({ name: 'nginx' }, ctx)).sort()).toEqual(['packages', 'policy']);
    expect(Object.keys(aptModule.probe({ name: 'nginx', state: 'absent' }, ctx))).toEqual(['packages']);
    expect(Object.keys(aptModule.probe({ updateCache: true }, ctx))).toEqual(['cache']);
    expect(Object.keys(aptModule.probe({ deb: '/tmp/x.deb' }, ctx))).toEqual(['deb']);
    expect(aptModule.probe({ name: ['nginx=1.22*', 'libc6:amd64'] }, ctx).packages?.arg).toEqual(['nginx', 'libc6']);
  });
});

describe('present', () => {
  it('converged → no changes', () => {
    expect(plan({ name: ['bash', 'coreutils', 'nano'] }, { packages: installed, policy }).changes).toEqual([]);
  });
  it('only the missing package is installed, in one apt-get', () => {
    expect(commands({ name: ['bash', 'nginx'] }, { packages: installed, policy })).toEqual([`${INSTALL} nginx`]);
  });
  it('config-files only is not installed', () => {
    expect(commands({ name: 'nano' }, { packages: removed, policy: { nano: { candidate: '7.2-1+deb12u1' } } })).toEqual([`${INSTALL} nano`]);
  });
  it('a name without a candidate fails before anything is applied', () => {
    const p = plan({ name: ['nginx', 'mail-transport-agent', 'nosuchpkg-xyz'] }, { packages: installed, policy });
    expect(p.changes).toEqual([]);
    expect(p.failed).toBe('apt: no installation candidate for mail-transport-agent, nosuchpkg-xyz (unknown or virtual package, or stale lists: add updateCache: true)');
  });
  it('version pins: exact and prefix', () => {
    expect(plan({ name: 'bash=5.2.15-2+b8' }, { packages: installed, policy }).changes).toEqual([]);
    expect(plan({ name: 'bash=5.2*' }, { packages: installed, policy }).changes).toEqual([]);
    expect(commands({ name: 'bash=5.2.15-2+b13' }, { packages: installed, policy })).toEqual([`${INSTALL} bash=5.2.15-2+b13`]);
  });
  it('installRecommends and defaultRelease', () => {
    expect(commands({ name: 'nginx', installRecommends: true, defaultRelease: 'bookworm-backports' }, { packages: installed, policy })).toEqual([
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --install-recommends -t bookworm-backports -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold nginx',
    ]);
  });
});

describe('latest', () => {
  it('upgrades only what is behind its candidate', () => {
    expect(commands({ name: ['bash', 'netcat-openbsd'], state: 'latest' }, { packages: policySet, policy })).toEqual([`${INSTALL} bash`]);
  });
  it('at the candidate → no changes', () => {
    expect(plan({ name: 'netcat-openbsd', state: 'latest' }, { packages: policySet, policy }).changes).toEqual([]);
  });
});

describe('absent / purged', () => {
  it('absent removes installed ones only', () => {
    expect(commands({ name: ['bash', 'nginx'], state: 'absent' }, { packages: installed })).toEqual(['DEBIAN_FRONTEND=noninteractive apt-get remove -y -o DPkg::Lock::Timeout=300 bash']);
  });
  it('absent: config-files and never-installed are converged', () => {
    expect(plan({ name: ['nano', 'nginx'], state: 'absent' }, { packages: removed }).changes).toEqual([]);
  });
  it('purged: config-files left behind are purged; a purged package is converged', () => {
    expect(commands({ name: 'nano', state: 'purged' }, { packages: removed })).toEqual(['DEBIAN_FRONTEND=noninteractive apt-get purge -y -o DPkg::Lock::Timeout=300 nano']);
    expect(plan({ name: ['nano', 'nginx'], state: 'purged' }, { packages: purged }).changes).toEqual([]);
  });
});

describe('cache', () => {
  const UPDATE = 'DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=300 && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp';
  it('fresh enough → no update; older than cacheValidTime → update', () => {
    expect(plan({ updateCache: true, cacheValidTime: cacheAge + 60 }, { cache }).changes).toEqual([]);
    expect(commands({ updateCache: true, cacheValidTime: cacheAge - 1 }, { cache })).toEqual([UPDATE]);
    expect(commands({ updateCache: true, cacheValidTime: 3600 }, { cache: { now: 100 } })).toEqual([UPDATE]);
  });
  it('without cacheValidTime: update only before installing something', () => {
    expect(plan({ name: 'bash', updateCache: true }, { packages: installed, policy, cache }).changes).toEqual([]);
    expect(commands({ name: 'nginx', updateCache: true }, { packages: installed, policy, cache })).toEqual([UPDATE, `${INSTALL} nginx`]);
  });
  it('an update planned may bring a candidate: no refusal then', () => {
    expect(commands({ name: 'nosuchpkg-xyz', updateCache: true }, { packages: installed, policy, cache })).toEqual([UPDATE, `${INSTALL} nosuchpkg-xyz`]);
  });
  it('latest with stale lists: update, then let apt-get decide on every name', () => {
    expect(commands({ name: ['netcat-openbsd'], state: 'latest', updateCache: true, cacheValidTime: 0 }, { packages: policySet, policy, cache })).toEqual([
      UPDATE,
      `${INSTALL} netcat-openbsd`,
    ]);
  });
});

describe('deb', () => {
  const state = (name: string): AptState => ({ deb: debFile.parse(captured('apt', name), '/tmp/hello.deb') });
  it('not installed → apt-get install the file (with dependencies)', () => {
    expect(commands({ deb: '/srv/hello_2.10-3_amd64.deb' }, state('deb-file.not-installed.txt'))).toEqual([`${INSTALL} /srv/hello_2.10-3_amd64.deb`]);
    expect(commands({ deb: 'hello.deb' }, state('deb-file.not-installed.txt'))).toEqual([`${INSTALL} ./hello.deb`]);
  });
  it('that version installed → no changes', () => {
    expect(plan({ deb: '/srv/hello.deb' }, state('deb-file.installed.txt')).changes).toEqual([]);
  });
  it('unreadable .deb → failed with dpkg-deb’s reason', () => {
    expect(plan({ deb: '/srv/nonexistent.deb' }, state('deb-file.missing.txt')).failed).toMatch(/^apt: cannot read \/srv\/nonexistent.deb: .*No such file/);
  });
});

const hasApt = spawnSync('sh', ['-c', 'command -v apt-get']).status === 0 && process.getuid?.() === 0;
if (!hasApt) console.warn('skipping apt-get -s test: needs apt-get and root on this machine');
describe('planned commands against the real apt-get (simulation, nothing installed)', () => {
  it.skipIf(!hasApt)('the install command parses and resolves on this machine', () => {
    const [cmd] = commands({ name: ['bash', 'nginx'] }, { packages: installed, policy });
    const r = spawnSync('sh', ['-c', cmd!.replace('apt-get install', 'apt-get -s install')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Inst nginx /m);
  }, 120_000);
});
