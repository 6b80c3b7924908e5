/**
 * Container DNS to Consul: DNS (53/udp+tcp) sent to the node's own address is DNATed to that address's Consul DNS port,
 * the same on every backend (nftables chains, iptables/ufw nat chain RIG-DNS).
 */
import { port, sh, strict, z, type ReadonlyDeep } from '../../../src/index.ts';
import { normalizeRule, type IptablesFilter } from './firewall-iptables-facts.ts';

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** An IPv4 address (no network: each address is DNATed to itself). */
const ipv4Address = z.ipv4({ error: (iss) => `${show(iss.input)} is not an IPv4 address like 10.77.0.11 (the redirect keeps each address, so no networks)` });

/**
 * Args schema of a DNS redirect. DNAT to the same address, not REDIRECT: a redirect rewrites the destination to the
 * primary address of the incoming interface (docker0's 172.17.0.1, docker_gwbridge's 172.18.0.1), where Consul does not
 * listen (its client_addr is 127.0.0.1 and the node address). Source: iptables-extensions(8) REDIRECT, nft(8) redirect.
 */
export const dnsRedirectSchema = strict({
  addresses: z.array(ipv4Address).min(1, { error: 'list the local addresses DNS is sent to' }).describe('Local IPv4 addresses whose port 53 (udp+tcp) is DNATed to the same address, port toPort.'),
  toPort: port.describe('Port DNS is sent on to (Consul DNS: 8600).'),
});
/** A DNS redirect: local addresses and the port their DNS goes on to. */
export type DnsRedirect = ReadonlyDeep<z.infer<typeof dnsRedirectSchema>>;

/** rig's nat chain for the redirect (iptables and ufw backends). */
export const RIG_DNS = 'RIG-DNS';
/** The nat chains that jump to RIG-DNS first: traffic from outside/containers (PREROUTING) and from the host (OUTPUT). */
export const RIG_DNS_PARENTS = ['PREROUTING', 'OUTPUT'] as const;

/** RIG-DNS's rules, in the form `iptables -S` prints them (so live and wanted compare line by line). */
export function dnsRedirectRules(r: DnsRedirect): string[] {
  return r.addresses.flatMap((a) =>
    (['udp', 'tcp'] as const).map((p) => `-d ${a}/32 -p ${p} -m ${p} --dport 53 -m comment --comment "rig: consul dns" -j DNAT --to-destination ${a}:${r.toPort}`),
  );
}

/** nftables lines of the redirect, one per address (`dnat ip to` keeps the address; inet tables need the `ip`). */
export function nftDnsRedirectLines(r: DnsRedirect): string[] {
  return r.addresses.map((a) => `ip daddr ${a} meta l4proto { tcp, udp } th dport 53 dnat ip to ${a}:${r.toPort}`);
}

/**
 * Why the live nat table differs from the wanted redirect (empty when converged). `jumps: 'first-once'` (iptables
 * backend: the load script keeps exactly one jump, first); `'present'` (ufw: each `ufw reload` restores before.rules
 * with --noflush and so adds one more jump, harmless, gone at the next boot). Unwanted: RIG-DNS and its jumps are gone.
 */
export function dnsRedirectDrift(want: DnsRedirect | undefined, nat: IptablesFilter, jumps: 'first-once' | 'present'): string[] {
  const have = nat.chains[RIG_DNS];
  const jump = `-j ${RIG_DNS}`;
  if (!want) {
    const from = RIG_DNS_PARENTS.filter((p) => nat.chains[p]?.includes(jump));
    return have || from.length ? [`${RIG_DNS} present but the redirect is off`] : [];
  }
  const out: string[] = [];
  const rules = dnsRedirectRules(want).map(normalizeRule);
  if (!have) out.push(`${RIG_DNS} missing`);
  else if (have.length !== rules.length || have.some((r, i) => r !== rules[i])) out.push(`${RIG_DNS} differs (${rules.filter((r) => !have.includes(r)).length} of ${rules.length} rules missing, ${have.length} live)`);
  for (const p of RIG_DNS_PARENTS) {
    const chain = nat.chains[p] ?? [];
    const n = chain.filter((r) => r === jump).length;
    if (jumps === 'present' ? n === 0 : chain[0] !== jump || n !== 1) out.push(`nat ${p} does not jump to ${RIG_DNS}${jumps === 'present' ? '' : ' first'}`);
  }
  return out;
}

/** Shell: keep only the first jump to RIG-DNS in each parent (ufw's reload appends one each time). */
export function dedupeDnsJumps(bin: string): string {
  return RIG_DNS_PARENTS.map(
    (p) => sh`${bin} -w -t nat -S ${p} | awk -v j=${`-A ${p} -j ${RIG_DNS}`} '$0 == j && seen++ { print NR - 1 }' | sort -rn | while read -r n; do ${bin} -w -t nat -D ${p} "$n"; done`.text,
  ).join('; ');
}

/** Shell lines removing RIG-DNS and every jump to it (the redirect turned off); nothing when absent. */
export function removeDnsRedirect(bin: string): string[] {
  return [
    ...RIG_DNS_PARENTS.map((p) => sh`while ${bin} -w -t nat -D ${p} -j ${RIG_DNS} 2>/dev/null; do :; done`.text),
    sh`if ${bin} -w -t nat -S ${RIG_DNS} >/dev/null 2>&1; then ${bin} -w -t nat -F ${RIG_DNS} && ${bin} -w -t nat -X ${RIG_DNS}; fi`.text,
  ];
}
