/** iptables facts: the filter table of one family as `iptables -S` / `ip6tables -S` prints it. */
import { sh, type Fact } from '../../../src/index.ts';

/** IPv4 (iptables) or IPv6 (ip6tables). */
export type IpFamily = 'ipv4' | 'ipv6';

/** The live filter table: every chain (built-in and user) with its rules in order. */
export interface IptablesFilter {
  /** The iptables/ip6tables binary exists. */
  readonly available: boolean;
  /** Chain name → its rules, each as `iptables -S` prints it after `-A <chain> `, normalized by normalizeRule. */
  readonly chains: Readonly<Record<string, readonly string[]>>;
}

/** The binary of a family. */
export const iptablesBin = (family: IpFamily): string => (family === 'ipv6' ? 'ip6tables' : 'iptables');

/**
 * One rule in the form used for comparing: `iptables -S` quotes comments only when they need it in some versions and
 * always in others, so quotes are dropped and blanks collapsed (rig's comments never contain quotes).
 */
export function normalizeRule(rule: string): string {
  return rule.replace(/"/g, '').replace(/\s+/g, ' ').trim();
}

/** `iptables -w -S` of the filter table (the whole table: one listing, no per-chain "no such chain" errors to decode). */
export const iptablesFilter: Fact<IptablesFilter, IpFamily> = {
  name: 'firewall.iptablesFilter',
  command: (family) => {
    const bin = iptablesBin(family);
    return sh`if ! command -v ${bin} >/dev/null 2>&1; then echo __rig_missing__; elif o=$(${bin} -w -S 2>&1); then printf '%s\n' "$o"; else echo "__rig_error__ $o"; fi`.text;
  },
  parse(out, family) {
    const text = out.stdout;
    if (text.startsWith('__rig_missing__')) return { available: false, chains: {} };
    if (text.startsWith('__rig_error__')) throw new Error(`${iptablesBin(family)} -S: ${text.slice('__rig_error__'.length).trim()}`);
    const chains: Record<string, string[]> = {};
    for (const line of text.split('\n')) {
      const m = /^-([PNA]) (\S+)(?: (.*))?$/.exec(line.trim());
      if (!m) {
        if (line.trim() !== '') throw new Error(`${iptablesBin(family)} -S: unexpected line ${JSON.stringify(line)}`);
        continue;
      }
      const rules = (chains[m[2]!] ??= []);
      if (m[1] === 'A') rules.push(normalizeRule(m[3] ?? ''));
    }
    return { available: true, chains };
  },
};
