import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../../src/core/index.ts';
import { parseUfwRule, ufwState, type UfwState } from '../../../../roles/firewall/library/firewall-ufw-facts.ts';
import { ufwAdmits } from '../../../../roles/firewall/library/ufw-coverage.ts';
import { ufwFirewallModule, ufwWanted, type UfwFirewallArgs } from '../../../../roles/firewall/library/firewall-ufw.ts';
import { ufwDedupeJumps, ufwDnsBlock, ufwRemoveDnsRedirect } from '../../../../roles/firewall/library/firewall-ufw-nat.ts';
import { clusterRules } from '../../../../roles/firewall/index.ts';
import { iptablesNat, type IptablesFilter } from '../../../../roles/firewall/library/firewall-iptables-facts.ts';
import type { FileState } from '../../../../src/facts/files.ts';

const text = (p: string): string => readFileSync(new URL(`../../../fixtures/facts/firewall/${p}`, import.meta.url), 'utf8');
const fx = (p: string): UfwState => ufwState.parse({ stdout: text(p), stderr: '', code: 0 }, undefined);
const nat = (p: string): IptablesFilter => iptablesNat.parse({ stdout: text(p), stderr: '', code: 0 }, 'ipv4');
/** /etc/ufw/before.rules as the probe reads it (0640 root, as Debian installs it). */
const file = (content?: string): FileState =>
  content === undefined
    ? { path: '/etc/ufw/before.rules', exists: false }
    : { path: '/etc/ufw/before.rules', exists: true, type: 'file', mode: '0640', owner: 'root', group: 'root', uid: 0, gid: 0, size: content.length, sha256: createHash('sha256').update(content).digest('hex'), content: new TextEncoder().encode(content) };
const vars = { firewall_ssh_port: 22, firewall_allow_esp: true, firewall_consul: true, firewall_docker_dns: true, cluster_cidr: '10.77.0.0/24' };
// the args whose commands produced ufw-applied.txt (test/fixtures/facts/firewall/README.md)
const captured: UfwFirewallArgs = { rules: clusterRules(vars, true), inputPolicy: 'drop' };
// without dnsRedirect: stock before.rules, no RIG-DNS in the kernel (the state before this feature)
const plan = (a: UfwFirewallArgs, s: UfwState, beforeRules = file(text('ufw-before.rules')), natTable = nat('nat-docker-only.txt')) =>
  ufwFirewallModule.plan(a, { ufw: s, beforeRules, nat: natTable }, undefined as never);
const commands = (a: UfwFirewallArgs, s: UfwState) => plan(a, s).changes.map((c) => (c.kind === 'exec' ? c.command : c.kind));

describe('ufwFirewall plan', () => {
  it('fresh ufw: every rule, SSH first, then enable (Debian already defaults to DROP)', () => {
    const c = commands(captured, fx('ufw-fresh.txt'));
    expect(c[0]).toBe("ufw allow proto tcp from any to any port 22 comment 'rig: ssh'");
    expect(c).toHaveLength(ufwWanted(captured.rules).length + 1);
    expect(c.at(-1)).toBe('ufw --force enable');
    expect(c).toContain("ufw allow proto tcp from 10.77.0.0/24 to any port 2377,7946,8300,8301:8302,8500,8600 comment 'rig: swarm + consul'");
    expect(c).toContain("ufw allow in on docker0 proto udp from any to any port 8600 comment 'rig: container dns'");
  });
  it('converged (captured after those commands): no change', () => {
    expect(plan(captured, fx('ufw-applied.txt')).changes).toEqual([]);
  });
  it('drift: exactly the missing rule, nothing else', () => {
    const s = fx('ufw-applied.txt');
    const c = commands(captured, { ...s, rules: s.rules.filter((r) => r.port !== '22') });
    expect(c).toEqual(["ufw allow proto tcp from any to any port 22 comment 'rig: ssh'"]);
    // a rule someone else added is kept
    expect(commands(captured, { ...s, rules: [...s.rules, { action: 'allow', direction: 'in', from: 'any', to: 'any', port: '80', proto: 'tcp' }] })).toEqual([]);
  });
  it('chains flushed by hand or not loaded at boot: ufw reload (enable does not reload an enabled ufw)', () => {
    expect(commands(captured, fx('ufw-user-input-flushed.txt'))).toEqual(['ufw reload']);
    expect(commands(captured, fx('ufw-enabled-not-loaded.txt'))).toEqual(['ufw reload']);
  });
  it('default policy: allow incoming when asked; a new SSH port goes in before the policy', () => {
    expect(commands({ ...captured, inputPolicy: 'accept' }, fx('ufw-applied.txt'))).toEqual(['ufw default allow incoming']);
    const c = commands({ rules: clusterRules({ ...vars, firewall_ssh_port: 2222 }, true) }, { ...fx('ufw-applied.txt'), defaultInput: 'ACCEPT' });
    expect(c).toEqual(["ufw allow proto tcp from any to any port 2222 comment 'rig: ssh'", 'ufw default deny incoming']);
  });
  it('more than 15 port slots are split (ufw multiport limit)', () => {
    const w = ufwWanted([{ proto: 'tcp', ports: [...Array.from({ length: 14 }, (_, i) => 1000 + i), [2000, 2001]], from: 'any' }]);
    expect(w.map((x) => x.rule.port)).toEqual([Array.from({ length: 14 }, (_, i) => 1000 + i).join(','), '2000:2001']);
  });
});

describe('ufwFirewall args', () => {
  const v = (a: unknown) => argProblems(ufwFirewallModule, a).join('\n');
  const ssh = { proto: 'tcp', ports: [22], from: 'any', comment: 'ssh' };
  it('valid args have no problems', () => {
    expect(v(captured)).toBe('');
    expect(v({ rules: [ssh, { proto: 'esp', from: ['10.77.0.0/24'] }], inputPolicy: 'accept' })).toBe('');
  });
  it.each([
    [{ rules: [{ ...ssh, comment: "it's" }] }, 'rules[0].comment: a comment may hold letters, digits, spaces and _+.,:- only'],
    [{ rules: [{ ...ssh, comment: 'x'.repeat(201) }] }, 'rules[0].comment: a comment may hold'],
    [{ rules: [{ ...ssh, ports: [[8301, 8301]] }] }, 'rules[0].ports[0]: a port range is [from, to] with from below to, got [8301,8301]'],
    [{ rules: [{ ...ssh, iifnames: ['eth 0'] }] }, 'rules[0].iifnames[0]: "eth 0" is not an interface name'],
    [{ rules: [{ proto: 'esp', from: 'any', ports: [1] }] }, 'rules[0].ports: esp has no ports: remove ports'],
    [{ rules: [], inputPolicy: 'deny' }, 'inputPolicy: Invalid option: expected one of "drop"|"accept"'],
    [{ rules: [], policy: 'drop' }, "unknown key 'policy'"],
    [{ rule: [] }, "unknown key 'rule' (did you mean 'rules'?)"],
  ])('%j → %s', (args, message) => expect(v(args)).toContain(message));
});

describe("an admin's rule that admits the traffic already is kept, not rewritten (ufw updates a same-match rule in place)", () => {
  const rule = (line: string) => parseUfwRule(line);
  it.each([
    ['limit 22/tcp admits ssh (ufw allow would drop the rate limit)', ['ufw limit 22/tcp'], 'ufw allow proto tcp from any to any port 22', true],
    ['allow from a wider network', ['ufw allow from 10.0.0.0/8 to any port 2377 proto tcp'], 'ufw allow proto tcp from 10.77.0.0/24 to any port 2377', true],
    ['allow from a narrower network does not', ['ufw allow from 10.77.0.0/25 to any port 2377 proto tcp'], 'ufw allow proto tcp from 10.77.0.0/24 to any port 2377', false],
    ['a source address is a /32', ['ufw allow from 10.77.0.5 to any port 99 proto tcp'], 'ufw allow proto tcp from 10.77.0.5/32 to any port 99', true],
    ['ports split over two rules', ['ufw allow 2377/tcp', 'ufw limit 7946/tcp', 'ufw allow 8301:8302/tcp'], 'ufw allow proto tcp from any to any port 2377,7946,8301:8302', true],
    ['one port of the list missing', ['ufw allow 2377/tcp'], 'ufw allow proto tcp from any to any port 2377,7946', false],
    ['proto any with the port covers tcp', ['ufw allow 7946'], 'ufw allow proto udp from any to any port 7946', true],
    ['another proto does not', ['ufw allow 7946/udp'], 'ufw allow proto tcp from any to any port 7946', false],
    ['a deny rule never admits', ['ufw deny 22/tcp'], 'ufw allow proto tcp from any to any port 22', false],
    ['a rule on another interface does not', ['ufw allow in on eth1 to any port 22 proto tcp'], 'ufw allow proto tcp from any to any port 22', false],
    ['a rule on any interface covers docker0', ['ufw allow 8600/udp'], 'ufw allow in on docker0 proto udp from any to any port 8600', true],
    ['a rule for all traffic from the network admits esp', ['ufw allow from 10.77.0.0/24'], 'ufw allow to any proto esp from 10.77.0.0/24', true],
    ['a port rule with proto any does not admit esp', ['ufw allow from 10.77.0.0/24 to any port 22'], 'ufw allow to any proto esp from 10.77.0.0/24', false],
  ])('%s', (_name, have, want, admitted) => {
    expect(ufwAdmits(have.map(rule), rule(want))).toBe(admitted);
  });

  it('the plan adds no ssh rule over limit 22/tcp, and still every other missing one', () => {
    const s = fx('ufw-applied.txt');
    const rules = [rule('ufw limit 22/tcp'), ...s.rules.filter((r) => r.port !== '22')];
    expect(commands(captured, { ...s, rules })).toEqual([]);
    const noSwarm = rules.filter((r) => !r.port?.startsWith('2377'));
    expect(commands(captured, { ...s, rules: noSwarm })).toEqual(["ufw allow proto tcp from 10.77.0.0/24 to any port 2377,7946,8300,8301:8302,8500,8600 comment 'rig: swarm + consul'"]);
  });
});

describe('ufw: container DNS to Consul (nat block in before.rules, RIG-DNS live)', () => {
  const dns = { addresses: ['10.77.0.11'], toPort: 8600 };
  const on: UfwFirewallArgs = { ...captured, dnsRedirect: dns };
  const stock = text('ufw-before.rules');
  const withBlock = text('ufw-before-with-block.rules');
  const dedupe = ufwDedupeJumps();
  const reload = `ufw reload && { ${dedupe}; }`;
  it('the block is appended after the *filter COMMIT, between markers, declaring only RIG-DNS (Docker nat chains never named)', () => {
    expect(withBlock.startsWith(stock)).toBe(true);
    const block = withBlock.slice(stock.length);
    expect(block.split('\n')[0]).toBe('# BEGIN RIG CONSUL DNS (roles/firewall)');
    expect(block).toContain(`${ufwDnsBlock(dns)}\n# END RIG CONSUL DNS (roles/firewall)\n`);
    expect(block.split('\n').filter((l) => l.startsWith(':'))).toEqual([':RIG-DNS - [0:0]']);
    expect(block).toContain('-j DNAT --to-destination 10.77.0.11:8600');
    expect(block).not.toMatch(/REDIRECT|-F |-X |:PREROUTING|:OUTPUT|DOCKER/);
  });
  it.each<[string, UfwFirewallArgs, UfwState, string | undefined, string, (string | RegExp)[], string | undefined]>([
    // name, args, ufw, before.rules, nat table, commands (write = the before.rules write), msg
    ['fresh ufw: block written, rules, then enable (which loads it) keeping one jump', on, fx('ufw-fresh.txt'), stock, 'nat-docker-only.txt', ['write', /^ufw allow proto tcp from any to any port 22 /, ...Array(ufwWanted(captured.rules).length - 1).fill(/^ufw allow /), `ufw --force enable && { ${dedupe}; }`], `/etc/ufw/before.rules: nat block written, ${ufwWanted(captured.rules).length} rule(s) added, enabled`],
    ['converged: nothing', on, fx('ufw-applied.txt'), withBlock, 'ufw-nat-enabled.txt', [], undefined],
    ["a second jump from someone's ufw reload is harmless: nothing", on, fx('ufw-applied.txt'), withBlock, 'ufw-nat-reloaded.txt', [], undefined],
    ['RIG-DNS flushed by hand: reload only', on, fx('ufw-applied.txt'), withBlock, 'ufw-nat-rig-dns-flushed.txt', [reload], 'reloaded (RIG-DNS differs (2 of 2 rules missing, 0 live))'],
    ['block in the file, not in the kernel (edited by hand before a reload): reload only', on, fx('ufw-applied.txt'), withBlock, 'nat-docker-only.txt', [reload], 'reloaded (RIG-DNS missing; nat PREROUTING does not jump to RIG-DNS; nat OUTPUT does not jump to RIG-DNS)'],
    ['the node address changed: block rewritten, reload', { ...on, dnsRedirect: { addresses: ['10.77.0.12'], toPort: 8600 } }, fx('ufw-applied.txt'), withBlock, 'ufw-nat-enabled.txt', ['write', reload], '/etc/ufw/before.rules: nat block written, reloaded'],
    ['ufw chains gone (a boot without ufw.service): one reload for both', on, fx('ufw-enabled-not-loaded.txt'), withBlock, 'nat-docker-only.txt', [reload], 'reloaded (rules not in the kernel)'],
    ['turned off: block removed and RIG-DNS deleted, no reload', captured, fx('ufw-applied.txt'), withBlock, 'ufw-nat-reloaded.txt', ['write', ufwRemoveDnsRedirect()], '/etc/ufw/before.rules: nat block removed, RIG-DNS removed'],
    ['off and never on: nothing', captured, fx('ufw-applied.txt'), stock, 'nat-docker-only.txt', [], undefined],
    ['a CRLF before.rules with the block: recognised, nothing', on, fx('ufw-applied.txt'), withBlock.replace(/\n/g, '\r\n'), 'ufw-nat-enabled.txt', [], undefined],
    ['ufw not installed yet (check mode before apt): the block write is predicted', on, { ...fx('ufw-fresh.txt'), installed: false }, undefined, 'nat-docker-only.txt', [/^mkdir /, 'write', ...Array(ufwWanted(captured.rules).length).fill(/^ufw allow /), `ufw --force enable && { ${dedupe}; }`], undefined],
  ])('%s', (_name, args, ufwNow, before, natFile, want, msg) => {
    const p = plan(args, ufwNow, file(before), nat(natFile));
    expect(p.failed).toBeUndefined();
    const got = p.changes.map((c) => (c.kind === 'exec' ? c.command : c.kind === 'write' ? 'write' : `${c.kind} ${'path' in c ? c.path : ''}`));
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => (typeof w === 'string' ? expect(got[i]).toBe(w) : expect(got[i]).toMatch(w)));
    if (msg !== undefined) expect(p.msg).toBe(msg);
    for (const c of p.changes) if (c.kind === 'write') expect(c).toMatchObject({ path: '/etc/ufw/before.rules' });
  });
  it('the written file keeps the line endings, and a rewrite replaces the block instead of adding one', () => {
    const write = (before: string, a: UfwFirewallArgs) => {
      const c = plan(a, fx('ufw-applied.txt'), file(before), nat('ufw-nat-enabled.txt')).changes.find((x) => x.kind === 'write');
      return c?.kind === 'write' ? String(c.content) : undefined;
    };
    expect(write(stock, on)).toBe(withBlock);
    const crlf = write(stock.replace(/\n/g, '\r\n'), on)!;
    expect(crlf).toBe(withBlock.replace(/\n/g, '\r\n'));
    const moved = write(withBlock, { ...on, dnsRedirect: { addresses: ['10.77.0.12'], toPort: 8600 } })!;
    expect(moved.match(/# BEGIN RIG CONSUL DNS/g)).toHaveLength(1);
    expect(moved).toContain('--to-destination 10.77.0.12:8600');
    expect(write(withBlock, captured)).toBe(stock);
  });
  it('before.rules missing while ufw is installed: an error saying what to do, nothing changed', () => {
    const p = plan(on, fx('ufw-applied.txt'), file(undefined), nat('nat-docker-only.txt'));
    expect(p.changes).toEqual([]);
    expect(p.failed).toBe("/etc/ufw/before.rules does not exist: ufw's package provides it (apt-get install --reinstall ufw)");
  });
  it('args: dnsRedirect takes addresses, not networks', () => {
    expect(argProblems(ufwFirewallModule, on)).toEqual([]);
    expect(argProblems(ufwFirewallModule, { ...captured, dnsRedirect: { addresses: ['10.77.0.0/24'], toPort: 8600 } }).join('\n')).toContain('dnsRedirect.addresses[0]: "10.77.0.0/24" is not an IPv4 address');
  });
});
