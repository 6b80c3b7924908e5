/**
 * Firewall with ufw: the missing `ufw allow` rules (SSH first), the default inbound policy, then `ufw --force enable`;
 * container DNS to Consul through a nat block in before.rules (firewall-ufw-nat.ts).
 */
import { defineModule, fileState, read, sh, strict, z, type Change, type FileState, type Plan, type Reads, type ReadonlyDeep } from '../../../src/index.ts';
import { dnsRedirectDrift, dnsRedirectSchema } from './dns-redirect.ts';
import { iptablesNat, type IptablesFilter } from './firewall-iptables-facts.ts';
import { planBeforeRules, UFW_BEFORE_RULES, ufwDedupeJumps, ufwRemoveDnsRedirect } from './firewall-ufw-nat.ts';
import { ufwState, type UfwRule, type UfwState } from './firewall-ufw-facts.ts';
import { ufwAdmits } from './ufw-coverage.ts';
import { inputPolicy, plainAllowRules, type AllowRule, type PortSpec } from './firewall.ts';

/** Args schema of ufwFirewall. */
export const ufwFirewallArgs = strict({
  rules: plainAllowRules.describe('Allow rules in order; put SSH first (it is added before ufw is enabled). Comments: letters, digits, spaces and _+.,:- only.'),
  inputPolicy: inputPolicy.describe("ufw's default for incoming traffic: 'drop' (default, ufw's deny) or 'accept' (allow)."),
  dnsRedirect: dnsRedirectSchema
    .optional()
    .describe('DNS (53/udp+tcp) to these local addresses DNATed to the same address on toPort (Consul DNS): nat chain RIG-DNS in a marked block of /etc/ufw/before.rules, ufw reloaded when it changed or is not live. Unset: block and chain removed.'),
}).describe('ufw admits the allowed traffic (rules others added are kept; one of theirs that admits the traffic already, such as limit 22/tcp, counts), the default inbound policy, and is enabled; ufw persists them itself.');
/** Arguments of ufwFirewall. */
export type UfwFirewallArgs = ReadonlyDeep<z.infer<typeof ufwFirewallArgs>>;

/** What ufwFirewall reads. */
export interface UfwFirewallState {
  readonly ufw: UfwState;
  /** /etc/ufw/before.rules (rig's nat block). */
  readonly beforeRules: FileState;
  /** The live IPv4 nat table (RIG-DNS and its jumps). */
  readonly nat: IptablesFilter;
}

/** One `ufw allow` rule to add: the identity to look for and the words after `ufw`. */
export interface UfwWanted {
  readonly rule: UfwRule;
  readonly argv: readonly string[];
}

// ufw's multiport takes at most 15 ports, a range counting as two
const MAX_PORT_SLOTS = 15;

function portChunks(ports: readonly PortSpec[]): string[] {
  const chunks: string[][] = [];
  let slots = MAX_PORT_SLOTS;
  for (const p of ports) {
    const n = typeof p === 'number' ? 1 : 2;
    if (slots + n > MAX_PORT_SLOTS) {
      chunks.push([]);
      slots = 0;
    }
    chunks[chunks.length - 1]!.push(typeof p === 'number' ? String(p) : `${p[0]}:${p[1]}`);
    slots += n;
  }
  return chunks.map((c) => c.join(','));
}

/** The ufw rules for these allow rules, in order: one per source, interface and (≤15-port) port list. */
export function ufwWanted(rules: readonly AllowRule[]): UfwWanted[] {
  const out: UfwWanted[] = [];
  for (const r of rules) {
    for (const from of r.from === 'any' ? ['any'] : r.from) {
      for (const iface of r.iifnames?.length ? r.iifnames : [undefined]) {
        for (const port of r.proto === 'esp' ? [undefined] : portChunks(r.ports ?? [])) {
          const comment = r.comment ? `rig: ${r.comment}` : undefined;
          const rule: UfwRule = { action: 'allow', direction: 'in', ...(iface ? { iface } : {}), from, to: 'any', ...(port ? { port } : {}), proto: r.proto, ...(comment ? { comment } : {}) };
          const argv = ['allow', ...(iface ? ['in', 'on', iface] : []), 'proto', r.proto, 'from', from, 'to', 'any', ...(port ? ['port', port] : []), ...(comment ? ['comment', comment] : [])];
          out.push({ rule, argv });
        }
      }
    }
  }
  return out;
}

function plan(a: UfwFirewallArgs, s: UfwFirewallState): Plan<undefined> {
  const u = s.ufw;
  // a rule of the admin's that admits the traffic already (limit 22/tcp, a wider source) is kept as it is
  const missing = ufwWanted(a.rules).filter((w) => !ufwAdmits(u.rules, w.rule));
  // in wanted order, so SSH (first) is in place before a default deny or the enable below
  const changes: Change[] = missing.map((w) => ({ kind: 'exec', command: sh`ufw ${[...w.argv]}`.text, description: `ufw ${w.argv.join(' ')}` }));
  const policy = (a.inputPolicy ?? 'drop') === 'drop' ? 'DROP' : 'ACCEPT';
  if (u.defaultInput !== policy) changes.push({ kind: 'exec', command: sh`ufw default ${policy === 'DROP' ? 'deny' : 'allow'} incoming`.text, description: `ufw default ${policy === 'DROP' ? 'deny' : 'allow'} incoming` });
  // off, or on but its chains are not in the kernel (flushed by hand, or a boot where ufw.service did not run)?
  const notLive = u.enabled && (!u.live.loaded || (u.live.rules === 0 && u.rules.length > 0));
  const dns = a.dnsRedirect;
  const block = planBeforeRules(dns, s.beforeRules, u.installed);
  if (block.failed) return { changes: [], failed: block.failed };
  // the block is in the file before ufw loads it (enable or reload below)
  changes.unshift(...block.changes);
  const natDrift = dnsRedirectDrift(dns, s.nat, 'present');
  const natReload = dns !== undefined && (block.changes.length > 0 || natDrift.length > 0);
  // rig's reload or enable adds one more jump to RIG-DNS when one is there already: keep the first only
  const dedupe = dns ? ` && { ${ufwDedupeJumps()}; }` : '';
  // `ufw --force enable` does not reload an enabled ufw; `ufw reload` (re)loads its chains from its rule files
  if (!u.enabled) changes.push({ kind: 'exec', command: `ufw --force enable${dedupe}`, description: 'ufw --force enable' });
  else if (notLive || natReload) changes.push({ kind: 'exec', command: `ufw reload${dedupe}`, description: 'ufw reload' });
  // turned off: ufw never unloads nat rules itself
  if (!dns && natDrift.length > 0) changes.push({ kind: 'exec', command: ufwRemoveDnsRedirect(), description: 'remove nat chain RIG-DNS and its jumps' });
  const why = [
    ...(block.changes.length ? [dns ? `${UFW_BEFORE_RULES}: nat block written` : `${UFW_BEFORE_RULES}: nat block removed`] : []),
    ...(missing.length ? [`${missing.length} rule(s) added`] : []),
    ...(u.defaultInput !== policy ? [`default incoming ${policy}`] : []),
    ...(!u.enabled ? ['enabled'] : notLive ? ['reloaded (rules not in the kernel)'] : natReload ? [block.changes.length ? 'reloaded' : `reloaded (${natDrift.join('; ')})`] : []),
    ...(!dns && natDrift.length ? ['RIG-DNS removed'] : []),
  ];
  return { changes, ...(block.diff ? { diff: block.diff } : {}), ...(why.length ? { msg: why.join(', ') } : {}) };
}

/** ufw holds the wanted allow rules (others' rules are kept), the default inbound policy, rig's nat block, and is enabled; it persists itself. */
export const ufwFirewallModule = defineModule<UfwFirewallArgs, UfwFirewallState, undefined>({
  name: 'ufwFirewall',
  args: ufwFirewallArgs,
  probe: (): Reads<UfwFirewallState> => ({
    ufw: read(ufwState, undefined),
    beforeRules: read(fileState, { path: UFW_BEFORE_RULES, content: true, follow: true }),
    nat: read(iptablesNat, 'ipv4'),
  }),
  plan: (a, s) => plan(a, s),
});
