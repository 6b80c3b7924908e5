import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIpv6, hostFacts, osFamily, parseOsRelease, splitSections } from '../../../src/facts/host.ts';
import { pendingOf, PENDING_PLACES } from '../../../src/core/pending-records.ts';
import { pendingScript } from '../../../src/runner/pending.ts';

/** The runner's script writing `host`'s record in the login user's home (an empty list clears it). */
const pendingScriptFor = (names: string[], host: string): string => pendingScript(names, false, host).text;

const dir = new URL('../../fixtures/facts/host/', import.meta.url);
const fixture = (name: string) => hostFacts.parse({ stdout: readFileSync(new URL(name, dir), 'utf8'), stderr: '', code: 0 });

describe('hostFacts.parse on real output of this Debian 12 machine', () => {
  const f = fixture('debian12-container.txt');

  it('reads os-release, kernel, arch, hostname', () => {
    expect(f.os).toEqual({ id: 'debian', idLike: [], name: 'Debian GNU/Linux', versionId: '12', codename: 'bookworm', family: 'debian' });
    expect(f.kernel.release).toBe('6.18.44-fc-v657');
    expect(f.kernel.version).toBe('#1 SMP PREEMPT_DYNAMIC @0');
    expect(f.arch).toBe('x86_64');
    expect(f.hostname).toBe('vm');
    expect(f.fqdn).toBe('vm');
    expect(f.bootId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(f.cmdline).toMatch(/^mitigations=auto.* --auth-required$/);
  });

  it('reads interfaces and the default route from ip -j', () => {
    expect(f.interfaces.map((i) => i.name)).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    const eth0 = f.interfaces.find((i) => i.name === 'eth0');
    expect(eth0).toEqual({
      name: 'eth0',
      mac: '02:fc:00:00:00:01',
      up: true,
      mtu: 1400,
      addresses: [
        { family: 'inet', address: '192.0.2.2', prefixlen: 24 },
        { family: 'inet6', address: 'fd00::2', prefixlen: 64 },
        { family: 'inet6', address: 'fe80::fc:ff:fe00:1', prefixlen: 64 },
      ],
    });
    expect(f.interfaces.find((i) => i.name === 'ifb0')?.up).toBe(false);
    expect(f.defaultRoute).toEqual({ interface: 'eth0', gateway: '192.0.2.1' });
  });

  it('reads memory in MB, cpus, init, package manager, virt, user, no pending handlers', () => {
    // MemTotal 24684092 kB, MemAvailable 24064312 kB: floor(kB / 1024)
    expect(f.memory).toEqual({ totalMb: 24105, availableMb: 23500, swapTotalMb: 0 });
    expect(f.cpus).toBe(2);
    expect(f.initSystem).toBe('unknown'); // PID 1 is process_api, no /run/systemd/system
    expect(f.packageManager).toBe('apt');
    expect(f.virtualization).toBe('docker');
    expect(f.user).toEqual({ name: 'root', uid: 0, home: '/root' });
    expect(f.pendingRecords).toEqual([]);
  });
});

describe('hostFacts.parse fallbacks (real output, tools shadowed)', () => {
  const withIp = fixture('debian12-container.txt');
  const noIp = fixture('debian12-no-ip.txt');

  it('builds the same interfaces from /sys/class/net, if_inet6, fib_trie and /proc/net/route', () => {
    const byName = (l: typeof withIp.interfaces) =>
      Object.fromEntries(l.map((i) => [i.name, { ...i, addresses: [...i.addresses].sort((a, b) => a.address.localeCompare(b.address)) }]));
    expect(byName(noIp.interfaces)).toEqual(byName(withIp.interfaces));
    expect(noIp.defaultRoute).toEqual(withIp.defaultRoute);
  });

  it('falls back to hostname when hostname -f fails and to /.dockerenv without systemd-detect-virt', () => {
    expect(noIp.fqdn).toBe('vm');
    expect(noIp.virtualization).toBe('docker');
  });

  it('reads the user-level pending handler file', () => {
    const f = fixture('debian12-pending-user.txt');
    expect(f.user.home).toBe('/tmp/fakehome');
    expect(pendingOf(f.pendingRecords ?? [], 'any host').names).toEqual(['restart docker', 'reload consul']);
  });
});

describe('hostFacts.parse on other distributions (hand-written from docs)', () => {
  it('Ubuntu 22.04: family debian, codename, systemd, kvm, union of both pending files, motd ignored', () => {
    const f = fixture('ubuntu22.04-kvm.from-docs.txt');
    expect(f.os).toEqual({ id: 'ubuntu', idLike: ['debian'], name: 'Ubuntu', versionId: '22.04', codename: 'jammy', family: 'debian' });
    expect(f.fqdn).toBe('node1.lab.example.com');
    expect(f.initSystem).toBe('systemd');
    expect(f.virtualization).toBe('kvm');
    expect(f.memory).toEqual({ totalMb: 3921, availableMb: 3430, swapTotalMb: 2047 });
    expect(f.defaultRoute).toEqual({ interface: 'enp1s0', gateway: '10.10.0.1' });
    // docker0 is administratively up without carrier
    expect(f.interfaces.find((i) => i.name === 'docker0')?.up).toBe(true);
    expect(pendingOf(f.pendingRecords ?? [], 'any host').names).toEqual(['restart docker', 'reboot host', 'reload consul']);
  });

  it('Rocky 9: family redhat from ID, no codename, dnf', () => {
    const f = fixture('rocky9-kvm.from-docs.txt');
    expect(f.os.family).toBe('redhat');
    expect(f.os.codename).toBeUndefined();
    expect(f.os.versionId).toBe('9.4');
    expect(f.packageManager).toBe('dnf');
    expect(f.interfaces.find((i) => i.name === 'eth0')?.addresses[0]).toEqual({ family: 'inet', address: '192.168.122.50', prefixlen: 24 });
  });

  it('Alpine (busybox ip): openrc, apk, unknown virt, tunnel without MAC, v4 prefix from the on-link route', () => {
    const f = fixture('alpine3.20-busybox.from-docs.txt');
    expect(f.os.family).toBe('alpine');
    expect(f.arch).toBe('aarch64');
    expect(f.initSystem).toBe('openrc');
    expect(f.packageManager).toBe('apk');
    expect(f.virtualization).toBe('unknown');
    expect(f.defaultRoute).toEqual({ interface: 'eth0', gateway: '192.168.1.1' });
    const wg0 = f.interfaces.find((i) => i.name === 'wg0');
    expect(wg0).toEqual({ name: 'wg0', up: true, mtu: 1420, addresses: [{ family: 'inet', address: '10.0.3.7', prefixlen: 16 }] });
    expect(f.interfaces.find((i) => i.name === 'eth0')?.addresses).toEqual([
      { family: 'inet', address: '192.168.1.23', prefixlen: 24 },
      { family: 'inet6', address: 'fe80::5054:ff:fe9a:bcde', prefixlen: 64 },
    ]);
  });
});

describe('host facts helpers', () => {
  it('derives the family from ID then ID_LIKE', () => {
    expect(osFamily('linuxmint', ['ubuntu', 'debian'])).toBe('debian');
    expect(osFamily('almalinux', ['rhel', 'centos', 'fedora'])).toBe('redhat');
    expect(osFamily('opensuse-leap', ['suse', 'opensuse'])).toBe('suse');
    expect(osFamily('manjaro', ['arch'])).toBe('arch');
    expect(osFamily('nixos', [])).toBe('unknown');
  });

  it('unquotes os-release values', () => {
    expect(parseOsRelease('A="x \\"y\\" \\$z"\nB=\'q w\'\nC=plain\n# comment')).toEqual({ A: 'x "y" $z', B: 'q w', C: 'plain' });
  });

  it('compresses IPv6 like ip does', () => {
    expect(formatIpv6('00000000000000000000000000000001')).toBe('::1');
    expect(formatIpv6('fe8000000000000000fc00fffe000001')).toBe('fe80::fc:ff:fe00:1');
    expect(formatIpv6('20010db8000000010000000000000001')).toBe('2001:db8:0:1::1');
  });

  it('ignores noise before the first marker and keeps sections apart', () => {
    const s = splitSections('motd\n@@rig:a@@\none\n\n@@rig:b@@\ntwo\n@@rig:end@@\n');
    expect([...s.entries()]).toEqual([['a', 'one'], ['b', 'two'], ['end', '']]);
  });

  it('throws on truncated output and on a pending file that is not an array', () => {
    const full = readFileSync(new URL('debian12-container.txt', dir), 'utf8');
    expect(() => hostFacts.parse({ stdout: full.slice(0, full.indexOf('@@rig:end@@')), stderr: '', code: 255 })).toThrow(/truncated/);
    const bad = full.replace('@@rig:pending-system@@\n', '@@rig:pending-system@@\n{"restart":true}\n');
    expect(() => hostFacts.parse({ stdout: bad, stderr: '', code: 0 })).toThrow(PENDING_PLACES.system);
  });
});

const hasSh = existsSync('/bin/sh') && process.platform === 'linux';
if (!hasSh) console.warn('host facts live check skipped: needs Linux with /bin/sh');

describe('hostFacts.command on this machine (real process)', () => {
  it.skipIf(!hasSh)('runs with sh, exits 0 and parses to what node sees', () => {
    const stdout = execFileSync('sh', ['-c', hostFacts.command()], { encoding: 'utf8' });
    const f = hostFacts.parse({ stdout, stderr: '', code: 0 });
    expect(f.hostname).toBe(hostname());
    expect(f.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    expect(f.user.uid).toBe(userInfo().uid);
    expect(f.user.name).toBe(userInfo().username);
    expect(f.interfaces.some((i) => i.name === 'lo')).toBe(true);
    expect(f.memory.totalMb).toBeGreaterThan(0);
  });

  it.skipIf(!hasSh)('reads every inventory host\'s record and the legacy one; each host gets its own and the legacy names', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'rig-pending-'));
    try {
      // written by the runner's own script, for two inventory hosts that are this one machine, plus a legacy record
      for (const [host, names] of [['web1', ['restart nginx']], ['web1 alias:2222/é', ['reload consul', 'restart nginx']]] as const)
        execFileSync('sh', ['-c', pendingScriptFor([...names], host)], { env: { ...process.env, HOME: home } });
      writeFileSync(path.join(home, '.local/state/rig/pending-handlers.json'), '["legacy one"]\n');
      const stdout = execFileSync('sh', ['-c', hostFacts.command()], { encoding: 'utf8', env: { ...process.env, HOME: home } });
      const f = hostFacts.parse({ stdout, stderr: '', code: 0 });
      const user = (f.pendingRecords ?? []).filter((r) => r.place === 'user');
      expect(user.map((r) => [r.host, r.names]).sort()).toEqual([
        ['web1', ['restart nginx']],
        ['web1 alias:2222/é', ['reload consul', 'restart nginx']],
        [undefined, ['legacy one']],
      ].sort());
      expect(pendingOf(user, 'web1').names).toEqual(['legacy one', 'restart nginx']);
      expect(pendingOf(user, 'web1 alias:2222/é').names).toEqual(['legacy one', 'reload consul', 'restart nginx']);
      expect(pendingOf(user, 'db1').names).toEqual(['legacy one']);
      // clearing one host's record leaves the other's (and removes the legacy one)
      execFileSync('sh', ['-c', pendingScriptFor([], 'web1')], { env: { ...process.env, HOME: home } });
      const after = hostFacts.parse({ stdout: execFileSync('sh', ['-c', hostFacts.command()], { encoding: 'utf8', env: { ...process.env, HOME: home } }), stderr: '', code: 0 });
      expect((after.pendingRecords ?? []).filter((r) => r.place === 'user').map((r) => [r.host, r.names])).toEqual([['web1 alias:2222/é', ['reload consul', 'restart nginx']]]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
