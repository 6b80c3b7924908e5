/** Field schemas the cluster roles' variables share (zod, through rig's public API). */
import { nonEmpty, z } from '../../src/index.ts';
import { parseCidr } from './cidr.ts';

/** An IPv4 network like 10.20.0.0/16. */
export const ipv4Cidr = z.string({ error: 'expected an IPv4 network like 10.20.0.0/16' }).refine((s) => parseCidr(s)?.family === 'ipv4', {
  error: (iss) =>
    parseCidr(iss.input)?.family === 'ipv6'
      ? `${JSON.stringify(iss.input)} is an IPv6 network: this variable takes an IPv4 network like 10.20.0.0/16`
      : `${JSON.stringify(iss.input)} is not an IPv4 network like 10.20.0.0/16`,
});

/** An IPv4 or IPv6 network like 10.20.0.0/16 or fd00:20::/64 (host bits zero). */
export const ipCidr = z.string({ error: 'expected a network like 10.20.0.0/16 or fd00:20::/64' }).refine((s) => parseCidr(s) !== undefined, {
  error: (iss) => `${JSON.stringify(iss.input)} is not a network like 10.20.0.0/16 or fd00:20::/64 (host bits zero)`,
});

/** An IPv4 or IPv6 address. */
export const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' });

/** A list of non-empty strings. */
export const stringList = z.array(nonEmpty, { error: (iss) => `expected a list of strings, got ${JSON.stringify(iss.input)}` });
