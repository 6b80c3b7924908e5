/**
 * The only file that imports node-ssh/ssh2: node-ssh performs the handshake (host key check, auth); its ssh2 client then
 * gives the channel-level control rig needs (binary stdin, exit signals, channel-open retries, TCP forwarding for ProxyJump).
 * node-ssh's execCommand/putFile do not fit: execCommand decodes each chunk alone (a UTF-8 character split between two
 * chunks is garbled), trims output, takes stdin up front (rig answers sudo's prompt before the script's stdin) and cannot
 * kill a channel on timeout; putFile is SFTP from a controller file: no become, not atomic, a channel beside the batched
 * exec that carries rig's file writes (connection/write-file.ts).
 */
import { createRequire } from 'node:module';
import type { Duplex, Readable, Writable } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import type { AuthMethod, Client as Ssh2Client, ClientChannel, ConnectConfig, ParsedKey } from 'ssh2';

// Loaded on first use (~70 ms): commands that never connect (--help, --list-tasks, inventory) do not pay for them.
const require = createRequire(import.meta.url);
let libs: { NodeSSH: typeof NodeSSH; parseKey: (data: Buffer) => ParsedKey | ParsedKey[] | Error } | undefined;
const ssh = () =>
  (libs ??= {
    NodeSSH: (require('node-ssh') as { NodeSSH: typeof NodeSSH }).NodeSSH,
    parseKey: (require('ssh2') as typeof import('ssh2')).utils.parseKey,
  });

/** One way to authenticate, tried in order. */
export type AuthStep =
  | { readonly type: 'agent'; readonly socket: string }
  | { readonly type: 'publickey'; readonly key: Buffer; readonly source: string }
  | { readonly type: 'password'; readonly password: string };

/** Everything needed to open a transport. */
export interface SshTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly auth: readonly AuthStep[];
  /** Return false to refuse the server's host key (raw SSH wire-format blob). */
  readonly verifyHostKey: (key: Buffer) => boolean;
  /** Preferred server host key algorithms first (types already in known_hosts). */
  readonly hostKeyAlgorithms?: readonly string[];
  /** An already-open stream to speak SSH over (a forwarded channel of the jump host). */
  readonly sock?: Duplex;
  readonly readyTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
}

/** Why opening or using a transport failed. */
export class SshError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'timeout' | 'auth' | 'hostkey' | 'network' | 'protocol' | 'channel' | 'closed' | 'dropped',
  ) {
    super(message);
    this.name = 'SshError';
  }
}

/** A running remote command. */
export interface SshChannel {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves when the channel closed: exit code, or the signal that killed it (null/undefined if the server sent neither). */
  readonly done: Promise<{ readonly code: number | null; readonly signal?: string }>;
  /** Send a signal (OpenSSH ≥ 7.9 honours it) and close the channel. */
  kill(): void;
}

/** An open SSH transport. */
export interface SshTransport {
  exec(command: string): Promise<SshChannel>;
  forwardOut(host: string, port: number): Promise<Duplex>;
  /** Fires once when the transport is gone, with the reason if it was not a local close. */
  onClose(cb: (reason?: string) => void): void;
  readonly closed: boolean;
  close(): void;
}

/** What a key file holds: a private key usable as is, one locked by a passphrase, a public key, or nothing ssh2 reads. */
export type KeyKind = { readonly kind: 'private' | 'encrypted' | 'public' } | { readonly kind: 'invalid'; readonly reason: string };

/** Classify key file contents (ssh2's parser: OpenSSH, PEM PKCS#1/SEC1, PuTTY; public keys too). */
export function keyKind(data: Buffer): KeyKind {
  const parsed = ssh().parseKey(data);
  if (parsed instanceof Error) return /no passphrase given/i.test(parsed.message) ? { kind: 'encrypted' } : { kind: 'invalid', reason: parsed.message };
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return key?.isPrivateKey() ? { kind: 'private' } : { kind: 'public' };
}

/** Check that a private key parses without a passphrase; the reason if not. */
export function checkPrivateKey(data: Buffer): string | undefined {
  const parsed = ssh().parseKey(data);
  if (parsed instanceof Error) return parsed.message;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  // a .pub file given as the identity: it parses, but cannot sign
  if (!key?.isPrivateKey()) return 'a public key, not a private key';
  return undefined;
}

const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

function classify(err: Error & { level?: string; code?: string }): SshError {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return new SshError('connection refused', 'refused');
  if (err.level === 'client-timeout' || code === 'ETIMEDOUT') return new SshError('timed out', 'timeout');
  if (err.level === 'client-authentication') return new SshError(err.message, 'auth');
  if (['EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE'].includes(code)) {
    return new SshError(`${code}: ${err.message}`, 'network');
  }
  // accepted, then closed before sshd's banner: sshd turning this address away (PerSourcePenalties, MaxStartups)
  if (/Connection lost before handshake/i.test(err.message)) return new SshError('the host closed the connection before the SSH handshake', 'dropped');
  return new SshError(err.message, 'protocol');
}

/** Open a transport: TCP (or `sock`), handshake with host key check, authentication. */
export function openSsh(t: SshTarget): Promise<SshTransport> {
  return new Promise((resolve, reject) => {
    let client!: Ssh2Client;
    let ready = false;
    let closed = false;
    let hostKeyRefused = false;
    let closeReason: string | undefined;
    const closeCbs: ((reason?: string) => void)[] = [];
    const preferred = t.hostKeyAlgorithms ?? [];
    const algos = [...preferred.filter((a) => DEFAULT_HOST_KEY_ALGOS.includes(a)), ...DEFAULT_HOST_KEY_ALGOS.filter((a) => !preferred.includes(a))];
    const authHandler: AuthMethod[] = t.auth.map((a) => {
      if (a.type === 'agent') return { type: 'agent', username: t.username, agent: a.socket } as AuthMethod;
      if (a.type === 'publickey') return { type: 'publickey', username: t.username, key: a.key } as AuthMethod;
      return { type: 'password', username: t.username, password: a.password } as AuthMethod;
    });
    const config: ConnectConfig = {
      host: t.host,
      port: t.port,
      username: t.username,
      readyTimeout: t.readyTimeoutMs,
      keepaliveInterval: t.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: algos as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
      hostVerifier: (key: Buffer): boolean => {
        const ok = t.verifyHostKey(key);
        if (!ok) hostKeyRefused = true;
        return ok;
      },
      authHandler: authHandler.length ? authHandler : [{ type: 'none', username: t.username }],
      ...(t.sock ? { sock: t.sock as unknown as Readable } : {}),
    };
    const onReady = () => {
      ready = true;
      client.setNoDelay(true);
      client.on('error', (err: Error) => {
        closeReason ??= err.message;
      });
      client.on('close', () => {
        if (closed) return;
        closed = true;
        for (const cb of closeCbs) cb(closeReason ?? 'connection closed by the remote host');
      });
      resolve(transport);
    };
    const onFailure = (err: Error & { level?: string; code?: string }) => {
      reject(hostKeyRefused ? new SshError('host key refused', 'hostkey') : classify(err));
      session.dispose();
    };
    const transport: SshTransport = {
      get closed() {
        return closed;
      },
      onClose(cb) {
        if (closed) cb(closeReason);
        else closeCbs.push(cb);
      },
      close() {
        client.end();
      },
      exec(command) {
        return new Promise((res, rej) => {
          if (closed) return rej(new SshError(closeReason ?? 'connection closed', 'closed'));
          client.exec(command, (err: Error | undefined, stream: ClientChannel) => {
            if (err) return rej(new SshError(err.message, /Channel open failure/i.test(err.message) ? 'channel' : 'closed'));
            let code: number | null = null;
            let signal: string | undefined;
            stream.on('exit', (c: number | null, s?: string) => {
              code = c;
              signal = s ?? undefined;
            });
            const done = new Promise<{ code: number | null; signal?: string }>((r) =>
              stream.on('close', () => r(signal === undefined ? { code } : { code, signal })),
            );
            res({
              stdin: stream,
              stdout: stream,
              stderr: stream.stderr,
              done,
              kill() {
                try {
                  stream.signal('KILL');
                } catch {
                  /* channel already gone */
                }
                stream.close();
              },
            });
          });
        });
      },
      forwardOut(host, port) {
        return new Promise((res, rej) => {
          client.forwardOut('127.0.0.1', 0, host, port, (err: Error | undefined, stream: ClientChannel) => {
            if (err) rej(new SshError(`jump host cannot reach ${host}:${port}: ${err.message}`, 'network'));
            else res(stream);
          });
        });
      },
    };
    const session = new (ssh().NodeSSH)();
    session.connect(config as Parameters<NodeSSH['connect']>[0]).then(() => {
      client = session.connection as Ssh2Client;
      onReady();
    }, onFailure);
  });
}
