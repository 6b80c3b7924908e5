import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { iptablesFilter, normalizeRule } from '../../../../roles/firewall/library/firewall-iptables-facts.ts';
import { parseUfwRule, ufwRuleKey, ufwState } from '../../../../roles/firewall/library/firewall-ufw-facts.ts';

// captured on this Debian 12 machine (iptables 1.8.9 nf_tables, ufw 0.36.2) in fresh network namespaces; see README.md there
const fx = (p: string) => ({ stdout: readFileSync(new URL(`../../../fixtures/facts/firewall/${p}`, import.meta.url), 'utf8'), stderr: '', code: 0 });

describe('iptablesFilter', () => {
  it('a fresh namespace: built-in chains, no rules', () => {
    expect(iptablesFilter.parse(fx('iptables-empty.txt'), 'ipv4')).toEqual({ available: true, chains: { INPUT: [], FORWARD: [], OUTPUT: [] } });
  });
  it("Docker's chains, then rig's chains jumped to first", () => {
    const before = iptablesFilter.parse(fx('iptables-docker-only.txt'), 'ipv4');
    expect(before.chains['DOCKER-USER']).toEqual(['-j RETURN']);
    expect(before.chains['RIG-INPUT']).toBeUndefined();
    const after = iptablesFilter.parse(fx('iptables-applied.txt'), 'ipv4');
    expect(after.chains.INPUT).toEqual(['-j RIG-INPUT', '-p tcp -m tcp --dport 9999 -j ACCEPT']);
    expect(after.chains['DOCKER-USER']).toEqual(['-j RIG-DOCKER-USER', '-j RETURN']);
    expect(after.chains['RIG-INPUT']?.[4]).toBe('-p tcp -m tcp --dport 22 -m comment --comment rig: ssh -j ACCEPT');
    expect(after.chains['RIG-INPUT']?.at(-1)).toBe('-j DROP');
    // Docker's own chains are as they were
    for (const c of ['DOCKER', 'DOCKER-ISOLATION-STAGE-1', 'FORWARD']) expect(after.chains[c]).toEqual(before.chains[c]);
  });
  it('a flushed RIG-INPUT is present and empty', () => {
    const f = iptablesFilter.parse(fx('iptables-rig-flushed.txt'), 'ipv4');
    expect(f.chains['RIG-INPUT']).toEqual([]);
    expect(f.chains.INPUT?.[0]).toBe('-j RIG-INPUT');
  });
  it('ip6tables, missing binary, errors', () => {
    expect(iptablesFilter.parse(fx('ip6tables-applied.txt'), 'ipv6').chains['RIG-INPUT']).toContain('-p ipv6-icmp -j ACCEPT');
    expect(iptablesFilter.command('ipv6')).toMatch(/ip6tables -w -S/);
    expect(iptablesFilter.parse({ stdout: '__rig_missing__\n', stderr: '', code: 0 }, 'ipv4')).toEqual({ available: false, chains: {} });
    expect(() => iptablesFilter.parse({ stdout: '__rig_error__ iptables: Permission denied (you must be root).\n', stderr: '', code: 0 }, 'ipv4')).toThrow(/Permission denied/);
  });
  it('normalizes quoting', () => expect(normalizeRule('-m comment --comment "rig: ssh"  -j ACCEPT')).toBe('-m comment --comment rig: ssh -j ACCEPT'));
});

describe('ufwState', () => {
  it('fresh Debian ufw: off, default DROP in /etc/default/ufw, no rules, not loaded', () => {
    expect(ufwState.parse(fx('ufw-fresh.txt'), undefined)).toEqual({ installed: true, enabled: false, defaultInput: 'DROP', live: { loaded: false, rules: 0 }, rules: [] });
  });
  it('after rig: enabled, loaded, rules as ufw lists them', () => {
    const s = ufwState.parse(fx('ufw-applied.txt'), undefined);
    expect(s).toMatchObject({ enabled: true, defaultInput: 'DROP', live: { loaded: true, rules: 8 } });
    expect(s.rules).toHaveLength(8);
    expect(s.rules[0]).toEqual({ action: 'allow', direction: 'in', from: 'any', to: 'any', port: '22', proto: 'tcp', comment: 'rig: ssh' });
    expect(s.rules[3]).toEqual({ action: 'allow', direction: 'in', from: '10.77.0.0/24', to: 'any', proto: 'esp', comment: 'rig: encrypted overlay' });
    expect(s.rules[4]).toMatchObject({ iface: 'docker0', port: '8600', proto: 'udp', from: 'any' });
  });
  it('chains flushed by hand, and enabled but never loaded (boot without ufw.service)', () => {
    expect(ufwState.parse(fx('ufw-user-input-flushed.txt'), undefined).live).toEqual({ loaded: true, rules: 0 });
    expect(ufwState.parse(fx('ufw-enabled-not-loaded.txt'), undefined)).toMatchObject({ enabled: true, live: { loaded: false, rules: 0 } });
  });
  it('other forms ufw prints', () => {
    expect(ufwRuleKey(parseUfwRule("ufw allow to any proto esp comment 'rig: esp any'"))).toBe('allow in on=* from=any to=any port=* proto=esp');
    expect(parseUfwRule('ufw allow 80,443,8000:8010/tcp')).toMatchObject({ port: '80,443,8000:8010', proto: 'tcp' });
    expect(parseUfwRule('ufw allow in on docker0 proto esp')).toMatchObject({ iface: 'docker0', proto: 'esp' });
    expect(ufwRuleKey(parseUfwRule('ufw allow from 10.1.2.3 to any port 99 proto tcp'))).toBe(ufwRuleKey(parseUfwRule('ufw allow from 10.1.2.3/32 to any port 99 proto tcp')));
    expect(() => parseUfwRule('ufw frobnicate 22')).toThrow(/unexpected line/);
  });
});
