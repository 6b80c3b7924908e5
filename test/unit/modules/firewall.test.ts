import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firewallBackends, nftTableLive } from '../../../src/facts/firewall.ts';
import { chooseFirewallBackend, nftRulesetModule, renderNftRuleset, type NftRulesetArgs } from '../../../src/modules/firewall.ts';
import { clusterRules } from '../../../roles/firewall/index.ts';

const fx = (p: string) => readFileSync(new URL(`../../fixtures/facts/firewall/${p}`, import.meta.url), 'utf8');
const arg = { family: 'inet', name: 'rig' };
const vars = { firewall_manage: true, firewall_backend: 'auto', firewall_input_policy: 'drop' as const, firewall_ssh_port: 22, firewall_allow_esp: true, firewall_consul: true, firewall_docker_dns: true, cluster_cidr: '10.77.0.0/24' };
// the ruleset whose live listing was captured (test/fixtures/facts/firewall/nft-table-present.txt, loaded in a netns)
const captured: NftRulesetArgs = {
  rules: [
    { proto: 'tcp', ports: [22], from: 'any', comment: 'ssh' },
    { proto: 'tcp', ports: [2377, 7946, 8300, [8301, 8302], 8500, 8600], from: ['10.77.0.0/24'] },
    { proto: 'udp', ports: [4789, 7946, [8301, 8302], 8600], from: ['10.77.0.0/24'] },
    { proto: 'esp', from: ['10.77.0.0/24'] },
    { proto: 'udp', ports: [8600], from: 'any', iifnames: ['docker0', 'docker_gwbridge'] },
  ],
  dnsRedirect: { addresses: ['10.77.0.11'], toPort: 8600 },
};

describe('firewall facts', () => {
  it('backends on this Debian 12 machine', () => {
    const b = firewallBackends.parse({ stdout: fx('backends-debian12-nft.txt'), stderr: '', code: 0 }, undefined);
    expect(b).toEqual({ ufw: { installed: false, active: false }, firewalld: { installed: false, active: false }, nftables: { installed: true }, iptables: { installed: true, persistent: false } });
    expect(chooseFirewallBackend(b, 'auto')).toEqual({ backend: 'nftables' });
    expect(chooseFirewallBackend(b, 'pf')).toHaveProperty('error', expect.stringMatching(/unknown firewall backend "pf"/));
  });
  it('an active ufw is not bypassed by auto', () => {
    const b = firewallBackends.parse({ stdout: fx('backends-debian12-nft.txt').replace('bin ufw no', 'bin ufw yes').replace('ufwconf disabled', 'ufwconf enabled'), stderr: '', code: 0 }, undefined);
    expect(chooseFirewallBackend(b, 'auto')).toEqual({ backend: 'ufw' });
  });
  it('live table: absent, and present with the hash of the rendered file', () => {
    expect(nftTableLive.parse({ stdout: fx('nft-table-absent.txt'), stderr: '', code: 0 }, arg)).toEqual({ present: false });
    const live = nftTableLive.parse({ stdout: fx('nft-table-present.txt'), stderr: '', code: 0 }, arg);
    expect(live).toEqual({ present: true, hash: renderNftRuleset(captured).hash });
  });
});

describe('nftRuleset plan', () => {
  const { text } = renderNftRuleset(captured);
  const file = (content?: string) =>
    content === undefined ? { path: '/etc/rig/firewall.nft', exists: false as const } : { path: '/etc/rig/firewall.nft', exists: true as const, type: 'file' as const, mode: '0600', owner: 'root', group: 'root', uid: 0, gid: 0, size: content.length, content: new TextEncoder().encode(content) };
  const live = nftTableLive.parse({ stdout: fx('nft-table-present.txt'), stderr: '', code: 0 }, arg);
  it('fresh: write (checked by nft -c) then load', () => {
    const p = nftRulesetModule.plan(captured, { file: file(), live: { present: false } }, undefined as never);
    expect(p.changes.map((c) => c.kind)).toEqual(['write', 'exec']);
    expect(p.changes[0]).toMatchObject({ validate: 'nft -c -f %s', mode: '0600' });
    expect(p.changes[1]).toMatchObject({ command: 'nft -f /etc/rig/firewall.nft' });
  });
  it('converged (after a reboot the unit reloaded it): no change', () => {
    expect(nftRulesetModule.plan(captured, { file: file(text), live }, undefined as never).changes).toEqual([]);
  });
  it('file right but table flushed: reload only', () => {
    const p = nftRulesetModule.plan(captured, { file: file(text), live: { present: false } }, undefined as never);
    expect(p.changes.map((c) => c.kind)).toEqual(['exec']);
  });
  it('never flushes the ruleset (Docker tables stay)', () => {
    expect(text).not.toMatch(/flush ruleset/);
    expect(text).toMatch(/^table inet rig\ndelete table inet rig\ntable inet rig \{/m);
  });
  it('SSH first, 2377 only on managers, cluster ports from the CIDR only', () => {
    const m = clusterRules(vars, true);
    expect(m[0]).toMatchObject({ proto: 'tcp', ports: [22], from: 'any' });
    expect(m[1]?.ports).toContain(2377);
    expect(clusterRules(vars, false)[1]?.ports).not.toContain(2377);
    expect(m.filter((r) => r.from !== 'any' && !r.iifnames).every((r) => r.from !== 'any' && r.from[0] === '10.77.0.0/24')).toBe(true);
    expect(m.some((r) => r.proto === 'esp')).toBe(true);
  });
  it('validate catches bad ports and sources', () => {
    expect(nftRulesetModule.validate!({ rules: [{ proto: 'tcp', ports: [0], from: ['nope'] }] })).toHaveLength(2);
  });
});
