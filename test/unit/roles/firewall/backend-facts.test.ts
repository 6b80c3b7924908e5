import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { iptablesFilter, normalizeRule } from '../../../../roles/firewall/library/firewall-iptables-facts.ts';
import { parseUfwRule, ufwRuleKey } from '../../../../roles/firewall/library/firewall-ufw-facts.ts';

// captured on this Debian 12 machine (iptables 1.8.9 nf_tables, ufw 0.36.2) in fresh network namespaces; see README.md there
const fx = (p: string) => ({ stdout: readFileSync(new URL(`../../../fixtures/facts/firewall/${p}`, import.meta.url), 'utf8'), stderr: '', code: 0 });

// parse cases (command + captured output → value) are data: test/cases/facts/firewall.*/*.json; what stays here
// compares two captures or tests a helper
describe('iptablesFilter', () => {
  it("rig's chains leave Docker's own chains as they were", () => {
    const before = iptablesFilter.parse(fx('iptables-docker-only.txt'), 'ipv4');
    const after = iptablesFilter.parse(fx('iptables-applied.txt'), 'ipv4');
    for (const c of ['DOCKER', 'DOCKER-ISOLATION-STAGE-1', 'FORWARD']) expect(after.chains[c]).toEqual(before.chains[c]);
  });
  it('normalizes quoting', () => expect(normalizeRule('-m comment --comment "rig: ssh"  -j ACCEPT')).toBe('-m comment --comment rig: ssh -j ACCEPT'));
});

describe('ufw rules', () => {
  it('other forms ufw prints', () => {
    expect(ufwRuleKey(parseUfwRule("ufw allow to any proto esp comment 'rig: esp any'"))).toBe('allow in on=* from=any to=any port=* proto=esp');
    expect(parseUfwRule('ufw allow 80,443,8000:8010/tcp')).toMatchObject({ port: '80,443,8000:8010', proto: 'tcp' });
    expect(parseUfwRule('ufw allow in on docker0 proto esp')).toMatchObject({ iface: 'docker0', proto: 'esp' });
    expect(ufwRuleKey(parseUfwRule('ufw allow from 10.1.2.3 to any port 99 proto tcp'))).toBe(ufwRuleKey(parseUfwRule('ufw allow from 10.1.2.3/32 to any port 99 proto tcp')));
    expect(() => parseUfwRule('ufw frobnicate 22')).toThrow(/unexpected line/);
  });
});
