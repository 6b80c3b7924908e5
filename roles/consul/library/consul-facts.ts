/** Consul facts: the gossip key kept in the agent's existing config (reused, never rotated silently). */
import { sh, type Fact } from '../../../src/index.ts';

/** What the existing agent config says about gossip encryption. */
export interface ConsulExistingConfig {
  readonly exists: boolean;
  /** The `encrypt` key (base64), when the config has one. */
  readonly encrypt?: string;
}

const MISSING = '__rig_consul_missing__';

/** The `encrypt` value of an existing JSON agent config (default /etc/consul.d/consul.json). */
export const consulExistingConfig: Fact<ConsulExistingConfig, string> = {
  name: 'consul.existingConfig',
  paths: (path) => [path],
  command: (path) => sh`if test -f ${path}; then cat -- ${path}; else echo ${MISSING}; fi`.text,
  parse(out, path) {
    const text = out.stdout.trim();
    if (text === MISSING) return { exists: false };
    let cfg: unknown;
    try {
      cfg = JSON.parse(text);
    } catch {
      throw new Error(`${path} is not JSON; rig writes this file as JSON (move a hand-written HCL config aside)`);
    }
    const encrypt = (cfg as { encrypt?: unknown }).encrypt;
    return { exists: true, ...(typeof encrypt === 'string' && encrypt ? { encrypt } : {}) };
  },
};

/** A Consul gossip key is 32 random bytes, base64 (what `consul keygen` prints). */
export function isGossipKey(k: unknown): k is string {
  return typeof k === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(k);
}
