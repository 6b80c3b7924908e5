/** Firewall: backend choice from facts, and an nftables ruleset in rig's own table (`table inet rig`), file + live. */
import { createHash } from 'node:crypto';
import { absPath, defineModule, fileState, port, read, sh, strict, z, type Change, type FileState, type Plan, type Reads, type ReadonlyDeep } from '../../../src/index.ts';
import { firewallBackends, nftTableLive, type FirewallBackends, type NftTableLive } from './firewall-facts.ts';
import { dnsRedirectSchema, nftDnsRedirectLines } from './dns-redirect.ts';

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

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/**
 * The type of an args schema with every list, tuple and object readonly, so callers may pass `as const` values and
 * readonly lists (zod's `.readonly()` would freeze the caller's objects at validation).
 */

/** An IPv4 address or network: 10.0.0.1, 10.77.0.0/24 (octets 0-255, prefix 0-32). */
export const ipv4OrCidr = z
  .string({ error: (iss) => `expected an IPv4 address or CIDR like 10.0.0.0/8, got ${show(iss.input)}` })
  .regex(/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\/(3[0-2]|[12]?\d))?$/, {
    error: (iss) => `${show(iss.input)} is not an IPv4 address or CIDR like 10.0.0.0/8`,
  });

const portRange = z
  .tuple([port, port])
  .refine(([a, b]) => a < b, { error: (iss) => `a port range is [from, to] with from below to, got ${show(iss.input)}` });
/** A port or an inclusive range [from, to]. */
export const portSpec = z.union([port, portRange], {
  error: (iss) => (iss.code === 'invalid_union' ? `expected a port (1-65535) or a range [from, to], got ${show(iss.input)}` : undefined),
});
/** A port or an inclusive range. */
export type PortSpec = ReadonlyDeep<z.infer<typeof portSpec>>;

const ruleShape = {
  from: z
    .union([z.literal('any'), z.array(ipv4OrCidr).min(1, { error: "an empty list allows nobody: write 'any' or list the sources" })], {
      error: (iss) => (iss.code === 'invalid_union' ? `expected 'any' or a list of IPv4 addresses/CIDRs, got ${show(iss.input)}` : undefined),
    })
    .describe("Source networks (IPv4 addresses or CIDRs), or 'any' for everywhere."),
  iifnames: z
    .array(z.string().regex(/^[A-Za-z0-9_.+-]{1,15}$/, { error: (iss) => `${show(iss.input)} is not an interface name (1-15 letters, digits, _.+-)` }))
    .optional()
    .describe('Input interfaces the rule is limited to (e.g. docker0 for container DNS). Default: any interface.'),
};
const protoError = (iss: { code: string; input: unknown }): string | undefined =>
  iss.code === 'invalid_union' ? `proto must be tcp, udp or esp, got ${show((iss.input as { proto?: unknown } | undefined)?.proto)}` : undefined;

/** Allow rules whose comments are checked by `comment` (nftables takes any line, iptables/ufw plain words). */
function allowRuleSchema(comment: z.ZodType<string, string>) {
  const shared = { ...ruleShape, comment: comment.optional().describe('Shown with the rule (nft comment, iptables/ufw comment "rig: ...").') };
  return z.discriminatedUnion(
    'proto',
    [
      strict({
        proto: z.enum(['tcp', 'udp']).describe('tcp or udp: ports are required.'),
        ports: z
          .array(portSpec, { error: (iss) => (iss.input === undefined ? 'tcp/udp rules need ports: a list of ports or [from, to] ranges' : `expected a list of ports, got ${show(iss.input)}`) })
          .min(1, { error: 'tcp/udp rules need at least one port' })
          .describe('Ports and inclusive [from, to] ranges, 1-65535.'),
        ...shared,
      }),
      strict({
        proto: z.literal('esp').describe('IPsec ESP (the encrypted overlay network): no ports.'),
        ports: z.never({ error: 'esp has no ports: remove ports' }).optional(),
        ...shared,
      }),
    ],
    { error: protoError },
  );
}

const ruleDescription = 'Accept inbound traffic of one protocol (on ports) from sources, optionally only on some interfaces.';

/** One allow rule (nftables comments: one line, at most 128 characters). */
export const allowRule = allowRuleSchema(
  z.string().regex(/^[^\x00-\x1f\x7f]*$/, { error: 'a comment is one line without control characters' }).max(128, { error: 'nft takes comments of at most 128 characters' }),
).describe(ruleDescription);
/** An allow rule for backends that put the comment on a command line (iptables, ufw): plain words only. */
export const plainAllowRule = allowRuleSchema(
  z.string().regex(/^[A-Za-z0-9 _+.,:-]{0,200}$/, { error: 'a comment may hold letters, digits, spaces and _+.,:- only (at most 200)' }),
).describe(ruleDescription);
/** One allow rule. */
export type AllowRule = ReadonlyDeep<z.infer<typeof allowRule>>;

/** Inbound policy for what no rule allows. */
export const inputPolicy = z.enum(['drop', 'accept']).optional().describe("Inbound traffic no rule accepts: 'drop' (default) or 'accept'.");
/** Allow rules in order (put SSH first), for nftables. */
export const allowRules = z.array(allowRule).describe('Allow rules in order; put SSH first.');
/** Allow rules in order (put SSH first), for backends with plain comments (iptables, ufw). */
export const plainAllowRules = z.array(plainAllowRule).describe('Allow rules in order; put SSH first. Comments: letters, digits, spaces and _+.,:- only.');

/** Args schema of nftRuleset. */
export const nftRulesetArgs = strict({
  rules: allowRules,
  inputPolicy,
  dnsRedirect: dnsRedirectSchema
    .extend({
      only: z
        .array(
          z.union([
            strict({ iifnames: ruleShape.iifnames.unwrap().min(1) }).describe('Packets arriving on these interfaces.'),
            strict({ from: z.array(ipv4OrCidr).min(1) }).describe('Packets from these sources.'),
          ]),
        )
        .min(1)
        .optional()
        .describe("DNAT only inbound packets matching one of these (the firewalld backend: firewalld accepts every DNATed connection, so the redirect itself must be limited). Default: every inbound packet. The host's own queries are always redirected."),
    })
    .optional()
    .describe("DNS (53/udp+tcp) sent to these local addresses is DNATed to the same address on this port (Consul DNS on 8600) so Docker's `dns` works."),
  path: absPath.optional().describe("The nft file. Default '/etc/rig/firewall.nft'."),
  table: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: (iss) => `${show(iss.input)} is not an nft table name (a letter, then letters, digits, _)` })
    .optional()
    .describe("rig's table (family inet). Default 'rig'."),
}).describe("rig's nftables table (file checked with nft -c, and the live table) holds the allow rules; Docker's tables are never touched.");
/** Arguments of nftRuleset. */
export type NftRulesetArgs = ReadonlyDeep<z.infer<typeof nftRulesetArgs>>;

/** What nftRuleset reads: the file and the live table. */
export interface NftRulesetState {
  readonly file: FileState;
  readonly live: NftTableLive;
}

const portText = (p: PortSpec): string => (typeof p === 'number' ? String(p) : `${p[0]}-${p[1]}`);
const set = (xs: readonly string[]): string => (xs.length === 1 ? xs[0]! : `{ ${xs.join(', ')} }`);

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
    const lines = nftDnsRedirectLines(a.dnsRedirect).map((l) => `    ${l}`);
    chains.push(
      '  chain prerouting {',
      '    type nat hook prerouting priority dstnat; policy accept;',
      ...(a.dnsRedirect.only ?? [{}]).flatMap((m) => {
        const match = 'iifnames' in m ? `iifname ${set(m.iifnames.map((i) => `"${i}"`))} ` : 'from' in m ? `ip saddr ${set([...m.from])} ` : '';
        return lines.map((l) => l.replace(/^ {4}/, `    ${match}`));
      }),
      '  }',
      '  chain output {',
      '    type nat hook output priority -100; policy accept;',
      ...lines,
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
  args: nftRulesetArgs,
  probe: (a): Reads<NftRulesetState> => ({
    file: read(fileState, { path: a.path ?? '/etc/rig/firewall.nft', content: true }),
    live: read(nftTableLive, { family: 'inet', name: a.table ?? 'rig' }),
  }),
  plan: (a, s) => plan(a, s),
});

/** Args schema of firewallBackend. */
export const firewallBackendArgs = strict({
  preferred: z
    .string({ error: (iss) => `expected a firewall backend name, got ${show(iss.input)}` })
    .refine((b) => (FIREWALL_BACKENDS as readonly string[]).includes(b), {
      error: (iss) => `unknown firewall backend ${show(iss.input)}: firewall_backend is one of ${FIREWALL_BACKENDS.join(', ')}`,
    })
    .meta({ enum: [...FIREWALL_BACKENDS] })
    .describe("The inventory's firewall_backend: 'auto' follows what already guards the host (firewalld, ufw), else nftables, else iptables."),
}).describe('Read-only: which firewall backend this host uses (registered for the firewall role).');
/** Arguments of firewallBackend (a string, so `String(vars.firewall_backend)` is accepted; the schema checks the name). */
export type FirewallBackendArgs = z.infer<typeof firewallBackendArgs>;

/** Read-only: which backend this host uses and whether its tool is installed yet (registered for the role's `when`s). */
export const firewallBackendModule = defineModule<FirewallBackendArgs, { found: FirewallBackends }, { backend: string; installed: boolean }>({
  name: 'firewallBackend',
  args: firewallBackendArgs,
  readOnly: true,
  probe: (): Reads<{ found: FirewallBackends }> => ({ found: read(firewallBackends, undefined) }),
  plan: (a, s) => {
    const c = chooseFirewallBackend(s.found, a.preferred);
    if ('error' in c) return { changes: [], failed: `firewall_backend: ${c.error}` };
    const f = s.found;
    const installed = { nftables: f.nftables.installed, iptables: f.iptables.installed, ufw: f.ufw.installed, firewalld: f.firewalld.installed }[c.backend];
    return { changes: [], output: { backend: c.backend, installed }, msg: c.backend };
  },
});
