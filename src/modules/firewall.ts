/** Firewall: backend choice from facts, and an nftables ruleset in rig's own table (`table inet rig`), file + live. */
import { createHash } from 'node:crypto';
import type { Change } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule, type Plan, type Reads } from '../core/module.ts';
import { sh } from '../core/quote.ts';
import { fileState, type FileState } from '../facts/files.ts';
import { firewallBackends, nftTableLive, type FirewallBackends, type NftTableLive } from '../facts/firewall.ts';

/** Backends the firewall role knows by name. */
export const FIREWALL_BACKENDS = ['auto', 'nftables', 'ufw', 'firewalld', 'iptables'] as const;
/** A backend name as given in inventory. */
export type FirewallBackendName = (typeof FIREWALL_BACKENDS)[number];

/**
 * The backend to use: an explicit choice is kept; 'auto' follows what already guards the host (an active firewalld or
 * ufw is not bypassed), else nftables, else iptables. Returns an error text when nothing fits.
 */
export function chooseFirewallBackend(found: FirewallBackends, preferred: string): { backend: Exclude<FirewallBackendName, 'auto'> } | { error: string } {
  if (!(FIREWALL_BACKENDS as readonly string[]).includes(preferred)) {
    return { error: `unknown firewall backend ${JSON.stringify(preferred)} (one of ${FIREWALL_BACKENDS.join(', ')})` };
  }
  if (preferred !== 'auto') return { backend: preferred as Exclude<FirewallBackendName, 'auto'> };
  if (found.firewalld.active) return { backend: 'firewalld' };
  if (found.ufw.active) return { backend: 'ufw' };
  if (found.nftables.installed) return { backend: 'nftables' };
  if (found.iptables.installed) return { backend: 'iptables' };
  // nothing installed yet: nftables is Debian's default and the role installs it
  return { backend: 'nftables' };
}

/** A port or an inclusive range. */
export type PortSpec = number | readonly [number, number];

/** One allow rule. */
export interface AllowRule {
  readonly proto: 'tcp' | 'udp' | 'esp';
  /** Ports (not for esp). */
  readonly ports?: readonly PortSpec[];
  /** Source networks (IPv4 CIDRs); 'any' for everywhere. */
  readonly from: readonly string[] | 'any';
  /** Input interfaces (e.g. docker0 for container DNS); @default any */
  readonly iifnames?: readonly string[];
  /** Shown as a comment in the file. */
  readonly comment?: string;
}

/** Arguments of nftRuleset. */
export interface NftRulesetArgs {
  /** Rules in order; put SSH first. */
  readonly rules: readonly AllowRule[];
  /** Inbound policy for everything not allowed. @default 'drop' */
  readonly inputPolicy?: 'drop' | 'accept';
  /** Redirect DNS (53/udp+tcp) sent to these local addresses to this port (Consul DNS on 8600) so Docker's `dns` works. */
  readonly dnsRedirect?: { readonly addresses: readonly string[]; readonly toPort: number };
  /** @default '/etc/rig/firewall.nft' */
  readonly path?: string;
  /** @default 'rig' (family inet) */
  readonly table?: string;
}

/** What nftRuleset reads: the file and the live table. */
export interface NftRulesetState {
  readonly file: FileState;
  readonly live: NftTableLive;
}

const portText = (p: PortSpec): string => (typeof p === 'number' ? String(p) : `${p[0]}-${p[1]}`);
const set = (xs: readonly string[]): string => (xs.length === 1 ? xs[0]! : `{ ${xs.join(', ')} }`);
const validPort = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;
const CIDR4 = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/;
const IFNAME = /^[A-Za-z0-9_.+-]{1,15}$/;

function ruleLine(r: AllowRule): string {
  const parts: string[] = [];
  if (r.iifnames?.length) parts.push(`iifname ${set(r.iifnames.map((i) => `"${i}"`))}`);
  if (r.from !== 'any') parts.push(`ip saddr ${set([...r.from])}`);
  if (r.proto === 'esp') parts.push('meta l4proto esp');
  else parts.push(`${r.proto} dport ${set((r.ports ?? []).map(portText))}`);
  parts.push('accept');
  if (r.comment) parts.push(`comment "${r.comment.replace(/"/g, "'")}"`);
  return parts.join(' ');
}

/** The ruleset body without the hash marker (what the hash is computed over). */
function body(a: NftRulesetArgs): string[] {
  const input = [
    `type filter hook input priority filter; policy ${a.inputPolicy ?? 'drop'};`,
    'ct state established,related accept',
    'ct state invalid drop',
    'iif "lo" accept',
    'meta l4proto { icmp, ipv6-icmp } accept',
    ...a.rules.map(ruleLine),
  ];
  const chains = [`  chain input {`, ...input.map((l) => `    ${l}`), '  }'];
  if (a.dnsRedirect) {
    const to = a.dnsRedirect.toPort;
    chains.push(
      '  chain prerouting {',
      '    type nat hook prerouting priority dstnat; policy accept;',
      `    ip daddr ${set([...a.dnsRedirect.addresses])} meta l4proto { tcp, udp } th dport 53 redirect to :${to}`,
      '  }',
      '  chain output {',
      '    type nat hook output priority -100; policy accept;',
      `    ip daddr ${set([...a.dnsRedirect.addresses])} meta l4proto { tcp, udp } th dport 53 redirect to :${to}`,
      '  }',
    );
  }
  return chains;
}

/**
 * The nft file: create-then-delete-then-define, so `nft -f` atomically replaces only rig's table (no `flush ruleset`:
 * Docker's tables and chains are never touched). The table comment carries the sha256 of the body so the live table
 * can be compared with the file without parsing nft's listing.
 */
export function renderNftRuleset(a: NftRulesetArgs): { text: string; hash: string } {
  const table = a.table ?? 'rig';
  const lines = body(a);
  const hash = createHash('sha256').update(lines.join('\n')).digest('hex');
  const text = [
    '#!/usr/sbin/nft -f',
    '# Managed by rig (roles/firewall). Only this table is replaced; Docker\'s tables are left alone.',
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    `  comment "rig:${hash}"`,
    ...lines,
    '}',
    '',
  ].join('\n');
  return { text, hash };
}

/** Problems of a list of allow rules; `who` prefixes each. */
function allowRuleProblems(who: string, rules: readonly AllowRule[]): string[] {
  const p: string[] = [];
  rules.forEach((r, i) => {
    const at = `${who}: rule ${i + 1}`;
    if (!['tcp', 'udp', 'esp'].includes(r.proto)) p.push(`${at}: proto must be tcp, udp or esp, got ${JSON.stringify(r.proto)}`);
    if (r.proto !== 'esp') {
      if (!r.ports?.length) p.push(`${at}: ports are required for ${r.proto}`);
      for (const port of r.ports ?? []) {
        const ok = typeof port === 'number' ? validPort(port) : validPort(port[0]) && validPort(port[1]) && port[0] < port[1];
        if (!ok) p.push(`${at}: bad port ${JSON.stringify(port)}`);
      }
    }
    if (r.from !== 'any' && (!Array.isArray(r.from) || r.from.length === 0 || r.from.some((c: string) => !CIDR4.test(c)))) {
      p.push(`${at}: from must be 'any' or a non-empty list of IPv4 addresses/CIDRs, got ${JSON.stringify(r.from)}`);
    }
    for (const i2 of r.iifnames ?? []) if (!IFNAME.test(i2)) p.push(`${at}: bad interface name ${JSON.stringify(i2)}`);
  });
  return p;
}

/** Rule and inputPolicy problems of a backend's args; `plainComments` for backends that put comments on a command line. */
export function backendArgProblems(who: string, a: { readonly rules: readonly AllowRule[]; readonly inputPolicy?: string }, opts: { plainComments?: boolean } = {}): string[] {
  const p = allowRuleProblems(who, a.rules);
  if (opts.plainComments) {
    a.rules.forEach((r, i) => {
      if (r.comment !== undefined && !/^[A-Za-z0-9 _+.,:-]{0,200}$/.test(r.comment)) p.push(`${who}: rule ${i + 1}: comment may hold letters, digits, spaces and _+.,:- only`);
    });
  }
  if (a.inputPolicy !== undefined && a.inputPolicy !== 'drop' && a.inputPolicy !== 'accept') p.push(`${who}: inputPolicy must be drop or accept`);
  return p;
}

function validate(a: NftRulesetArgs): string[] {
  if (!Array.isArray(a.rules)) return ['nftRuleset: rules must be a list'];
  const p = backendArgProblems('nftRuleset', a);
  if (a.dnsRedirect && (!validPort(a.dnsRedirect.toPort) || a.dnsRedirect.addresses.some((x) => !CIDR4.test(x)))) p.push('nftRuleset: bad dnsRedirect');
  if (a.table !== undefined && !/^[A-Za-z][A-Za-z0-9_]*$/.test(a.table)) p.push(`nftRuleset: bad table name ${JSON.stringify(a.table)}`);
  return p;
}

const td = new TextDecoder();

function plan(a: NftRulesetArgs, s: NftRulesetState): Plan<undefined> {
  const path = a.path ?? '/etc/rig/firewall.nft';
  const { text, hash } = renderNftRuleset(a);
  const before = s.file.exists && s.file.type === 'file' && s.file.content ? td.decode(s.file.content) : undefined;
  const changes: Change[] = [];
  if (before !== text) {
    changes.push({ kind: 'write', path, content: text, mode: '0600', owner: 'root', group: 'root', validate: 'nft -c -f %s', description: `write ${path}` });
  }
  // loaded table differs from the file (first run, drift, or a boot where the unit did not run)?
  if (before !== text || !s.live.present || s.live.hash !== hash) {
    changes.push({ kind: 'exec', command: sh`nft -f ${path}`.text, description: `load table inet ${a.table ?? 'rig'}` });
  }
  const diff = before !== text ? [{ path, before: before ?? '', after: text }] : undefined;
  const msg = changes.length === 0 ? undefined : !s.live.present ? 'table loaded' : before !== text ? 'rules changed' : 'live table reloaded from file';
  return { changes, ...(diff ? { diff } : {}), ...(msg ? { msg } : {}) };
}

/** rig's nftables table: the file (validated with `nft -c`) and the live table both match the wanted rules. */
export const nftRulesetModule = defineModule<NftRulesetArgs, NftRulesetState, undefined>({
  name: 'nftRuleset',
  validate,
  probe: (a): Reads<NftRulesetState> => ({
    file: read(fileState, { path: a.path ?? '/etc/rig/firewall.nft', content: true }),
    live: read(nftTableLive, { family: 'inet', name: a.table ?? 'rig' }),
  }),
  plan: (a, s) => plan(a, s),
});

/** Read-only: which backend this host uses (registered for the role's `when`s). */
export const firewallBackendModule = defineModule<{ readonly preferred: string }, { found: FirewallBackends }, { backend: string }>({
  name: 'firewallBackend',
  readOnly: true,
  validate: (a) => ((FIREWALL_BACKENDS as readonly string[]).includes(a.preferred) ? [] : [`firewall_backend: unknown backend ${JSON.stringify(a.preferred)} (one of ${FIREWALL_BACKENDS.join(', ')})`]),
  probe: (): Reads<{ found: FirewallBackends }> => ({ found: read(firewallBackends, undefined) }),
  plan: (a, s) => {
    const c = chooseFirewallBackend(s.found, a.preferred);
    return 'error' in c ? { changes: [], failed: `firewall_backend: ${c.error}` } : { changes: [], output: { backend: c.backend }, msg: c.backend };
  },
});
