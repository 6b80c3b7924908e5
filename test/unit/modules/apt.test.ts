import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { aptPolicy, dpkgPackages } from '../../../src/facts/apt.ts';
import { aptModule, type AptArgs, type AptState } from '../../../src/modules/apt.ts';
import { captured, planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();
// states built from output captured on a Debian 12 machine (see test/fixtures/facts/apt/README.md)
const installed = dpkgPackages.parse(captured('apt', 'dpkg-query.installed-mixed.txt', 1), []); // bash coreutils nano
const policy = aptPolicy.parse(captured('apt', 'apt-cache-policy.mixed.txt'), { names: [] });

const plan = (a: AptArgs, s: AptState) => aptModule.plan(a, s, ctx);
const commands = (a: AptArgs, s: AptState) => plan(a, s).changes.map((c) => (c.kind === 'exec' ? c.command : c.kind));

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

// plan cases (args + dpkg-query / apt-cache / cache-age / dpkg-deb output → commands) are data: test/cases/modules/apt/*.json

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
