/** IP networks (IPv4 and IPv6, with ipaddr.js) and "which of my addresses is inside the cluster network" (the seeds'
 *  eth0/eth1 trap). The one file that imports ipaddr.js. */
import ipaddr from 'ipaddr.js';
import { ValidationError, type HostFacts } from '../../src/index.ts';

/** An address family. */
export type IpFamily = 'ipv4' | 'ipv6';

/** A parsed network. */
export interface Cidr {
  readonly family: IpFamily;
  readonly prefix: number;
  /** The text as given, e.g. '10.77.0.0/24' or 'fd00:77::/64'. */
  readonly text: string;
}

type Addr = ipaddr.IPv4 | ipaddr.IPv6;
const parsed = new WeakMap<Cidr, Addr>();

/** An address in its usual form only: IPv4 as a dotted quad (not ipaddr's 10.1 or 0x0a… forms), IPv6 without a zone. */
function parseAddress(text: string): Addr | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

/** Parse 'a.b.c.d/n' or an IPv6 'x::/n'; undefined when malformed or when host bits are set (10.77.0.5/24 is a typo,
 *  not a network). */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  const m = /^([^/]+)\/(\d{1,3})$/.exec(t);
  const addr = m ? parseAddress(m[1]!) : undefined;
  if (!m || !addr) return undefined;
  const family: IpFamily = addr.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
  const prefix = Number(m[2]);
  if (prefix > (family === 'ipv4' ? 32 : 128)) return undefined;
  // host bits zero: the address is its own network
  if (!sameAddr(networkOf(addr, prefix), addr)) return undefined;
  const cidr: Cidr = { family, prefix, text: t };
  parsed.set(cidr, addr);
  return cidr;
}

function networkOf(addr: Addr, prefix: number): Addr {
  return addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${prefix}`);
}

const sameAddr = (a: Addr, b: Addr): boolean => a.kind() === b.kind() && a.toNormalizedString() === b.toNormalizedString();

/** Whether address `ip` lies inside `cidr` (an address of the other family never does). */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const a = parseAddress(ip);
  const net = parsed.get(cidr) ?? parseAddress(cidr.text.split('/')[0]!);
  return a !== undefined && net !== undefined && a.kind() === net.kind() && a.match(net, cidr.prefix);
}

/** A source as an address or a network: an address alone is its own /32 (/128). */
const sourceNetwork = (s: string): Cidr | undefined => {
  const t = s.trim();
  if (t.includes('/')) return parseCidr(t);
  const a = parseAddress(t);
  return a && parseCidr(`${t}/${a.kind() === 'ipv4' ? 32 : 128}`);
};

/** Whether source `outer` (an address or network) holds every address of source `inner`, in either family;
 *  undefined when either is not an address or network. */
export function cidrHolds(outer: string, inner: string): boolean | undefined {
  const o = sourceNetwork(outer);
  const i = sourceNetwork(inner);
  if (!o || !i) return undefined;
  return o.family === i.family && o.prefix <= i.prefix && cidrContains(o, i.text.split('/')[0]!);
}

/** The interface and address of a host inside a network. */
export interface CidrAddress {
  readonly interface: string;
  readonly address: string;
}

const factFamily = (f: IpFamily): 'inet' | 'inet6' => (f === 'ipv4' ? 'inet' : 'inet6');

/** Every up interface's address (of the network's family) inside `cidr`, in interface order. */
export function addressesIn(interfaces: HostFacts['interfaces'], cidr: Cidr): CidrAddress[] {
  const out: CidrAddress[] = [];
  for (const i of interfaces) {
    if (!i.up) continue;
    for (const a of i.addresses) if (a.family === factFamily(cidr.family) && cidrContains(cidr, a.address)) out.push({ interface: i.name, address: a.address });
  }
  return out;
}

/**
 * The one address of host `host` inside the network held by variable `variable`; a ValidationError naming host and
 * variable when the CIDR is malformed or the host has no (up) address in it. Thrown from task args, the runner's
 * preflight collects it before anything is changed.
 */
export function pickCidrAddress(host: string, interfaces: HostFacts['interfaces'], cidrText: unknown, variable = 'cluster_cidr'): CidrAddress {
  const cidr = parseCidr(cidrText);
  if (!cidr) {
    throw new ValidationError({
      where: host,
      message: `variable '${variable}' = ${JSON.stringify(cidrText)} is not a network like 10.77.0.0/24 or fd00:77::/64`,
      hint: `set ${variable} in group_vars/all.yml to the private network the nodes share (host bits zero)`,
    });
  }
  const found = addressesIn(interfaces, cidr);
  if (found.length === 0) {
    const family = factFamily(cidr.family);
    const have = interfaces.flatMap((i) => i.addresses.filter((a) => a.family === family).map((a) => `${i.name} ${a.address}`));
    throw new ValidationError({
      where: host,
      message: `host ${host} has no address inside ${variable} ${cidr.text} (it has: ${have.join(', ') || `no ${cidr.family === 'ipv4' ? 'IPv4' : 'IPv6'} address`})`,
      hint: `bring up the private interface on ${host} or fix ${variable}`,
    });
  }
  return found[0]!;
}
