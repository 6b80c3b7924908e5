/**
 * Whether a firewalld zone already admits the traffic of one rule rig wants: a port or protocol of the zone, a service
 * of the zone (its ports), or an accepting rich rule from the same or a wider source (`rule family="ipv4" source
 * address="10.0.0.0/8" accept` admits everything from that network), alone or together. Such traffic needs no rule of
 * rig's, and the admin's own entries stay as they are. Source: firewalld.zone(5), firewalld.richlanguage(5).
 */
import type { FirewalldPort, RichRule, ZoneInfo } from './firewall-firewalld-facts.ts';
import { sourceHolds } from './ufw-coverage.ts';

/** One element rig wants in the zone: a port range of tcp/udp, or a protocol (esp), from any or from one IPv4 network. */
export interface FirewalldWant {
  readonly proto: 'tcp' | 'udp' | 'esp';
  /** Inclusive range; undefined for esp. */
  readonly ports?: readonly [number, number];
  /** 'any' or an IPv4 address/CIDR. */
  readonly from: string;
}

/** Service definitions by name (ports and protocols). */
export type ServiceDefs = Readonly<Record<string, { readonly ports: readonly FirewalldPort[]; readonly protocols: readonly string[] }>>;

/** `22` / `8301-8302` → [from, to]; undefined when not a port. */
export function portRange(p: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(p);
  return m ? [Number(m[1]), Number(m[2] ?? m[1])] : undefined;
}

/** What one admitting entry opens: every port of the protocol (undefined ports) or a range. */
interface Opening {
  readonly proto: string;
  readonly ports?: readonly [number, number];
}

const ofPorts = (ports: readonly FirewalldPort[]): Opening[] => ports.flatMap((p) => (portRange(p.port) ? [{ proto: p.protocol, ports: portRange(p.port)! }] : []));
const ofProtocols = (protocols: readonly string[]): Opening[] => protocols.map((proto) => ({ proto }));

/** What a rich rule opens for traffic from `from`; [] if it does not accept, or matches other sources or only some destinations. */
function richOpenings(r: RichRule, from: string, services: ServiceDefs): Opening[] | 'all' {
  if (r.action !== 'accept' || r.destination) return [];
  if (r.family !== undefined && r.family !== 'ipv4') return [];
  if (r.source && (r.source.invert || r.source.other || !sourceHolds(r.source.address!, from))) return [];
  const e = r.element;
  if (e === undefined) return 'all';
  if (e.kind === 'port') return ofPorts([{ port: e.port, protocol: e.protocol }]);
  if (e.kind === 'protocol') return ofProtocols([e.value]);
  if (e.kind === 'service') return [...ofPorts(services[e.name]?.ports ?? []), ...ofProtocols(services[e.name]?.protocols ?? [])];
  return [];
}

/** Whether `zone` admits all of `want` (one layer: runtime or permanent). */
export function zoneAdmits(zone: ZoneInfo, services: ServiceDefs, want: FirewalldWant): boolean {
  const open: Opening[] = [
    ...ofPorts(zone.ports),
    ...ofProtocols(zone.protocols),
    ...zone.services.flatMap((s) => [...ofPorts(services[s]?.ports ?? []), ...ofProtocols(services[s]?.protocols ?? [])]),
  ];
  for (const r of zone.richRules) {
    const o = richOpenings(r, want.from, services);
    if (o === 'all') return true;
    open.push(...o);
  }
  const same = open.filter((o) => o.proto === want.proto);
  if (same.some((o) => o.ports === undefined)) return true;
  if (want.ports === undefined) return false;
  const [a, b] = want.ports;
  for (let p = a; p <= b; p++) if (!same.some((o) => o.ports !== undefined && o.ports[0] <= p && p <= o.ports[1])) return false;
  return true;
}
