/**
 * Whether rules ufw already has admit the traffic of a rule rig wants: an `allow` or `limit` rule (limit is allow with
 * rate limiting) for the same direction, on any or the same interface, from any or a network holding the source, with
 * the ports covered by one or several such rules. Such traffic needs no rule of rig's, and adding one could even change
 * an admin's rule: `ufw allow 22/tcp` rewrites an existing `limit 22/tcp` in place, dropping its rate limit.
 * Source: ufw(8) RULE SYNTAX ("limit"), and ufw's frontend, which updates a rule with the same match in place.
 */
import { cidrHolds } from '../../lib/cidr.ts';
import type { UfwRule } from './firewall-ufw-facts.ts';

/** Port ranges of a ufw port list (`22`, `2377,7946,8301:8302`); undefined = every port. */
export function ufwPortRanges(port: string | undefined): [number, number][] | undefined {
  if (port === undefined) return undefined;
  return port.split(',').map((p) => {
    const [a, b] = p.split(':').map(Number);
    return [a!, b ?? a!];
  });
}

/** Whether source `outer` (any, an address or a network) holds every address of source `inner`. */
export function sourceHolds(outer: string, inner: string): boolean {
  if (outer === 'any') return true;
  if (inner === 'any') return false;
  // neither an address nor a network (ufw printed something else): only the same text holds
  return cidrHolds(outer, inner) ?? outer === inner;
}

/** Whether `have` admits part of what `want` asks for (everything but the ports, which may be split over rules). */
function admitsTraffic(have: UfwRule, want: UfwRule): boolean {
  if (have.action !== 'allow' && have.action !== 'limit') return false;
  if (have.direction !== want.direction) return false;
  if (have.iface !== undefined && have.iface !== want.iface) return false;
  if (have.to !== 'any' && have.to !== want.to) return false;
  // proto any with a port means tcp and udp; a rule for all ports and protocols admits esp too
  if (have.proto !== 'any' && have.proto !== want.proto) return false;
  if (have.proto === 'any' && want.port === undefined && have.port !== undefined) return false;
  return sourceHolds(have.from, want.from);
}

/** Whether the rules ufw has admit all the traffic of `want` (alone or together, e.g. 2377 by one rule, 7946 by another). */
export function ufwAdmits(rules: readonly UfwRule[], want: UfwRule): boolean {
  const admitting = rules.filter((r) => admitsTraffic(r, want));
  if (admitting.some((r) => r.port === undefined)) return true;
  const wanted = ufwPortRanges(want.port);
  if (wanted === undefined) return false;
  const have = admitting.flatMap((r) => ufwPortRanges(r.port) ?? []);
  return wanted.every(([a, b]) => {
    for (let p = a; p <= b; p++) if (!have.some(([x, y]) => x <= p && p <= y)) return false;
    return true;
  });
}
