/** known_hosts files as OpenSSH reads them: plain and hashed names, [host]:port, markers, and the verdict for a key. */
import { createHash, createHmac } from 'node:crypto';
import { matchPatternList } from '../core/index.ts';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  readonly marker?: 'revoked' | 'cert-authority';
  /** Comma-separated patterns (may include `*`, `?`, `!neg`, `[host]:port`), or a hashed name. */
  readonly hosts: { readonly kind: 'patterns'; readonly patterns: readonly string[] } | { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer };
  /** Key type as written, e.g. ssh-ed25519. */
  readonly keyType: string;
  /** Base64 key blob. */
  readonly key: string;
}

/** Parse known_hosts text; malformed lines are skipped (OpenSSH does the same). */
export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    } else if (fields[0]?.startsWith('@')) return;
    const [names, keyType, key] = fields;
    if (!names || !keyType || !key) return;
    let hosts: KnownHostEntry['hosts'];
    if (names.startsWith('|1|')) {
      const [, , salt, hash] = names.split('|');
      if (!salt || !hash) return;
      hosts = { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else {
      hosts = { kind: 'patterns', patterns: names.split(',') };
    }
    out.push({ file, line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
  });
  return out;
}

/** The name OpenSSH looks up for a host: `addr` on port 22, `[addr]:port` otherwise. */
export function hostLookupName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** A hashed known_hosts name (`|1|salt|hash`), as `ssh-keygen -H` writes it. */
export function hashHostName(name: string, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash}`;
}

/** Whether an entry names `name` (negated patterns veto, as in OpenSSH's match_hostname). */
export function entryMatches(e: KnownHostEntry, name: string): boolean {
  if (e.hosts.kind === 'hashed') {
    const h = createHmac('sha1', e.hosts.salt).update(name).digest();
    return h.length === e.hosts.hash.length && h.equals(e.hosts.hash);
  }
  return matchPatternList(e.hosts.patterns, name);
}

/** SHA256 fingerprint of a base64 key blob, as `ssh-keygen -l` prints it. */
export function fingerprint(keyBase64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** The key type inside an SSH wire-format public key (first length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** What the known_hosts files say about the key a host presented. */
export type HostKeyVerdict =
  | { readonly status: 'known'; readonly entry: KnownHostEntry }
  | { readonly status: 'unknown'; readonly otherTypes: readonly string[] }
  | { readonly status: 'changed'; readonly expected: KnownHostEntry }
  | { readonly status: 'revoked'; readonly entry: KnownHostEntry };

/** Judge `keyBase64` (type `keyType`) for a host looked up under `names` (e.g. `[addr]:port`, alias). */
export function checkHostKey(entries: readonly KnownHostEntry[], names: readonly string[], keyType: string, keyBase64: string): HostKeyVerdict {
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key === keyBase64);
  if (revoked) return { status: 'revoked', entry: revoked };
  // @cert-authority lines vouch for host certificates, which ssh2 does not present: recognised, never a plain match
  const forHost = entries.filter((e) => e.marker === undefined && names.some((n) => entryMatches(e, n)));
  const same = forHost.find((e) => e.keyType === keyType && e.key === keyBase64);
  if (same) return { status: 'known', entry: same };
  const sameType = forHost.find((e) => e.keyType === keyType);
  if (sameType) return { status: 'changed', expected: sameType };
  return { status: 'unknown', otherTypes: [...new Set(forHost.map((e) => e.keyType))] };
}

/** Key types known for a host, so the client can ask the server for one of those first (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], names: readonly string[]): string[] {
  return [...new Set(entries.filter((e) => e.marker === undefined && names.some((n) => entryMatches(e, n))).map((e) => e.keyType))];
}

/** The known_hosts line accept-new appends. */
export function knownHostsLine(address: string, port: number, keyType: string, keyBase64: string): string {
  return `${hostLookupName(address, port)} ${keyType} ${keyBase64}\n`;
}
