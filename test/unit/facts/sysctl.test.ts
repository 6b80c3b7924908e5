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

// parse cases (command + captured output → value) are data: test/cases/facts/sysctl.sysctlLive and files.fileContent
describe('sysctl key and line helpers', () => {
  it('validates keys', () => {
    expect(isValidSysctlKey('net.ipv4.ip_forward')).toBe(true);
    expect(isValidSysctlKey('net.bridge.bridge-nf-call-iptables')).toBe(true);
    expect(isValidSysctlKey('net.ipv4.conf.wlP1p1s0/100.rp_filter')).toBe(true);
    for (const bad of ['', 'net..x', '.net', 'net.', 'net./.x', 'a b', 'a;rm', 'x=1', 'a.$(id)']) expect(isValidSysctlKey(bad), bad).toBe(false);
  });

  it('a slash in a dot-notation segment is a dot in the /proc/sys path', () => {
    expect(sysctlProcPath('net/ipv4/conf/eth0.100/rp_filter')).toBe('/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
    expect(sysctlProcPath('net.ipv4.conf.eth0/100.rp_filter')).toBe('/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
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
