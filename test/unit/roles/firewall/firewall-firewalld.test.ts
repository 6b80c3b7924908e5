import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../../src/core/index.ts';
import { firewalldState, parseRichRule, parseZoneInfo, type FirewalldState, type ZoneInfo } from '../../../../roles/firewall/library/firewall-firewalld-facts.ts';
import { zoneAdmits } from '../../../../roles/firewall/library/firewalld-coverage.ts';
import { firewalldFirewallModule, firewalldWanted, type FirewalldFirewallArgs } from '../../../../roles/firewall/library/firewall-firewalld.ts';
import { clusterRules } from '../../../../roles/firewall/index.ts';

type Running = Extract<FirewalldState, { status: 'running' }>;
const text = (p: string): string => readFileSync(new URL(`../../../fixtures/facts/firewall/${p}`, import.meta.url), 'utf8');
const fx = (p: string): FirewalldState => firewalldState.parse({ stdout: text(p), stderr: '', code: 0 }, { iface: 'eth0' });
const running = (p: string): Running => fx(p) as Running;
const vars = { firewall_ssh_port: 22, firewall_allow_esp: true, firewall_consul: true, firewall_docker_dns: true, cluster_cidr: '10.77.0.0/24' };
// the args whose commands produced firewalld-applied.txt (test/fixtures/facts/firewall/README.md)
const captured: FirewalldFirewallArgs = { rules: clusterRules(vars, true).filter((r) => !r.iifnames?.length), inputPolicy: 'drop', interface: 'eth0' };
const ctx = (check: boolean) => ({ check, host: { name: 'lab3' } }) as never;
const plan = (a: FirewalldFirewallArgs, s: FirewalldState, check = false) => firewalldFirewallModule.plan(a, { firewalld: s }, ctx(check));
const commands = (a: FirewalldFirewallArgs, s: FirewalldState, check = false) => plan(a, s, check).changes.map((c) => (c.kind === 'exec' ? c.command : c.kind));
const rich = (r: string): string => `'--add-rich-rule=rule family="ipv4" source address="10.77.0.0/24" ${r} accept'`;
const withZone = (s: Running, layer: 'runtime' | 'permanent' | 'both', change: (z: ZoneInfo) => ZoneInfo): Running => ({
  ...s,
  runtime: layer === 'permanent' ? s.runtime : change(s.runtime),
  permanent: layer === 'runtime' ? s.permanent : change(s.permanent),
});

describe('firewalld facts', () => {
  it('fresh Debian: zone public from the default zone, ssh and dhcpv6-client services, their definitions', () => {
    const s = running('firewalld-fresh.txt');
    expect(s.zone).toBe('public');
    expect(s.runtime).toEqual({ name: 'public', target: 'default', interfaces: [], sources: [], services: ['dhcpv6-client', 'ssh'], ports: [], protocols: [], richRules: [] });
    expect(s.permanent).toEqual(s.runtime);
    // dhcpv6-client is limited to a destination (fe80::/64): it admits none of rig's traffic
    expect(s.services).toEqual({ ssh: { ports: [{ port: '22', protocol: 'tcp' }], protocols: [] }, 'dhcpv6-client': { ports: [], protocols: [] } });
  });
  it('stopped, missing, a zone that does not exist', () => {
    // stopped: the permanent configuration, read by firewall-offline-cmd (what firewalld loads when it starts)
    const fresh = running('firewalld-fresh.txt');
    expect(fx('firewalld-stopped.txt')).toEqual({ status: 'stopped', configured: { zone: 'public', permanent: fresh.permanent, services: fresh.services } });
    expect(firewalldState.parse({ stdout: '__rig_missing__\n', stderr: '', code: 0 }, {})).toEqual({ status: 'missing' });
    expect(fx('firewalld-no-zone.txt')).toEqual({ status: 'no-zone', zone: 'rig' });
  });
  it('the command picks the zone: given, else the interface’s (no zone → the default zone), quoted', () => {
    expect(firewalldState.command({ zone: 'rig' })).toContain('z=rig;');
    expect(firewalldState.command({ iface: 'eth0' })).toContain('z=$($fc --get-zone-of-interface=eth0 2>/dev/null) || z=$($fc --get-default-zone)');
    expect(firewalldState.command({})).toContain('z=$($fc --get-default-zone)');
    expect(firewalldState.command({ zone: "it's" })).toContain(`z='it'\\''s';`);
    // stopped: the offline tool reads the permanent configuration
    expect(firewalldState.command({})).toContain('else echo __rig_stopped__; fc=firewall-offline-cmd; fi');
  });
  it.each([
    ['rule family="ipv4" source address="10.77.0.0/24" port port="8301-8302" protocol="tcp" accept', { family: 'ipv4', source: { address: '10.77.0.0/24', invert: false, other: false }, destination: false, element: { kind: 'port', port: '8301-8302', protocol: 'tcp' }, action: 'accept' }],
    ['rule family="ipv4" source address="10.77.0.0/24" protocol value="esp" accept', { family: 'ipv4', source: { address: '10.77.0.0/24', invert: false, other: false }, destination: false, element: { kind: 'protocol', value: 'esp' }, action: 'accept' }],
    ['rule family="ipv4" source NOT address="10.0.0.0/8" service name="ssh" drop', { family: 'ipv4', source: { address: '10.0.0.0/8', invert: true, other: false }, destination: false, element: { kind: 'service', name: 'ssh' }, action: 'drop' }],
    ['rule family="ipv4" source address="10.77.0.0/24" port port="4789" protocol="udp" log prefix="rig-test" level="info" limit value="1/m" accept', { family: 'ipv4', source: { address: '10.77.0.0/24', invert: false, other: false }, destination: false, element: { kind: 'port', port: '4789', protocol: 'udp' }, action: 'accept' }],
    ['rule source ipset="blocked" drop', { source: { invert: false, other: true }, destination: false, action: 'drop' }],
    ['rule family="ipv4" destination address="192.0.2.1" port port="80" protocol="tcp" accept', { family: 'ipv4', destination: true, element: { kind: 'port', port: '80', protocol: 'tcp' }, action: 'accept' }],
    ['rule family="ipv4" source address="10.0.0.0/8" accept', { family: 'ipv4', source: { address: '10.0.0.0/8', invert: false, other: false }, destination: false, action: 'accept' }],
  ])('rich rule %s', (line, parsed) => {
    expect(parseRichRule(line.replace(' NOT ', ' not '))).toEqual({ text: line.replace(' NOT ', ' not '), ...parsed });
  });
  it('unexpected output is an error, not an empty zone', () => {
    expect(() => parseZoneInfo('public\n  something odd\n')).toThrow(/unexpected line/);
    expect(() => parseZoneInfo('')).toThrow(/unexpected output/);
    expect(() => parseRichRule('family="ipv4" accept')).toThrow(/not a rich rule/);
  });
});

describe('firewalldFirewall plan', () => {
  it('fresh firewalld: SSH is admitted by service ssh already; the cluster rich rules, runtime then permanent', () => {
    const c = commands(captured, fx('firewalld-fresh.txt'));
    expect(c).toHaveLength(2);
    expect(c[0]).toMatch(/^firewall-cmd --zone=public '--add-rich-rule=/);
    expect(c[1]).toMatch(/^firewall-cmd --permanent --zone=public '--add-rich-rule=/);
    for (const r of ['port port="2377" protocol="tcp"', 'port port="8301-8302" protocol="tcp"', 'port port="4789" protocol="udp"', 'port port="8600" protocol="udp"', 'protocol value="esp"']) expect(c[0]).toContain(rich(r));
    expect(c[0]!.match(/--add-rich-rule/g)).toHaveLength(11);
    expect(plan(captured, fx('firewalld-fresh.txt')).msg).toBe('zone public: 11 runtime + 11 permanent element(s) added');
  });
  it('converged (captured after those commands): no change', () => {
    expect(plan(captured, fx('firewalld-applied.txt')).changes).toEqual([]);
  });
  it('after `firewall-cmd --reload` or a restart dropped runtime-only state: only the runtime layer is re-added', () => {
    const s = running('firewalld-applied.txt');
    const c = commands(captured, withZone(s, 'runtime', (z) => ({ ...z, richRules: z.richRules.slice(3) })));
    expect(c).toHaveLength(1);
    expect(c[0]).toMatch(/^firewall-cmd --zone=public '--add-rich-rule=/);
    expect(c[0]!.match(/--add-rich-rule/g)).toHaveLength(3);
  });
  it('runtime right but not permanent (an admin added by hand without --permanent): only the permanent layer', () => {
    const s = running('firewalld-applied.txt');
    const c = commands(captured, withZone(s, 'permanent', (z) => ({ ...z, richRules: z.richRules.filter((r) => !r.text.includes('esp')) })));
    expect(c).toEqual([`firewall-cmd --permanent --zone=public ${rich('protocol value="esp"')}`]);
  });
  it("an admin's entries are kept and count: a port, a wider source, a logged rule; a narrower source does not", () => {
    const c = commands(captured, fx('firewalld-admin.txt'));
    const added = (c[0] ?? '').match(/--add-rich-rule=[^']*/g)!.map((x) => x.replace(/^--add-rich-rule=rule family="ipv4" source address="10.77.0.0\/24" /, ''));
    expect(added).toEqual([
      'port port="2377" protocol="tcp" accept',
      'port port="7946" protocol="tcp" accept',
      'port port="8300" protocol="tcp" accept',
      'port port="8301-8302" protocol="tcp" accept',
      'port port="8600" protocol="tcp" accept',
      'port port="8301-8302" protocol="udp" accept',
      'port port="8600" protocol="udp" accept',
      'protocol value="esp" accept',
    ]);
    expect(c).toHaveLength(2);
    // nothing is ever removed
    expect(c.join('\n')).not.toMatch(/--remove-|--set-target/);
  });
  it('SSH on another port goes in first, as a zone port, before the cluster rules', () => {
    const c = commands({ ...captured, rules: clusterRules({ ...vars, firewall_ssh_port: 2222 }, true).filter((r) => !r.iifnames?.length) }, fx('firewalld-applied.txt'));
    expect(c).toEqual(['firewall-cmd --zone=public --add-port=2222/tcp', 'firewall-cmd --permanent --zone=public --add-port=2222/tcp']);
    const fresh = commands({ ...captured, rules: clusterRules({ ...vars, firewall_ssh_port: 2222 }, true).filter((r) => !r.iifnames?.length) }, fx('firewalld-fresh.txt'));
    expect(fresh[0]).toBe('firewall-cmd --zone=public --add-port=2222/tcp');
    expect(fresh[1]).toMatch(/^firewall-cmd --zone=public '--add-rich-rule=/);
  });
  it('kinds firewall-cmd cannot mix in one call are separate calls, in order (ports, protocols, rich rules)', () => {
    const c = commands({ rules: [{ proto: 'tcp', ports: [22, [60000, 60010]], from: 'any' }, { proto: 'esp', from: 'any' }, { proto: 'udp', ports: [53], from: ['192.0.2.7'] }] }, fx('firewalld-fresh.txt'));
    expect(c.slice(0, 3)).toEqual([
      'firewall-cmd --zone=public --add-port=60000-60010/tcp',
      'firewall-cmd --zone=public --add-protocol=esp',
      `firewall-cmd --zone=public '--add-rich-rule=rule family="ipv4" source address="192.0.2.7" port port="53" protocol="udp" accept'`,
    ]);
  });
  it('policy: ACCEPT target becomes default (then a reload, after the permanent rules); accept sets ACCEPT', () => {
    const s = running('firewalld-applied.txt');
    expect(commands(captured, withZone(s, 'both', (z) => ({ ...z, target: 'ACCEPT' })))).toEqual(['firewall-cmd --permanent --zone=public --set-target=default', 'firewall-cmd --reload']);
    // an admin's DROP or %%REJECT%% target already drops what no rule admits
    expect(commands(captured, withZone(s, 'both', (z) => ({ ...z, target: 'DROP' })))).toEqual([]);
    expect(commands(captured, withZone(s, 'both', (z) => ({ ...z, target: '%%REJECT%%' })))).toEqual([]);
    expect(commands({ ...captured, inputPolicy: 'accept' }, s)).toEqual(['firewall-cmd --permanent --zone=public --set-target=ACCEPT', 'firewall-cmd --reload']);
    // permanent already changed, runtime not yet (no reload since): only the reload
    expect(commands(captured, withZone(s, 'runtime', (z) => ({ ...z, target: 'ACCEPT' })))).toEqual(['firewall-cmd --reload']);
    const fresh = commands(captured, withZone(running('firewalld-fresh.txt'), 'both', (z) => ({ ...z, target: 'ACCEPT' })));
    expect(fresh.slice(-2)).toEqual(['firewall-cmd --permanent --zone=public --set-target=default', 'firewall-cmd --reload']);
    expect(fresh[1]).toMatch(/^firewall-cmd --permanent --zone=public '--add-rich-rule/);
  });
  it('not installed or not running: fails naming the host (nothing applied)', () => {
    expect(plan(captured, { status: 'missing' }).failed).toBe('host lab3: firewalld is not installed: install and start it (apt-get install firewalld; systemctl enable --now firewalld), as the firewall role does with firewall_boot_unit: true');
    expect(plan(captured, fx('firewalld-stopped.txt')).failed).toMatch(/^host lab3: firewalld is not running: install and start it/);
    expect(plan(captured, fx('firewalld-stopped.txt')).changes).toEqual([]);
  });
  it('check mode before the install: plans against Debian’s fresh zone public', () => {
    expect(commands(captured, { status: 'missing' }, true)).toEqual(commands(captured, fx('firewalld-fresh.txt')));
    expect(plan(captured, { status: 'missing' }, true).msg).toBe("firewalld not installed yet: planned against Debian's fresh zone public; zone public: 11 runtime + 11 permanent element(s) added");
  });
  it('check mode before the start: plans against the permanent configuration firewalld will load', () => {
    expect(commands(captured, fx('firewalld-stopped.txt'), true)).toEqual(commands(captured, fx('firewalld-fresh.txt')));
    // rig's rules already permanent (a boot where firewalld did not start yet): nothing to add once it starts
    const applied = running('firewalld-applied.txt');
    expect(plan(captured, { status: 'stopped', configured: { zone: 'public', permanent: applied.permanent, services: applied.services } }, true)).toEqual({
      changes: [],
      msg: 'firewalld not running yet: planned against its permanent configuration; nothing to add',
    });
  });
  it('a zone that does not exist fails, naming host and variable', () => {
    expect(plan({ ...captured, zone: 'rig' }, fx('firewalld-no-zone.txt')).failed).toBe('host lab3: firewalld has no zone "rig": create it, or give another zone (variable firewall_firewalld_zone)');
  });
  it('the elements: one per source and port, ranges as from-to', () => {
    expect(firewalldWanted([{ proto: 'udp', ports: [[8301, 8302]], from: ['10.0.0.0/8', '192.0.2.7'] }]).map((w) => w.arg)).toEqual([
      'rule family="ipv4" source address="10.0.0.0/8" port port="8301-8302" protocol="udp" accept',
      'rule family="ipv4" source address="192.0.2.7" port port="8301-8302" protocol="udp" accept',
    ]);
  });
});

describe('zoneAdmits: what already admits rig’s traffic', () => {
  const zone = (z: Partial<ZoneInfo>): ZoneInfo => ({ name: 'public', target: 'default', interfaces: [], sources: [], services: [], ports: [], protocols: [], richRules: [], ...z });
  const svc = { ssh: { ports: [{ port: '22', protocol: 'tcp' }], protocols: [] }, ipsec: { ports: [{ port: '500', protocol: 'udp' }], protocols: ['esp', 'ah'] } };
  const r = (t: string) => parseRichRule(t);
  it.each([
    ['service ssh admits 22/tcp from anywhere', zone({ services: ['ssh'] }), { proto: 'tcp', ports: [22, 22], from: 'any' }, true],
    ['a zone port admits it from a network too', zone({ ports: [{ port: '2377', protocol: 'tcp' }] }), { proto: 'tcp', ports: [2377, 2377], from: '10.77.0.0/24' }, true],
    ['a port range split over two entries', zone({ ports: [{ port: '8301', protocol: 'udp' }, { port: '8302-8400', protocol: 'udp' }] }), { proto: 'udp', ports: [8301, 8302], from: 'any' }, true],
    ['one port of the range missing', zone({ ports: [{ port: '8301', protocol: 'udp' }] }), { proto: 'udp', ports: [8301, 8302], from: 'any' }, false],
    ['another protocol does not', zone({ ports: [{ port: '7946', protocol: 'udp' }] }), { proto: 'tcp', ports: [7946, 7946], from: 'any' }, false],
    ['protocol tcp admits every tcp port', zone({ protocols: ['tcp'] }), { proto: 'tcp', ports: [2377, 2377], from: 'any' }, true],
    ['service ipsec admits esp', zone({ services: ['ipsec'] }), { proto: 'esp', from: '10.77.0.0/24' }, true],
    ['a rich rule from a wider network', zone({ richRules: [r('rule family="ipv4" source address="10.0.0.0/8" port port="2377" protocol="tcp" accept')] }), { proto: 'tcp', ports: [2377, 2377], from: '10.77.0.0/24' }, true],
    ['a rich rule from a narrower network does not', zone({ richRules: [r('rule family="ipv4" source address="10.77.0.0/25" port port="2377" protocol="tcp" accept')] }), { proto: 'tcp', ports: [2377, 2377], from: '10.77.0.0/24' }, false],
    ['a rich rule from a network does not admit from anywhere', zone({ richRules: [r('rule family="ipv4" source address="0.0.0.0/1" port port="22" protocol="tcp" accept')] }), { proto: 'tcp', ports: [22, 22], from: 'any' }, false],
    ['all traffic from the network', zone({ richRules: [r('rule family="ipv4" source address="10.77.0.0/16" accept')] }), { proto: 'esp', from: '10.77.0.0/24' }, true],
    ['a rich rule naming a service', zone({ richRules: [r('rule family="ipv4" source address="10.77.0.0/24" service name="ssh" accept')] }), { proto: 'tcp', ports: [22, 22], from: '10.77.0.5' }, true],
    ['a drop rule never admits', zone({ richRules: [r('rule family="ipv4" source address="10.77.0.0/24" port port="22" protocol="tcp" drop')] }), { proto: 'tcp', ports: [22, 22], from: '10.77.0.0/24' }, false],
    ['an inverted source does not count', zone({ richRules: [r('rule family="ipv4" source not address="192.0.2.0/24" accept')] }), { proto: 'tcp', ports: [22, 22], from: '10.77.0.0/24' }, false],
    ['an ipv6 rule does not', zone({ richRules: [r('rule family="ipv6" port port="22" protocol="tcp" accept')] }), { proto: 'tcp', ports: [22, 22], from: 'any' }, false],
    ['a rule for one destination does not', zone({ richRules: [r('rule family="ipv4" destination address="192.0.2.1" port port="22" protocol="tcp" accept')] }), { proto: 'tcp', ports: [22, 22], from: 'any' }, false],
    ['target ACCEPT alone is not a rule (the policy decides the target)', zone({ target: 'ACCEPT' }), { proto: 'tcp', ports: [22, 22], from: 'any' }, false],
  ] as const)('%s', (_name, z, want, admitted) => {
    expect(zoneAdmits(z, svc, want)).toBe(admitted);
  });
});

describe('firewalldFirewall args', () => {
  const v = (a: unknown) => argProblems(firewalldFirewallModule, a).join('\n');
  const ssh = { proto: 'tcp', ports: [22], from: 'any', comment: 'ssh' };
  it('valid args have no problems', () => {
    expect(v(captured)).toBe('');
    expect(v({ rules: [ssh], zone: 'internal', inputPolicy: 'accept' })).toBe('');
  });
  it.each([
    [{ rules: [{ ...ssh, iifnames: ['docker0'] }] }, 'rules[0].iifnames: firewalld binds interfaces to zones (Docker puts its bridges in zone docker itself)'],
    [{ rules: [ssh], zone: 'a zone' }, 'zone: "a zone" is not a firewalld zone name'],
    [{ rules: [ssh], zone: 'x'.repeat(18) }, 'is not a firewalld zone name (1-17'],
    [{ rules: [ssh], interface: 'eth 0' }, 'interface: "eth 0" is not an interface name'],
    [{ rules: [], zones: 'public' }, "unknown key 'zones' (did you mean 'zone'?)"],
  ])('%j → %s', (args, message) => expect(v(args)).toContain(message));
});
