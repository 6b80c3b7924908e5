/**
 * Firewall with iptables: rig's own chains (RIG-INPUT, RIG-DOCKER-USER for published container ports, and nat RIG-DNS for
 * container DNS to Consul), loaded with `iptables-restore --noflush` of only those chains and jumped to first from
 * INPUT / DOCKER-USER / nat PREROUTING+OUTPUT. Docker's chains (DOCKER, DOCKER-ISOLATION-*, nat DOCKER) are never
 * flushed or edited.
 */
import { defineModule, fileState, raw, read, sh, strict, z, type Change, type FileState, type Plan, type Reads, type ReadonlyDeep, type ShellFragment } from '../../../src/index.ts';
import { dnsRedirectDrift, dnsRedirectRules, dnsRedirectSchema, removeDnsRedirect, RIG_DNS, RIG_DNS_PARENTS, type DnsRedirect } from './dns-redirect.ts';
import { iptablesBin, iptablesFilter, iptablesNat, normalizeRule, type IpFamily, type IptablesFilter } from './firewall-iptables-facts.ts';
import { inputPolicy, ipv4OrCidr, plainAllowRules, type AllowRule, type PortSpec } from './firewall.ts';

const rigPath = (what: string) =>
  z
    .string({ error: `expected an absolute path for the ${what}` })
    .regex(/^\/[A-Za-z0-9_./-]+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an absolute path of letters, digits and _./- (the ${what} is named in a script)` });

/** Args schema of iptablesFirewall (one address family per task). */
export const iptablesFirewallArgs = strict({
  family: z.enum(['ipv4', 'ipv6']).optional().describe("'ipv4' (default) or 'ipv6': for ipv6 only rules from 'any' apply (sources are IPv4 CIDRs)."),
  rules: plainAllowRules,
  inputPolicy: inputPolicy.describe("Inbound traffic no rule accepts: 'drop' (default: a final DROP in rig's chain) or 'accept' (nothing)."),
  dockerPublishedFrom: z
    .array(ipv4OrCidr)
    .optional()
    .describe('Sources (IPv4 addresses/CIDRs) allowed to reach published container ports, enforced in DOCKER-USER (created when missing). Unset: DOCKER-USER is not managed. IPv4 only.'),
  dnsRedirect: dnsRedirectSchema
    .optional()
    .describe("DNS (53/udp+tcp) to these local addresses DNATed to the same address on toPort (Consul DNS), in nat chain RIG-DNS jumped to first from PREROUTING and OUTPUT. Unset: RIG-DNS is removed. IPv4 only."),
  path: rigPath('rules file').optional().describe("The iptables-restore file. Default '/etc/rig/iptables.rules' (ipv6: '/etc/rig/ip6tables.rules')."),
  script: rigPath('load script').optional().describe("The load script the boot unit runs too. Default '/etc/rig/iptables-apply.sh' (ipv6: '/etc/rig/ip6tables-apply.sh')."),
}).describe("rig's iptables chains (RIG-INPUT, RIG-DOCKER-USER, nat RIG-DNS): rules file (checked with iptables-restore --test), load script and live chains; Docker's chains are never touched.");
/** Arguments of iptablesFirewall. */
export type IptablesFirewallArgs = ReadonlyDeep<z.infer<typeof iptablesFirewallArgs>>;

/** What iptablesFirewall reads: the rules file, the load script, the live filter table and (IPv4) the live nat table. */
export interface IptablesFirewallState {
  readonly file: FileState;
  readonly script: FileState;
  readonly live: IptablesFilter;
  readonly nat?: IptablesFilter;
}

/** One of rig's chains: its rules (after `-A <name>`) and the built-in/Docker chain whose first rule jumps to it. */
export interface RigChain {
  readonly name: string;
  readonly parent: string;
  readonly rules: readonly string[];
}

/** The name of rig's input chain. */
export const RIG_INPUT = 'RIG-INPUT';
/** The name of rig's chain jumped to from DOCKER-USER. */
export const RIG_DOCKER_USER = 'RIG-DOCKER-USER';

const portText = (p: PortSpec): string => (typeof p === 'number' ? String(p) : `${p[0]}:${p[1]}`);

/** The file and script paths of a family. */
export function iptablesPaths(a: Pick<IptablesFirewallArgs, 'family' | 'path' | 'script'>): { path: string; script: string } {
  const bin = iptablesBin(a.family ?? 'ipv4');
  return { path: a.path ?? `/etc/rig/${bin}.rules`, script: a.script ?? `/etc/rig/${bin}-apply.sh` };
}

/** RIG-INPUT's rules, in the form `iptables -S` prints them (so live and wanted compare line by line). */
export function inputChainRules(rules: readonly AllowRule[], policy: 'drop' | 'accept', family: IpFamily): string[] {
  const out = [
    '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-i lo -j ACCEPT',
    '-m conntrack --ctstate INVALID -j DROP',
    family === 'ipv6' ? '-p ipv6-icmp -j ACCEPT' : '-p icmp -j ACCEPT',
  ];
  for (const r of rules) {
    // IPv4 sources do not exist in ip6tables: such rules are IPv4-only
    if (family === 'ipv6' && r.from !== 'any') continue;
    const comment = r.comment ? ` -m comment --comment "rig: ${r.comment}"` : '';
    for (const src of r.from === 'any' ? [undefined] : r.from) {
      for (const iface of r.iifnames?.length ? r.iifnames : [undefined]) {
        const head = `${src ? `-s ${src.includes('/') ? src : `${src}/32`} ` : ''}${iface ? `-i ${iface} ` : ''}`;
        if (r.proto === 'esp') out.push(`${head}-p esp${comment} -j ACCEPT`);
        else for (const p of r.ports ?? []) out.push(`${head}-p ${r.proto} -m ${r.proto} --dport ${portText(p)}${comment} -j ACCEPT`);
      }
    }
  }
  if (policy === 'drop') out.push('-j DROP');
  return out;
}

/**
 * RIG-DOCKER-USER: only connections Docker DNATed (published ports) are filtered, so container egress and traffic
 * between containers pass; RETURN hands everything else back to Docker's own chains.
 */
export function dockerUserRules(from: readonly string[]): string[] {
  return [
    '-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
    ...from.map((s) => `-s ${s.includes('/') ? s : `${s}/32`} -m conntrack --ctstate DNAT -m comment --comment "rig: published ports" -j RETURN`),
    '-m conntrack --ctstate DNAT -m comment --comment "rig: published ports from elsewhere" -j DROP',
  ];
}

/** rig's chains for these args, jumped to first from their parents. */
export function rigChains(a: IptablesFirewallArgs): RigChain[] {
  const family = a.family ?? 'ipv4';
  const chains: RigChain[] = [{ name: RIG_INPUT, parent: 'INPUT', rules: inputChainRules(a.rules, a.inputPolicy ?? 'drop', family) }];
  if (a.dockerPublishedFrom && family === 'ipv4') chains.push({ name: RIG_DOCKER_USER, parent: 'DOCKER-USER', rules: dockerUserRules(a.dockerPublishedFrom) });
  return chains;
}

/** The iptables-restore file: declaring a chain with --noflush empties it, so only rig's chains are replaced, in one commit. */
export function renderIptablesRules(a: IptablesFirewallArgs): string {
  const chains = rigChains(a);
  const dns = dnsRedirectOf(a);
  return [
    '# Managed by rig (roles/firewall). Loaded with iptables-restore --noflush: only these chains are replaced.',
    '*filter',
    ...chains.map((c) => `:${c.name} - [0:0]`),
    ...chains.flatMap((c) => c.rules.map((r) => `-A ${c.name} ${r}`)),
    'COMMIT',
    // Docker's nat chains and rules are never named: declaring RIG-DNS empties and refills only it
    ...(dns ? ['*nat', `:${RIG_DNS} - [0:0]`, ...dnsRedirectRules(dns).map((r) => `-A ${RIG_DNS} ${r}`), 'COMMIT'] : []),
    '',
  ].join('\n');
}

/** The redirect these args load (IPv4 only; validation refuses it for ipv6). */
const dnsRedirectOf = (a: IptablesFirewallArgs): DnsRedirect | undefined => ((a.family ?? 'ipv4') === 'ipv4' ? a.dnsRedirect : undefined);

/** The load script (also the boot unit's ExecStart): create missing parents, restore rig's chains, put each jump first. */
export function renderIptablesScript(a: IptablesFirewallArgs): string {
  const bin = iptablesBin(a.family ?? 'ipv4');
  const { path } = iptablesPaths(a);
  const chains = rigChains(a);
  const lines: ShellFragment[] = [
    sh`set -eu`,
    // DOCKER-USER may not exist before dockerd first starts; Docker keeps an existing one and its rules
    ...chains.filter((c) => c.parent !== 'INPUT').map((c) => sh`${bin} -w -S ${c.parent} >/dev/null 2>&1 || ${bin} -w -N ${c.parent}`),
    sh`${`${bin}-restore`} -w --noflush ${path}`,
    // the chain is complete before anything jumps to it; the jump is added before duplicates are removed
    sh`first() {`,
    sh`  [ "$(${bin} -w -t "$1" -S "$2" | sed -n 2p)" = "-A $2 -j $3" ] || ${bin} -w -t "$1" -I "$2" 1 -j "$3"`,
    sh`  ${bin} -w -t "$1" -S "$2" | awk -v j="-A $2 -j $3" 'NR > 2 && $0 == j { print NR - 1 }' | sort -rn | while read -r n; do ${bin} -w -t "$1" -D "$2" "$n"; done`,
    sh`}`,
    ...chains.map((c) => sh`first filter ${c.parent} ${c.name}`),
    // nat: Docker appends its PREROUTING/OUTPUT jumps at start, so rig's stay first across Docker restarts
    ...(dnsRedirectOf(a) ? RIG_DNS_PARENTS.map((p) => sh`first nat ${p} ${RIG_DNS}`) : (a.family ?? 'ipv4') === 'ipv4' ? removeDnsRedirect(bin).map((l) => raw(l)) : []),
  ];
  return ['#!/bin/sh', '# Managed by rig (roles/firewall): loads rig\'s chains and keeps the jumps to them first. Docker\'s chains are never touched.', ...lines.map((l) => l.text), ''].join('\n');
}

/** Why the live table differs from the wanted chains (empty when converged). */
export function iptablesDrift(chains: readonly RigChain[], live: IptablesFilter): string[] {
  const out: string[] = [];
  for (const c of chains) {
    const have = live.chains[c.name];
    if (!have) out.push(`${c.name} missing`);
    else {
      const want = c.rules.map(normalizeRule);
      const missing = want.filter((r) => !have.includes(r)).length;
      if (missing > 0 || have.length !== want.length || have.some((r, i) => r !== want[i])) out.push(`${c.name} differs (${missing} of ${want.length} rules missing, ${have.length} live)`);
    }
    const parent = live.chains[c.parent];
    const jump = `-j ${c.name}`;
    if (!parent) out.push(`${c.parent} missing`);
    else if (parent[0] !== jump || parent.filter((r) => r === jump).length !== 1) out.push(`${c.parent} does not jump to ${c.name} first`);
  }
  return out;
}

const td = new TextDecoder();
const content = (f: FileState): string | undefined => (f.exists && f.type === 'file' && f.content ? td.decode(f.content) : undefined);

function plan(a: IptablesFirewallArgs, s: IptablesFirewallState): Plan<undefined> {
  const bin = iptablesBin(a.family ?? 'ipv4');
  const { path, script } = iptablesPaths(a);
  const text = renderIptablesRules(a);
  const scriptText = renderIptablesScript(a);
  const before = content(s.file);
  const changes: Change[] = [];
  if (before !== text) {
    changes.push({ kind: 'write', path, content: text, mode: '0600', owner: 'root', group: 'root', validate: sh`${`${bin}-restore`} -w --test --noflush`.text + ' %s', description: `write ${path}` });
  }
  if (content(s.script) !== scriptText) changes.push({ kind: 'write', path: script, content: scriptText, mode: '0700', owner: 'root', group: 'root', description: `write ${script}` });
  // live chains differ from the file (first run, a flush, a reboot without the unit), or a new file/script?
  const drift = [...iptablesDrift(rigChains(a), s.live), ...(s.nat ? dnsRedirectDrift(dnsRedirectOf(a), s.nat, 'first-once') : [])];
  const loaded = [...rigChains(a).map((c) => c.name), ...(dnsRedirectOf(a) ? [RIG_DNS] : [])];
  if (changes.length > 0 || drift.length > 0) changes.push({ kind: 'exec', command: sh`sh ${script}`.text, description: `load ${loaded.join(', ')} (${bin})` });
  const diff = before !== text ? [{ path, before: before ?? '', after: text }] : undefined;
  const msg = changes.length === 0 ? undefined : before !== text && before !== undefined ? 'rules changed' : drift.length > 0 ? drift.join('; ') : 'load script changed';
  return { changes, ...(diff ? { diff } : {}), ...(msg ? { msg } : {}) };
}

/** rig's iptables chains: file (checked with iptables-restore --test), load script and live chains match the wanted rules. */
export const iptablesFirewallModule = defineModule<IptablesFirewallArgs, IptablesFirewallState, undefined>({
  name: 'iptablesFirewall',
  args: iptablesFirewallArgs,
  validate: (a) => (a.family === 'ipv6' && a.dnsRedirect ? ['dnsRedirect is IPv4 only (its addresses are IPv4): set it on the ipv4 task'] : []),
  probe: (a): Reads<IptablesFirewallState> => ({
    file: read(fileState, { path: iptablesPaths(a).path, content: true }),
    script: read(fileState, { path: iptablesPaths(a).script, content: true }),
    live: read(iptablesFilter, a.family ?? 'ipv4'),
    // IPv4 always (also to find a RIG-DNS left from when the redirect was on)
    ...((a.family ?? 'ipv4') === 'ipv4' ? { nat: read(iptablesNat, 'ipv4') } : {}),
  }),
  plan: (a, s) => plan(a, s),
});
