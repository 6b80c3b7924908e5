/** Gather a host's core facts in one exec. */
import type { HostFacts } from '../core/index.ts';
import { hostFacts } from '../facts/host.ts';
import type { HostRuntime } from './host-runtime.ts';

/** Run the core facts command on `rt`'s connection and parse it. Rejects with UnreachableError. */
export async function gatherFacts(rt: HostRuntime): Promise<HostFacts> {
  if (!rt.conn) throw new Error(`no connection to ${rt.host.name}`);
  const out = await rt.conn.exec(hostFacts.command());
  return hostFacts.parse(out);
}
