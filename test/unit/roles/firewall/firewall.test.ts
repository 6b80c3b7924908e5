import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firewallBackends, nftTableLive } from '../../../../roles/firewall/library/firewall-facts.ts';
import { argProblems } from '../../../../src/core/index.ts';
import { chooseFirewallBackend, firewallBackendModule, nftRulesetModule, renderNftRuleset, type NftRulesetArgs } from '../../../../roles/firewall/library/firewall.ts';
import { clusterRules } from '../../../../roles/firewall/index.ts';

const fx = (p: string) => readFileSync(new URL(`../../../fixtures/facts/firewall/${p}`, import.meta.url), 'utf8');
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
});

describe('nftRuleset args', () => {
  const v = (a: unknown) => argProblems(nftRulesetModule, a).join('\n');
  const rule = { proto: 'tcp', ports: [22], from: 'any' };
  it('valid args (the captured ruleset, an esp rule, ranges, policy, table, path) have no problems', () => {
    expect(v(captured)).toBe('');
    expect(v({ rules: [rule, { proto: 'esp', from: ['10.0.0.0/8'] }], inputPolicy: 'accept', table: 'rig_2', path: '/etc/rig/x.nft' })).toBe('');
  });
  it.each([
    [{ rules: [{ ...rule, ports: [0] }] }, 'rules[0].ports[0]: a port is 1-65535, got 0'],
    [{ rules: [{ ...rule, ports: [70000] }] }, 'rules[0].ports[0]: a port is 1-65535, got 70000'],
    [{ rules: [{ ...rule, ports: ['22'] }] }, 'rules[0].ports[0]: expected a port (1-65535) or a range [from, to], got "22"'],
    [{ rules: [{ ...rule, ports: [22.5] }] }, 'rules[0].ports[0]: expected a port (1-65535) or a range [from, to], got 22.5'],
    [{ rules: [{ ...rule, ports: [[9000, 8000]] }] }, 'rules[0].ports[0]: a port range is [from, to] with from below to, got [9000,8000]'],
    [{ rules: [{ ...rule, ports: [[1, 2, 3]] }] }, 'rules[0].ports[0]: expected a port (1-65535) or a range [from, to], got [1,2,3]'],
    [{ rules: [{ ...rule, ports: [[1, 70000]] }] }, 'rules[0].ports[0][1]: a port is 1-65535, got 70000'],
    [{ rules: [{ ...rule, ports: [] }] }, 'rules[0].ports: tcp/udp rules need at least one port'],
    [{ rules: [{ proto: 'udp', from: 'any' }] }, 'rules[0].ports: tcp/udp rules need ports: a list of ports or [from, to] ranges'],
    [{ rules: [{ ...rule, ports: 22 }] }, 'rules[0].ports: expected a list of ports, got 22'],
    [{ rules: [{ proto: 'esp', ports: [50], from: 'any' }] }, 'rules[0].ports: esp has no ports: remove ports'],
    [{ rules: [{ ...rule, proto: 'icmp' }] }, 'rules[0].proto: proto must be tcp, udp or esp, got "icmp"'],
    [{ rules: [{ ports: [22], from: 'any' }] }, 'rules[0].proto: proto must be tcp, udp or esp, got undefined'],
    [{ rules: [{ ...rule, from: ['nope'] }] }, 'rules[0].from[0]: "nope" is not an IPv4 address or CIDR like 10.0.0.0/8'],
    [{ rules: [{ ...rule, from: ['10.0.0.0/33'] }] }, 'rules[0].from[0]: "10.0.0.0/33" is not an IPv4 address or CIDR'],
    [{ rules: [{ ...rule, from: ['256.1.1.1'] }] }, 'rules[0].from[0]: "256.1.1.1" is not an IPv4 address or CIDR'],
    [{ rules: [{ ...rule, from: [] }] }, "rules[0].from: an empty list allows nobody: write 'any' or list the sources"],
    [{ rules: [{ ...rule, from: 'anywhere' }] }, `rules[0].from: expected 'any' or a list of IPv4 addresses/CIDRs, got "anywhere"`],
    [{ rules: [{ ...rule, from: '10.0.0.0/8' }] }, `rules[0].from: expected 'any' or a list of IPv4 addresses/CIDRs, got "10.0.0.0/8"`],
    [{ rules: [{ ...rule, iifnames: ['docker0', 'a very long interface'] }] }, 'rules[0].iifnames[1]: "a very long interface" is not an interface name'],
    [{ rules: [{ ...rule, comment: 'two\nlines' }] }, 'rules[0].comment: a comment is one line without control characters'],
    [{ rules: [{ ...rule, comment: 'x'.repeat(129) }] }, 'rules[0].comment: nft takes comments of at most 128 characters'],
    [{ rules: [{ ...rule, commnet: 'ssh' }] }, "rules[0]: unknown key 'commnet' (did you mean 'comment'?)"],
    [{ rules: [{ ...rule, comment: { text: 'ssh' } }] }, 'rules[0].comment: Invalid input: expected string, received object'],
    [{ rules: ['tcp/22'] }, 'rules[0]: Invalid input: expected object, received string'],
    [{ rules: { proto: 'tcp' } }, 'rules: Invalid input: expected array, received object'],
    [{}, 'rules: Invalid input: expected array, received undefined'],
    [{ rules: [], inputPolicy: 'reject' }, 'inputPolicy: Invalid option: expected one of "drop"|"accept"'],
    [{ rules: [], dnsRedirect: { addresses: ['10.0.0.1'], toPort: 0 } }, 'dnsRedirect.toPort: a port is 1-65535, got 0'],
    [{ rules: [], dnsRedirect: { addresses: [], toPort: 8600 } }, 'dnsRedirect.addresses: list the local addresses DNS is sent to'],
    [{ rules: [], dnsRedirect: { address: ['10.0.0.1'], toPort: 8600 } }, "dnsRedirect: unknown key 'address' (did you mean 'addresses'?)"],
    [{ rules: [], dnsRedirect: { addresses: ['10.0.0.1'], toPort: 8600, only: [] } }, 'dnsRedirect.only: Too small'],
    [{ rules: [], dnsRedirect: { addresses: ['10.0.0.1'], toPort: 8600, only: [{ from: ['any'] }] } }, 'dnsRedirect.only[0]'],
    // each address is DNATed to itself: a network has no single address to send DNS on to
    [{ rules: [], dnsRedirect: { addresses: ['10.77.0.0/24'], toPort: 8600 } }, 'dnsRedirect.addresses[0]: "10.77.0.0/24" is not an IPv4 address like 10.77.0.11'],
    [{ rules: [], table: 'rig-fw' }, 'table: "rig-fw" is not an nft table name'],
    [{ rules: [], path: 'firewall.nft' }, 'path: must be an absolute path, got "firewall.nft"'],
    [{ rules: [], tabel: 'rig' }, "unknown key 'tabel' (did you mean 'table'?)"],
  ])('%j → %s', (args, message) => expect(v(args)).toContain(message));
  it('container DNS: DNAT to the same address (a redirect would send it to docker0\'s address, where Consul does not listen), prerouting and output', () => {
    const t = renderNftRuleset({ ...captured, dnsRedirect: { addresses: ['10.77.0.11', '192.0.2.5'], toPort: 8600 } }).text;
    const dnat = ['ip daddr 10.77.0.11 meta l4proto { tcp, udp } th dport 53 dnat ip to 10.77.0.11:8600', 'ip daddr 192.0.2.5 meta l4proto { tcp, udp } th dport 53 dnat ip to 192.0.2.5:8600'];
    for (const hook of ['prerouting priority dstnat', 'output priority -100']) {
      expect(t).toContain(`    type nat hook ${hook}; policy accept;\n${dnat.map((l) => `    ${l}`).join('\n')}\n  }`);
    }
    expect(t).not.toContain('redirect');
    expect(renderNftRuleset({ rules: captured.rules }).text).not.toMatch(/nat hook/);
  });
  it('a DNS redirect limited to interfaces and sources (firewalld backend); the host itself is always redirected', () => {
    const only = [{ iifnames: ['docker0', 'docker_gwbridge'] }, { from: ['10.77.0.0/24'] }];
    expect(argProblems(nftRulesetModule, { rules: [], inputPolicy: 'accept', dnsRedirect: { addresses: ['10.77.0.11'], toPort: 8600, only } })).toEqual([]);
    const text = renderNftRuleset({ rules: [], inputPolicy: 'accept', dnsRedirect: { addresses: ['10.77.0.11'], toPort: 8600, only } }).text;
    expect(text).toContain('    iifname { "docker0", "docker_gwbridge" } ip daddr 10.77.0.11 meta l4proto { tcp, udp } th dport 53 dnat ip to 10.77.0.11:8600\n    ip saddr 10.77.0.0/24 ip daddr 10.77.0.11 meta l4proto { tcp, udp } th dport 53 dnat ip to 10.77.0.11:8600\n  }');
    expect(text).toContain('type nat hook output priority -100; policy accept;\n    ip daddr 10.77.0.11 meta l4proto { tcp, udp } th dport 53 dnat ip to 10.77.0.11:8600');
  });
  it('ranges and esp rules render as nft syntax', () => {
    expect(renderNftRuleset(captured).text).toContain('tcp dport { 2377, 7946, 8300, 8301-8302, 8500, 8600 }');
    expect(renderNftRuleset(captured).text).toContain('ip saddr 10.77.0.0/24 meta l4proto esp accept');
  });
});

describe('firewallBackend args', () => {
  it('a known backend name, else the list to pick from', () => {
    expect(argProblems(firewallBackendModule, { preferred: 'iptables' })).toEqual([]);
    expect(argProblems(firewallBackendModule, { preferred: 'pf' })).toEqual(['preferred: unknown firewall backend "pf": firewall_backend is one of auto, nftables, ufw, firewalld, iptables']);
    expect(argProblems(firewallBackendModule, { preferred: 3 })).toEqual(['preferred: expected a firewall backend name, got 3']);
    expect(argProblems(firewallBackendModule, { prefered: 'auto' }).join('\n')).toMatch(/unknown key 'prefered' \(did you mean 'preferred'\?\)/);
  });
});
