/** IPv4 CIDR parsing and "which of my addresses is inside the cluster network" (the seeds' eth0/eth1 trap). */
import { ValidationError, type HostFacts } from '../../src/index.ts';

/** A parsed IPv4 network. */
export interface Ipv4Cidr {
  readonly network: number;
  readonly prefix: number;
  /** The text as given, e.g. '10.77.0.0/24'. */
  readonly text: string;
}

/** An IPv4 address as an unsigned 32-bit number, or undefined when it is not a dotted quad. */
export function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

/** Parse 'a.b.c.d/n'; undefined when malformed or when host bits are set (10.77.0.5/24 is a typo, not a network). */
export function parseCidr(text: unknown): Ipv4Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const ip = ipv4ToInt(m[1]!);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((ip & mask) >>> 0 !== ip) return undefined;
  return { network: ip, prefix, text: text.trim() };
}

/** Whether `ip` lies inside `cidr`. */
export function cidrContains(cidr: Ipv4Cidr, ip: string): boolean {
  const n = ipv4ToInt(ip);
  if (n === undefined) return false;
  const mask = cidr.prefix === 0 ? 0 : (0xffffffff << (32 - cidr.prefix)) >>> 0;
  return (n & mask) >>> 0 === cidr.network;
}

/** The interface and IPv4 address of a host inside a network. */
export interface CidrAddress {
  readonly interface: string;
  readonly address: string;
}

/** Every up interface's IPv4 address inside `cidr`, in interface order. */
export function addressesIn(interfaces: HostFacts['interfaces'], cidr: Ipv4Cidr): CidrAddress[] {
  const out: CidrAddress[] = [];
  for (const i of interfaces) {
    if (!i.up) continue;
    for (const a of i.addresses) if (a.family === 'inet' && cidrContains(cidr, a.address)) out.push({ interface: i.name, address: a.address });
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
      message: `variable '${variable}' = ${JSON.stringify(cidrText)} is not an IPv4 network like 10.77.0.0/24`,
      hint: `set ${variable} in group_vars/all.yml to the private network the nodes share (host bits zero)`,
    });
  }
  const found = addressesIn(interfaces, cidr);
  if (found.length === 0) {
    const have = interfaces.flatMap((i) => i.addresses.filter((a) => a.family === 'inet').map((a) => `${i.name} ${a.address}`));
    throw new ValidationError({
      where: host,
      message: `host ${host} has no address inside ${variable} ${cidr.text} (it has: ${have.join(', ') || 'no IPv4 address'})`,
      hint: `bring up the private interface on ${host} or fix ${variable}`,
    });
  }
  return found[0]!;
}
