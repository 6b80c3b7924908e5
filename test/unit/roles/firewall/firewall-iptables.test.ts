import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../../src/core/index.ts';
import { iptablesFilter, iptablesNat } from '../../../../roles/firewall/library/firewall-iptables-facts.ts';
import { dnsRedirectDrift, RIG_DNS } from '../../../../roles/firewall/library/dns-redirect.ts';
import type { FileState } from '../../../../src/facts/files.ts';
import { iptablesFirewallModule, renderIptablesRules, renderIptablesScript, rigChains, type IptablesFirewallArgs, type IptablesFirewallState } from '../../../../roles/firewall/library/firewall-iptables.ts';
import { clusterRules } from '../../../../roles/firewall/index.ts';

const fx = (p: string) => ({ stdout: readFileSync(new URL(`../../../fixtures/facts/firewall/${p}`, import.meta.url), 'utf8'), stderr: '', code: 0 });
const vars = { firewall_ssh_port: 22, firewall_allow_esp: true, firewall_consul: true, firewall_docker_dns: true, cluster_cidr: '10.77.0.0/24' };
// the args whose chains were loaded for the fixtures (test/fixtures/facts/firewall/README.md)
const captured: IptablesFirewallArgs = { family: 'ipv4', rules: clusterRules(vars, true), inputPolicy: 'drop', dockerPublishedFrom: ['10.77.0.0/24', '192.0.2.7'] };
const captured6: IptablesFirewallArgs = { family: 'ipv6', rules: clusterRules(vars, true), inputPolicy: 'drop' };

const file = (path: string, content?: string): FileState =>
  content === undefined ? { path, exists: false } : { path, exists: true, type: 'file', mode: '0600', owner: 'root', group: 'root', uid: 0, gid: 0, size: content.length, content: new TextEncoder().encode(content) };
const nat = (p: string) => iptablesNat.parse(fx(p), 'ipv4');
// nat: the table as it was before this feature (Docker's chains only) unless a case says otherwise
const state = (a: IptablesFirewallArgs, live: string, written = true, natFile = 'nat-docker-only.txt'): IptablesFirewallState => {
  const six = a.family === 'ipv6';
  return {
    file: file(six ? '/etc/rig/ip6tables.rules' : '/etc/rig/iptables.rules', written ? renderIptablesRules(a) : undefined),
    script: file(six ? '/etc/rig/ip6tables-apply.sh' : '/etc/rig/iptables-apply.sh', written ? renderIptablesScript(a) : undefined),
    live: iptablesFilter.parse(fx(live), a.family ?? 'ipv4'),
    ...(six ? {} : { nat: nat(natFile) }),
  };
};
const plan = (a: IptablesFirewallArgs, s: IptablesFirewallState) => iptablesFirewallModule.plan(a, s, undefined as never);

describe('iptablesFirewall plan', () => {
  it('fresh host with Docker: write the rules (checked by iptables-restore --test), the script, then run it', () => {
    const p = plan(captured, state(captured, 'iptables-docker-only.txt', false));
    expect(p.changes.map((c) => c.kind)).toEqual(['write', 'write', 'exec']);
    expect(p.changes[0]).toMatchObject({ path: '/etc/rig/iptables.rules', mode: '0600', validate: 'iptables-restore -w --test --noflush %s' });
    expect(p.changes[1]).toMatchObject({ path: '/etc/rig/iptables-apply.sh', mode: '0700' });
    expect(p.changes[2]).toMatchObject({ kind: 'exec', command: 'sh /etc/rig/iptables-apply.sh' });
  });
  it('converged (the captured live table): no change', () => {
    expect(plan(captured, state(captured, 'iptables-applied.txt')).changes).toEqual([]);
    expect(plan(captured6, state(captured6, 'ip6tables-applied.txt')).changes).toEqual([]);
  });
  it('RIG-INPUT flushed by hand: only the reload, saying why', () => {
    const p = plan(captured, state(captured, 'iptables-rig-flushed.txt'));
    expect(p.changes).toEqual([{ kind: 'exec', command: 'sh /etc/rig/iptables-apply.sh', description: 'load RIG-INPUT, RIG-DOCKER-USER (iptables)' }]);
    const n = rigChains(captured)[0]!.rules.length;
    expect(p.msg).toBe(`RIG-INPUT differs (${n} of ${n} rules missing, 0 live)`);
  });
  it('after a reboot without the unit (empty table): only the reload', () => {
    const p = plan(captured, state(captured, 'iptables-empty.txt'));
    expect(p.changes.map((c) => c.kind)).toEqual(['exec']);
    expect(p.msg).toMatch(/RIG-INPUT missing; INPUT does not jump to RIG-INPUT first; RIG-DOCKER-USER missing; DOCKER-USER missing/);
  });
  it('a changed port: new file and reload', () => {
    const moved = { ...captured, rules: clusterRules({ ...vars, firewall_ssh_port: 2222 }, true) };
    const p = plan(moved, state(captured, 'iptables-applied.txt'));
    // the script does not depend on the rules: only the rules file and the reload
    expect(p.changes.map((c) => c.kind)).toEqual(['write', 'exec']);
    expect(p.msg).toBe('rules changed');
    expect(p.diff?.[0]?.after).toContain('--dport 2222');
  });
  it('SSH accepted before anything is dropped; DROP last; only rig chains declared (nothing flushed)', () => {
    const text = renderIptablesRules(captured);
    const lines = text.split('\n');
    const ssh = lines.findIndex((l) => l.includes('--dport 22 '));
    expect(ssh).toBeGreaterThan(0);
    expect(lines.slice(0, ssh).filter((l) => / -j DROP$/.test(l))).toEqual(['-A RIG-INPUT -m conntrack --ctstate INVALID -j DROP']);
    expect(lines.filter((l) => l.startsWith(':'))).toEqual([':RIG-INPUT - [0:0]', ':RIG-DOCKER-USER - [0:0]']);
    expect(text).not.toMatch(/^-F|^-X|\*nat|DOCKER-ISOLATION|:DOCKER /m);
    expect(rigChains(captured).find((c) => c.name === 'RIG-INPUT')?.rules.at(-1)).toBe('-j DROP');
    expect(rigChains({ ...captured, inputPolicy: 'accept' })[0]?.rules.at(-1)).not.toBe('-j DROP');
  });
  it('DOCKER-USER: only DNATed (published) connections from elsewhere are dropped; not managed when unset', () => {
    const du = rigChains(captured).find((c) => c.parent === 'DOCKER-USER')!;
    expect(du.rules).toEqual([
      '-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
      '-s 10.77.0.0/24 -m conntrack --ctstate DNAT -m comment --comment "rig: published ports" -j RETURN',
      '-s 192.0.2.7/32 -m conntrack --ctstate DNAT -m comment --comment "rig: published ports" -j RETURN',
      '-m conntrack --ctstate DNAT -m comment --comment "rig: published ports from elsewhere" -j DROP',
    ]);
    const { dockerPublishedFrom: _, ...unmanaged } = captured;
    expect(rigChains(unmanaged).map((c) => c.name)).toEqual(['RIG-INPUT']);
    expect(renderIptablesScript(unmanaged)).not.toContain('DOCKER-USER');
    expect(renderIptablesScript(captured)).toContain('iptables -w -S DOCKER-USER >/dev/null 2>&1 || iptables -w -N DOCKER-USER');
  });
  it('ipv6: only rules from anywhere (cluster sources are IPv4)', () => {
    const r = rigChains(captured6)[0]!.rules;
    expect(r.some((l) => l.includes('10.77.'))).toBe(false);
    expect(r).toContain('-p tcp -m tcp --dport 22 -m comment --comment "rig: ssh" -j ACCEPT');
    expect(renderIptablesScript(captured6)).toContain('ip6tables-restore -w --noflush /etc/rig/ip6tables.rules');
  });
});

describe('iptablesFirewall args', () => {
  const v = (a: unknown) => argProblems(iptablesFirewallModule, a).join('\n');
  const ssh = { proto: 'tcp', ports: [22], from: 'any', comment: 'ssh' };
  it('valid args (the captured ones, both families, custom paths) have no problems', () => {
    expect(v(captured)).toBe('');
    expect(v(captured6)).toBe('');
    expect(v({ rules: [ssh], dockerPublishedFrom: [], path: '/etc/rig/v4.rules', script: '/usr/local/sbin/rig-fw.sh' })).toBe('');
  });
  it.each([
    [{ rules: [{ ...ssh, comment: 'a"b' }] }, 'rules[0].comment: a comment may hold letters, digits, spaces and _+.,:- only'],
    [{ rules: [{ ...ssh, comment: "it's" }] }, 'rules[0].comment: a comment may hold letters'],
    [{ rules: [{ ...ssh, ports: [0] }] }, 'rules[0].ports[0]: a port is 1-65535, got 0'],
    [{ rules: [{ ...ssh, from: ['10.0.0.300'] }] }, 'rules[0].from[0]: "10.0.0.300" is not an IPv4 address or CIDR'],
    [{ rules: [{ ...ssh, proto: 'sctp' }] }, 'rules[0].proto: proto must be tcp, udp or esp, got "sctp"'],
    [{ rules: [], dockerPublishedFrom: ['nope'] }, 'dockerPublishedFrom[0]: "nope" is not an IPv4 address or CIDR'],
    [{ rules: [], dockerPublishedFrom: '10.0.0.0/8' }, 'dockerPublishedFrom: Invalid input: expected array, received string'],
    [{ rules: [], inputPolicy: 'reject' }, 'inputPolicy: Invalid option: expected one of "drop"|"accept"'],
    [{ rules: [], family: 'inet6' }, 'family: Invalid option: expected one of "ipv4"|"ipv6"'],
    [{ rules: [], path: 'iptables.rules' }, 'path: "iptables.rules" is not an absolute path of letters, digits and _./- (the rules file is named in a script)'],
    [{ rules: [], script: '/etc/rig/apply $(id).sh' }, 'script: "/etc/rig/apply $(id).sh" is not an absolute path'],
    [{ rules: [], script: 7 }, 'script: expected an absolute path for the load script'],
    [{ rules: [], dockerPublishedForm: ['10.0.0.0/8'] }, "unknown key 'dockerPublishedForm' (did you mean 'dockerPublishedFrom'?)"],
  ])('%j → %s', (args, message) => expect(v(args)).toContain(message));
});

describe('iptablesFirewall: container DNS to Consul (nat chain RIG-DNS)', () => {
  // the args whose chains produced the nat-*.txt fixtures (test/fixtures/facts/firewall/README.md)
  const on: IptablesFirewallArgs = { ...captured, dnsRedirect: { addresses: ['10.77.0.11'], toPort: 8600 } };
  const load = { kind: 'exec', command: 'sh /etc/rig/iptables-apply.sh', description: 'load RIG-INPUT, RIG-DOCKER-USER, RIG-DNS (iptables)' };
  it('the rules file declares only RIG-DNS in nat (Docker\'s DOCKER/PREROUTING rules never named), DNAT to the same address', () => {
    const text = renderIptablesRules(on);
    const natPart = text.slice(text.indexOf('*nat'));
    expect(natPart.split('\n').filter((l) => l.startsWith(':'))).toEqual([':RIG-DNS - [0:0]']);
    expect(natPart).toContain('-A RIG-DNS -d 10.77.0.11/32 -p udp -m udp --dport 53 -m comment --comment "rig: consul dns" -j DNAT --to-destination 10.77.0.11:8600\n');
    expect(natPart).toContain('-A RIG-DNS -d 10.77.0.11/32 -p tcp -m tcp --dport 53 -m comment --comment "rig: consul dns" -j DNAT --to-destination 10.77.0.11:8600\n');
    expect(natPart).not.toMatch(/REDIRECT|DOCKER|^-[FXID] |^:(PREROUTING|OUTPUT)/m);
    expect(renderIptablesRules(captured)).not.toContain('*nat');
  });
  it('the load script (also the boot unit) puts the nat jumps first after the restore; without the redirect it removes RIG-DNS', () => {
    const sc = renderIptablesScript(on).split('\n');
    const restore = sc.indexOf('iptables-restore -w --noflush /etc/rig/iptables.rules');
    expect(sc.indexOf('first nat PREROUTING RIG-DNS')).toBeGreaterThan(restore);
    expect(sc.indexOf('first nat OUTPUT RIG-DNS')).toBeGreaterThan(restore);
    const off = renderIptablesScript(captured);
    expect(off).toContain('while iptables -w -t nat -D PREROUTING -j RIG-DNS 2>/dev/null; do :; done');
    expect(off).toContain('if iptables -w -t nat -S RIG-DNS >/dev/null 2>&1; then iptables -w -t nat -F RIG-DNS && iptables -w -t nat -X RIG-DNS; fi');
    expect(renderIptablesScript(captured6)).not.toContain('nat');
  });
  it.each<[string, IptablesFirewallArgs, string, boolean, readonly string[], string | undefined]>([
    // name, args, nat table, file + script written, change kinds, msg
    ['fresh host with Docker: file, script, load', on, 'nat-docker-only.txt', false, ['write', 'write', 'exec'], undefined],
    ['converged: nothing', on, 'nat-applied.txt', true, [], undefined],
    ['Docker restarted (its chains and jumps recreated, appended after rig\'s): nothing', on, 'nat-docker-restarted.txt', true, [], undefined],
    ['RIG-DNS flushed by hand: load only', on, 'nat-rig-dns-flushed.txt', true, ['exec'], 'RIG-DNS differs (2 of 2 rules missing, 0 live)'],
    ['a reboot without the unit (no RIG-DNS): load only', on, 'nat-docker-only.txt', true, ['exec'], 'RIG-DNS missing; nat PREROUTING does not jump to RIG-DNS first; nat OUTPUT does not jump to RIG-DNS first'],
    ['duplicate jumps (ufw reloaded here once): load, which keeps one', on, 'ufw-nat-reloaded.txt', true, ['exec'], 'nat PREROUTING does not jump to RIG-DNS first; nat OUTPUT does not jump to RIG-DNS first'],
    ['turned off, RIG-DNS live: new file and script, load removes it', captured, 'nat-applied.txt', false, ['write', 'write', 'exec'], undefined],
    ['turned off and removed: nothing', captured, 'nat-redirect-removed.txt', true, [], undefined],
  ])('%s', (_name, args, natFile, written, kinds, msg) => {
    const p = plan(args, state(args, 'iptables-applied.txt', written, natFile));
    expect(p.changes.map((c) => c.kind)).toEqual(kinds);
    if (msg !== undefined) expect(p.msg).toBe(msg);
    if (kinds.includes('exec') && args.dnsRedirect) expect(p.changes.at(-1)).toEqual(load);
  });
  it('the redirect switched off on a written host: the new script removes RIG-DNS (msg names it)', () => {
    const p = plan(captured, { ...state(captured, 'iptables-applied.txt', true, 'nat-applied.txt') });
    expect(p.changes).toEqual([{ kind: 'exec', command: 'sh /etc/rig/iptables-apply.sh', description: 'load RIG-INPUT, RIG-DOCKER-USER (iptables)' }]);
    expect(p.msg).toBe('RIG-DNS present but the redirect is off');
  });
  it('drift rules (as data): where the jumps must be', () => {
    const want = on.dnsRedirect!;
    expect(dnsRedirectDrift(want, nat('nat-applied.txt'), 'first-once')).toEqual([]);
    expect(dnsRedirectDrift(want, nat('ufw-nat-reloaded.txt'), 'present')).toEqual([]);
    expect(dnsRedirectDrift(want, nat('ufw-nat-enabled.txt'), 'first-once')).toEqual([]);
    expect(dnsRedirectDrift({ addresses: ['10.77.0.12'], toPort: 8600 }, nat('nat-applied.txt'), 'first-once')).toEqual([`${RIG_DNS} differs (2 of 2 rules missing, 2 live)`]);
    expect(dnsRedirectDrift(undefined, nat('nat-redirect-removed.txt'), 'first-once')).toEqual([]);
    expect(dnsRedirectDrift(undefined, nat('ufw-nat-rig-dns-flushed.txt'), 'present')).toEqual(['RIG-DNS present but the redirect is off']);
  });
  it('args: IPv4 addresses only; not on the ipv6 task', () => {
    expect(argProblems(iptablesFirewallModule, on)).toEqual([]);
    expect(argProblems(iptablesFirewallModule, { ...captured6, dnsRedirect: on.dnsRedirect })).toEqual(['dnsRedirect is IPv4 only (its addresses are IPv4): set it on the ipv4 task']);
    expect(argProblems(iptablesFirewallModule, { ...on, dnsRedirect: { addresses: ['fd00::1'], toPort: 8600 } }).join('\n')).toContain('dnsRedirect.addresses[0]: "fd00::1" is not an IPv4 address');
    expect(argProblems(iptablesFirewallModule, { ...on, dnsRedirect: { addresses: ['10.77.0.11'], toPort: 70000 } }).join('\n')).toContain('dnsRedirect.toPort: a port is 1-65535, got 70000');
  });
});
