import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  isValidSysctlKey,
  normaliseSysctlKey,
  normaliseSysctlValue,
  parseSysctlLine,
  sysctlConfFile,
  sysctlLive,
  sysctlProcPath,
} from '../../../src/facts/sysctl.ts';

const fx = (name: string) => ({ stdout: readFileSync(new URL(`../../fixtures/facts/sysctl/${name}`, import.meta.url), 'utf8'), stderr: '', code: 0 });

describe('sysctlLive (real output)', () => {
  it('keeps the kernel value, tabs included', () => {
    expect(sysctlLive.parse(fx('live-net.ipv4.tcp_rmem.txt'), 'net.ipv4.tcp_rmem')).toEqual({ exists: true, value: '4096\t131072\t33554432' });
    expect(sysctlLive.parse(fx('live-net.ipv4.ip_forward.txt'), 'net.ipv4.ip_forward')).toEqual({ exists: true, value: '0' });
    expect(sysctlLive.parse(fx('live-kernel.ostype.txt'), 'kernel.ostype')).toEqual({ exists: true, value: 'Linux' });
  });

  it('tells a missing key from a write-only one', () => {
    expect(sysctlLive.parse(fx('live-net.ipv4.conf.wg0.forwarding.txt'), 'net.ipv4.conf.wg0.forwarding')).toEqual({ exists: false });
    expect(sysctlLive.parse(fx('live-vm.drop_caches.txt'), 'vm.drop_caches')).toEqual({ exists: true });
  });

  it('reads slash-notation keys from the right /proc/sys path', () => {
    expect(sysctlLive.parse(fx('live-net_ipv4_conf_lo_rp_filter.txt'), 'net/ipv4/conf/lo/rp_filter')).toEqual({ exists: true, value: '0' });
    expect(sysctlProcPath('net/ipv4/conf/eth0.100/rp_filter')).toBe('/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
    expect(sysctlProcPath('net.ipv4.conf.eth0/100.rp_filter')).toBe('/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
    expect(sysctlLive.command('net.ipv4.conf.eth0/100.rp_filter')).toContain('rig_p=/proc/sys/net/ipv4/conf/eth0.100/rp_filter;');
  });

  it('throws on output it does not know', () => {
    expect(() => sysctlLive.parse({ stdout: 'sh: 1: cat: not found\n', stderr: '', code: 127 }, 'x.y')).toThrow(/unexpected output/);
  });
});

describe('sysctlConfFile (real output)', () => {
  it('returns the exact content or null', () => {
    const content = sysctlConfFile.parse(fx('file-99-sysctl.conf.txt'), '/etc/sysctl.d/99-sysctl.conf');
    expect(content).toMatch(/^#\n# \/etc\/sysctl.conf - Configuration file/);
    expect(content?.endsWith('\n')).toBe(true);
    expect(content?.split('\n').filter((l) => parseSysctlLine(l))).toEqual([]);
    expect(sysctlConfFile.parse(fx('file-absent.txt'), '/etc/sysctl.d/x.conf')).toBeNull();
  });

  it('throws when the file exists but cannot be read', () => {
    expect(() => sysctlConfFile.parse({ stdout: 'present\n', stderr: 'cat: /x: Permission denied\n', code: 1 }, '/x')).toThrow(/Permission denied/);
  });
});

describe('sysctl key and line helpers', () => {
  it('validates keys', () => {
    expect(isValidSysctlKey('net.ipv4.ip_forward')).toBe(true);
    expect(isValidSysctlKey('net.bridge.bridge-nf-call-iptables')).toBe(true);
    expect(isValidSysctlKey('net.ipv4.conf.wlP1p1s0/100.rp_filter')).toBe(true);
    for (const bad of ['', 'net..x', '.net', 'net.', 'net./.x', 'a b', 'a;rm', 'x=1', 'a.$(id)']) expect(isValidSysctlKey(bad), bad).toBe(false);
  });

  it('normalises keys and values', () => {
    expect(normaliseSysctlKey('net/ipv4/ip_forward')).toBe('net.ipv4.ip_forward');
    expect(normaliseSysctlKey('net.ipv4.ip_forward')).toBe('net.ipv4.ip_forward');
    expect(normaliseSysctlValue(' 4096\t87380   6291456\n')).toBe('4096 87380 6291456');
    expect(normaliseSysctlValue(1)).toBe('1');
  });

  it('parses sysctl.d lines', () => {
    expect(parseSysctlLine('net.ipv4.ip_forward=1')).toEqual({ key: 'net.ipv4.ip_forward', value: '1' });
    expect(parseSysctlLine('  -net/ipv4/ip_forward =  1 ')).toEqual({ key: 'net.ipv4.ip_forward', value: '1' });
    expect(parseSysctlLine('# net.ipv4.ip_forward=1')).toBeUndefined();
    expect(parseSysctlLine('; kernel.x = 1')).toBeUndefined();
    expect(parseSysctlLine('')).toBeUndefined();
  });
});

const linux = process.platform === 'linux' && existsSync('/proc/sys/kernel/ostype');
if (!linux) console.warn('sysctl live check skipped: needs Linux /proc/sys');

describe('sysctl facts on this machine (real process)', () => {
  it.skipIf(!linux)('reads what /proc/sys holds, and a missing key as missing', () => {
    const run = (cmd: string) => ({ stdout: execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }), stderr: '', code: 0 });
    expect(sysctlLive.parse(run(sysctlLive.command('kernel.ostype')), 'kernel.ostype')).toEqual({
      exists: true,
      value: readFileSync('/proc/sys/kernel/ostype', 'utf8').trim(),
    });
    expect(sysctlLive.parse(run(sysctlLive.command('net.ipv4.conf.rig-no-such-if.forwarding')), 'x')).toEqual({ exists: false });
    expect(sysctlConfFile.parse(run(sysctlConfFile.command('/nonexistent/rig.conf')), '/nonexistent/rig.conf')).toBeNull();
  });
});
