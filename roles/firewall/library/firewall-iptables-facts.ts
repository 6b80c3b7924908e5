/** iptables facts: the filter and nat tables of one family as `iptables [-t nat] -S` / `ip6tables -S` print them. */
import { sh, type Fact } from '../../../src/index.ts';

/** IPv4 (iptables) or IPv6 (ip6tables). */
export type IpFamily = 'ipv4' | 'ipv6';

/** A live table (filter or nat): every chain (built-in and user) with its rules in order. */
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

/** `iptables -w [-t nat] -S` of a whole table (one listing, no per-chain "no such chain" errors to decode). */
function tableFact(table: 'filter' | 'nat'): Fact<IptablesFilter, IpFamily> {
  const t = table === 'filter' ? [] : ['-t', table];
  return {
    name: table === 'filter' ? 'firewall.iptablesFilter' : 'firewall.iptablesNat',
    command: (family) => {
      const bin = iptablesBin(family);
      return sh`if ! command -v ${bin} >/dev/null 2>&1; then echo __rig_missing__; elif o=$(${bin} -w ${[...t, '-S']} 2>&1); then printf '%s\n' "$o"; else echo "__rig_error__ $o"; fi`.text;
    },
    parse(out, family) {
      const text = out.stdout;
      const what = `${iptablesBin(family)} ${t.join(' ')}${t.length ? ' ' : ''}-S`;
      if (text.startsWith('__rig_missing__')) return { available: false, chains: {} };
      if (text.startsWith('__rig_error__')) throw new Error(`${what}: ${text.slice('__rig_error__'.length).trim()}`);
      const chains: Record<string, string[]> = {};
      for (const line of text.split('\n')) {
        const m = /^-([PNA]) (\S+)(?: (.*))?$/.exec(line.trim());
        if (!m) {
          if (line.trim() !== '') throw new Error(`${what}: unexpected line ${JSON.stringify(line)}`);
          continue;
        }
        const rules = (chains[m[2]!] ??= []);
        if (m[1] === 'A') rules.push(normalizeRule(m[3] ?? ''));
      }
      return { available: true, chains };
    },
  };
}

/** The live filter table of a family (`iptables -w -S`). */
export const iptablesFilter: Fact<IptablesFilter, IpFamily> = tableFact('filter');
/** The live nat table of a family (`iptables -w -t nat -S`): Docker's chains and rig's RIG-DNS. */
export const iptablesNat: Fact<IptablesFilter, IpFamily> = tableFact('nat');
