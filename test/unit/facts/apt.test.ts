import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { aptCacheAge, aptPolicy, debFile, dpkgPackages, dpkgQueryCommand, parseAptPolicy, parseDpkgQuery } from '../../../src/facts/apt.ts';
import { captured, fixture } from '../../fixtures/facts/command/plan-context.ts';

const hasDpkg = spawnSync('sh', ['-c', 'command -v dpkg-query']).status === 0;
if (!hasDpkg) console.warn('skipping live dpkg-query test: dpkg-query is not installed on this machine');

describe('dpkgPackages', () => {
  it('parses installed packages; names dpkg never knew are absent (exit 1 is an answer)', () => {
    const p = dpkgPackages.parse(captured('apt', 'dpkg-query.installed-mixed.txt', 1), ['nano', 'bash', 'coreutils', 'nginx']);
    expect(p.bash).toEqual({ name: 'bash', status: 'installed', version: '5.2.15-2+b8', rawStatus: 'install ok installed' });
    expect(p.nano?.status).toBe('installed');
    expect(p.nano?.version).toBe('7.2-1+deb12u1');
    expect(p.nginx).toBeUndefined();
    expect(Object.keys(p).sort()).toEqual(['bash', 'coreutils', 'nano']);
  });
  it('removed-but-not-purged is config-files with its version; purged is not-installed without one', () => {
    const removed = parseDpkgQuery(fixture('apt', 'dpkg-query.config-files.txt'));
    expect(removed.nano).toEqual({ name: 'nano', status: 'config-files', version: '7.2-1+deb12u1', rawStatus: 'deinstall ok config-files' });
    const purged = parseDpkgQuery(fixture('apt', 'dpkg-query.none-installed.txt'));
    expect(purged.nano).toEqual({ name: 'nano', status: 'not-installed', rawStatus: 'unknown ok not-installed' });
  });
  it('half-configured/unpacked are partial; triggers-pending counts as installed; multi-arch lines merge to the best', () => {
    const p = parseDpkgQuery('a\tinstall ok unpacked\t1\nb\tinstall ok half-configured\t2\nc\tinstall ok triggers-pending\t3\nd\tdeinstall ok config-files\t4\nd\tinstall ok installed\t4\n');
    expect([p.a?.status, p.b?.status, p.c?.status, p.d?.status]).toEqual(['partial', 'partial', 'installed', 'installed']);
  });
  it('no dpkg-query (exit 127) is an error naming the host family, not "nothing installed"', () => {
    expect(() => dpkgPackages.parse({ stdout: '', stderr: '', code: 127 }, ['x'])).toThrow(/Debian-family/);
  });
  it('quotes the format and every name', () => {
    expect(dpkgQueryCommand(['bash', "we'ird"])).toBe(`dpkg-query -W -f='\${Package}\\t\${Status}\\t\${Version}\\n' bash 'we'\\''ird' 2>/dev/null`);
  });
  it.skipIf(!hasDpkg)('live: the command on this machine agrees with dpkg-query -s', () => {
    const names = ['bash', 'rig-no-such-package'];
    const r = spawnSync('sh', ['-c', dpkgPackages.command(names)], { encoding: 'utf8' });
    const p = dpkgPackages.parse({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? 255 }, names);
    const s = spawnSync('dpkg-query', ['-s', 'bash'], { encoding: 'utf8' }).stdout;
    expect(p.bash?.version).toBe(/^Version: (.*)$/m.exec(s)?.[1]);
    expect(p.bash?.status).toBe(/^Status: .* installed$/m.test(s) ? 'installed' : 'partial');
    expect(p['rig-no-such-package']).toBeUndefined();
  });
});

describe('aptPolicy', () => {
  const pol = aptPolicy.parse(captured('apt', 'apt-cache-policy.mixed.txt'), { names: [] });
  it('reads Installed/Candidate per package, (none) as undefined, unknown names absent', () => {
    expect(pol.bash).toEqual({ installed: '5.2.15-2+b8', candidate: '5.2.15-2+b13' });
    expect(pol.nginx).toEqual({ candidate: '1.22.1-9+deb12u11' });
    expect(pol['netcat-openbsd']).toEqual({ installed: '1.219-1', candidate: '1.219-1' });
    expect(pol['mail-transport-agent']).toEqual({});
    expect(pol['nosuchpkg-xyz']).toBeUndefined();
  });
  it('ignores the version table lines', () => {
    expect(Object.keys(parseAptPolicy(fixture('apt', 'apt-cache-policy.mixed.txt')))).toEqual(['bash', 'nginx', 'netcat-openbsd', 'mail-transport-agent']);
  });
  it('passes -t before policy and forces the C locale', () => {
    expect(aptPolicy.command({ names: ['nginx'], defaultRelease: 'bookworm-backports' })).toBe('LC_ALL=C apt-cache -t bookworm-backports policy nginx 2>/dev/null');
  });
});

describe('aptCacheAge', () => {
  it('uses the host clock and the newest of stamp and lists mtime', () => {
    const [now, , lists] = fixture('apt', 'cache-age.txt').trim().split('\n');
    expect(aptCacheAge.parse(captured('apt', 'cache-age.txt'))).toEqual({ now: Number(now), lastUpdate: Number(lists) });
    expect(aptCacheAge.parse({ stdout: '100\n90\n50\n', stderr: '', code: 0 })).toEqual({ now: 100, lastUpdate: 90 });
    expect(aptCacheAge.parse({ stdout: '100\n-\n-\n', stderr: '', code: 0 })).toEqual({ now: 100 });
  });
  it('refuses output without a clock', () => {
    expect(() => aptCacheAge.parse({ stdout: '', stderr: 'sh: date: not found', code: 127 })).toThrow(/unexpected output/);
  });
});

describe('debFile', () => {
  it('a .deb not installed yet', () => {
    expect(debFile.parse(captured('apt', 'deb-file.not-installed.txt'), '/tmp/hello.deb')).toEqual({ ok: true, package: 'hello', version: '2.10-3' });
  });
  it('a .deb whose version is installed', () => {
    const d = debFile.parse(captured('apt', 'deb-file.installed.txt'), '/tmp/hello.deb');
    expect(d).toMatchObject({ ok: true, package: 'hello', version: '2.10-3', installed: { status: 'installed', version: '2.10-3' } });
  });
  it('missing file and not-a-deb carry dpkg-deb’s message', () => {
    expect(debFile.parse(captured('apt', 'deb-file.missing.txt'), 'x')).toEqual({ ok: false, error: expect.stringMatching(/No such file or directory/) });
    expect(debFile.parse(captured('apt', 'deb-file.not-a-deb.txt'), 'x')).toEqual({ ok: false, error: expect.stringMatching(/not a Debian format archive/) });
  });
  it('the path is quoted once, inside a subshell', () => {
    const cmd = debFile.command("/srv/my pkg's.deb");
    expect(cmd.startsWith(`(f='/srv/my pkg'\\''s.deb'; `)).toBe(true);
    expect(cmd.endsWith('fi)')).toBe(true);
  });
});
