/** The host key decision for one connection: which known_hosts files, refuse unknown/changed/revoked keys, accept-new appends. */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  checkHostKey,
  fingerprint,
  hostLookupName,
  keyTypeOf,
  knownHostsLine,
  knownKeyTypes,
  parseKnownHosts,
  type HostKeyVerdict,
  type KnownHostEntry,
} from './known-hosts.ts';
import { makeKnownHostsDir } from './known-hosts-file.ts';

/** A host key check for one target; `verify` is handed to the transport, `refusal` explains a refusal afterwards. */
export interface HostKeyPolicy {
  verify(key: Buffer): boolean;
  /** Key types known for the target (asked for first). */
  readonly preferredTypes: readonly string[];
  /** Why the last key was refused, phrased for the user. */
  refusal(): string | undefined;
}

/**
 * The known_hosts files of a connection, the one accept-new writes first: the inventory's `rig_known_hosts_file` when
 * set, then the explicit files, else ~/.ssh/known_hosts (or ssh config's UserKnownHostsFile), then the system-wide file.
 */
export function knownHostsFilesFor(o: { explicit?: readonly string[]; fromSshConfig: readonly string[]; inventoryFile?: string }): string[] {
  const user = o.explicit ?? (o.fromSshConfig.length ? o.fromSshConfig : [join(homedir(), '.ssh', 'known_hosts')]);
  const system = o.explicit ? [] : ['/etc/ssh/ssh_known_hosts'];
  return [...new Set([...(o.inventoryFile ? [o.inventoryFile] : []), ...user, ...system])];
}

/** OpenSSH's name of a key type in its messages: ssh-ed25519 → ED25519, ecdsa-sha2-nistp256 → ECDSA. */
export function keyTypeLabel(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type === 'ssh-rsa') return 'RSA';
  if (type.startsWith('ecdsa-')) return 'ECDSA';
  if (type.startsWith('sk-ssh-ed25519')) return 'ED25519-SK';
  if (type.startsWith('sk-ecdsa')) return 'ECDSA-SK';
  if (type === 'ssh-dss') return 'DSA';
  return type;
}

/** The command that adds a host's keys to `file`, creating its directory first when it is missing. */
function keyscan(address: string, port: number, file = '~/.ssh/known_hosts'): string {
  const dir = dirname(file);
  const add = `ssh-keyscan -p ${port} ${address} >> ${file}`;
  return file.startsWith('~') || existsSync(dir) ? add : `mkdir -p -m 700 ${dir} && ${add}`;
}

function load(files: readonly string[]): KnownHostEntry[] {
  return files.flatMap((f) => (existsSync(f) ? parseKnownHosts(readFileSync(f, 'utf8'), f) : []));
}

/**
 * Build the policy for `address:port` (also accepting entries under `alias`); accept-new appends to files[0], creating
 * its directory (0700) if needed, and tells `notice` as OpenSSH tells stderr ("Warning: Permanently added …").
 */
export function hostKeyPolicy(o: {
  address: string;
  alias: string;
  port: number;
  files: readonly string[];
  acceptNew: boolean;
  /** @default a line on stderr */
  notice?: (line: string) => void;
}): HostKeyPolicy {
  const names = [...new Set([hostLookupName(o.address, o.port), hostLookupName(o.alias, o.port)])];
  const shown = names[0] as string;
  const entries = load(o.files);
  let refusal: string | undefined;
  return {
    preferredTypes: knownKeyTypes(entries, names),
    refusal: () => refusal,
    verify(key) {
      // re-read: another connection may have accepted this very host meanwhile
      const verdict: HostKeyVerdict = checkHostKey(load(o.files), names, keyTypeOf(key), key.toString('base64'));
      const type = keyTypeOf(key);
      const fp = fingerprint(key.toString('base64'));
      if (verdict.status === 'known') return true;
      if (verdict.status === 'revoked') {
        refusal = `host key ${type} ${fp} of ${shown} is marked @revoked in ${verdict.entry.file}:${verdict.entry.line}; refusing to connect`;
        return false;
      }
      if (verdict.status === 'changed') {
        const e = verdict.expected;
        refusal = [
          `@@@ REMOTE HOST IDENTIFICATION HAS CHANGED for ${shown} @@@`,
          `it presented ${type} ${fp}, but ${e.file}:${e.line} expects ${fingerprint(e.key)}.`,
          'Someone could be intercepting the connection (man-in-the-middle), or the host was reinstalled.',
          `If the change is expected, remove the old key: ssh-keygen -R ${JSON.stringify(shown)} -f ${JSON.stringify(e.file)} — rig never replaces a changed key.`,
        ].join('\n');
        return false;
      }
      if (o.acceptNew) {
        const file = o.files[0];
        if (file) {
          const notice = o.notice ?? ((line: string) => process.stderr.write(`${line}\n`));
          // checked before connecting (knownHostsFileProblem); a failure here is a race: refuse, saying why
          try {
            const created = makeKnownHostsDir(dirname(file));
            if (created) notice(`Created directory '${created}' (mode 0700).`);
            appendFileSync(file, knownHostsLine(o.address, o.port, type, key.toString('base64')), { mode: 0o600 });
          } catch (e) {
            refusal = `cannot add the host key of ${shown} (${type} ${fp}) to ${file}: ${(e as Error).message}`;
            return false;
          }
          notice(`Warning: Permanently added '${shown}' (${keyTypeLabel(type)}) to the list of known hosts (${file}).`);
        }
        return true;
      }
      const also = verdict.otherTypes.length ? ` (known only with ${verdict.otherTypes.join(', ')})` : '';
      refusal = [
        `host key of ${shown} is not known${also}: ${type} ${fp}.`,
        `Verify the fingerprint, then add it (${keyscan(o.address, o.port, o.files[0])}) or run with --accept-new-host-keys.`,
        `Looked in: ${o.files.join(', ')}`,
      ].join('\n');
      return false;
    },
  };
}
