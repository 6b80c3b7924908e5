/** The SSH Connection: resolve settings, open (through ProxyJump hops), exec with a channel limiter, reconnect. */
import type { Duplex } from 'node:stream';
import type { Connection, ExecOptions, ExecOutput, Host } from '../core/index.ts';
import { UnreachableError, redact, secret } from '../core/index.ts';
import { authPlan } from './auth.ts';
import { hostKeyPolicy, knownHostsFilesFor } from './host-key-policy.ts';
import { buildCommand, nulRefusal, sudoProblem, type RemoteCommand } from './remote-command.ts';
import { createLimiter, type Limiter } from './concurrency.ts';
import { openSsh, SshError, type SshChannel, type SshTransport } from './ssh.ts';
import { overridesFromHost, parseJumpSpec, resolveTarget, type ResolvedTarget, type TargetOverrides } from './ssh-config.ts';

/** How to connect to one inventory host. */
export interface ConnectOptions {
  readonly host: Host;
  /** Accept a key never seen before, like StrictHostKeyChecking=accept-new: appended to the first known_hosts file
   *  (rig_known_hosts_file when set) and announced as OpenSSH does. @default false */
  readonly acceptNewHostKeys?: boolean;
  /** @default [~/.ssh/known_hosts] (+ /etc/ssh/ssh_known_hosts); host.ssh.knownHostsFile (rig_known_hosts_file) is always
   *  read, and read first */
  readonly knownHostsFiles?: readonly string[];
  /** Where "Permanently added … to the list of known hosts" goes. @default a line on stderr, as OpenSSH */
  readonly onHostKeyAdded?: (line: string) => void;
  /** sudo password (-K / RIG_BECOME_PASSWORD); registered as a secret, never printed. */
  readonly becomePassword?: string;
  /** @default ~/.ssh/config when it exists */
  readonly sshConfigPath?: string;
  /** @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Concurrent channels per connection. @default 8 (sshd's MaxSessions is 10) */
  readonly maxChannels?: number;
}

const KEEPALIVE_MS = 15_000;
/**
 * Handshakes in flight at once, over all hosts. With -f 1000 every host would start its key exchange at the same
 * moment; the controller's share of each (and a shared sshd's) then stretches past the timeout. Queued opens wait
 * here, and their timeout starts only when their handshake does.
 */
const MAX_HANDSHAKES = 64;
const handshakes = createLimiter(MAX_HANDSHAKES);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function describe(t: { user: string; hostname: string; port: number }): string {
  return `${t.user}@${t.hostname}:${t.port}`;
}

/** Open one hop (or the final target) and turn failures into a message that says what to do. */
async function openHop(o: {
  name: string;
  target: ResolvedTarget;
  sock?: Duplex;
  password?: string;
  files: readonly string[];
  acceptNew: boolean;
  notice?: (line: string) => void;
  timeoutMs: number;
}): Promise<SshTransport> {
  const t = o.target;
  const policy = hostKeyPolicy({ address: t.hostname, alias: t.alias, port: t.port, files: o.files, acceptNew: o.acceptNew, ...(o.notice ? { notice: o.notice } : {}) });
  const auth = authPlan({ identityFiles: t.identityFiles, ...(o.password !== undefined ? { password: o.password } : {}) });
  try {
    return await handshakes(() => openSsh({
      host: t.hostname,
      port: t.port,
      username: t.user,
      auth: auth.steps,
      verifyHostKey: (k) => policy.verify(k),
      hostKeyAlgorithms: policy.preferredTypes.flatMap((k) => (k === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [k])),
      ...(o.sock ? { sock: o.sock } : {}),
      readyTimeoutMs: o.timeoutMs,
      keepaliveIntervalMs: KEEPALIVE_MS,
    }));
  } catch (e) {
    const err = e instanceof SshError ? e : new SshError(String(e), 'protocol');
    const where = describe(t);
    const skipped = auth.skipped.length ? `; skipped ${auth.skipped.join(', ')}` : '';
    const msg = {
      hostkey: () => policy.refusal() ?? `host key of ${where} refused`,
      refused: () => `${where}: connection refused — is sshd running, and is the port right (ansible_port / ~/.ssh/config Port)?`,
      timeout: () => `${where}: no SSH handshake within ${o.timeoutMs} ms — is the address right, is the host up, does a firewall drop port ${t.port}?`,
      auth: () =>
        `${where}: authentication failed (tried ${auth.tried.join(', ') || 'nothing: no agent, no key, no password'}${skipped}) — check ansible_user / IdentityFile, or load the key into ssh-agent`,
      network: () => `${where}: ${err.message} — check the address and the network path`,
      protocol: () => `${where}: SSH error: ${err.message}`,
      channel: () => `${where}: ${err.message}`,
      closed: () => `${where}: ${err.message}`,
      dropped: () =>
        `${where}: ${err.message} — sshd turns this address away for now (OpenSSH ≥ 9.8 PerSourcePenalties, after failed or unauthenticated connections from it; or MaxStartups, with many logins at once), or the port is not sshd's: retry in a few minutes, or exempt the controller on the host (PerSourcePenaltyExemptList in sshd_config)`,
    }[err.kind]();
    throw new UnreachableError(o.name, msg);
  }
}

/** A Connection over SSH; see ConnectOptions. */
class SshConnection implements Connection {
  execCount = 0;
  private transport: SshTransport | undefined;
  private hops: SshTransport[] = [];
  private closedByUser = false;
  private readonly limiter: Limiter;
  private readonly inFlight = new Set<(e: UnreachableError) => void>();
  private lastDrop: string | undefined;

  constructor(private readonly opts: ConnectOptions) {
    this.limiter = createLimiter(opts.maxChannels ?? 8);
  }

  get host(): string {
    return this.opts.host.name;
  }

  /** Connect through every ProxyJump hop to the target. */
  async open(timeoutMs = this.opts.connectTimeoutMs ?? 10_000): Promise<void> {
    const h = this.opts.host;
    const target = resolveTarget(overridesFromHost(h), this.opts.sshConfigPath);
    const files = knownHostsFilesFor({
      ...(this.opts.knownHostsFiles ? { explicit: this.opts.knownHostsFiles } : {}),
      fromSshConfig: target.userKnownHostsFiles,
      ...(h.ssh.knownHostsFile ? { inventoryFile: h.ssh.knownHostsFile } : {}),
    });
    const common = { name: h.name, files, acceptNew: this.opts.acceptNewHostKeys ?? false, ...(this.opts.onHostKeyAdded ? { notice: this.opts.onHostKeyAdded } : {}), timeoutMs };
    const hops: SshTransport[] = [];
    try {
      let sock: Duplex | undefined;
      for (const spec of target.proxyJump) {
        const j = parseJumpSpec(spec);
        const jt = resolveTarget({ address: j.address, ...(j.port ? { port: j.port } : {}), ...(j.user ? { user: j.user } : {}) } as TargetOverrides, this.opts.sshConfigPath);
        const hop = await openHop({ ...common, target: { ...jt, proxyJump: [] }, ...(sock ? { sock } : {}) }).catch((e: UnreachableError) => {
          throw new UnreachableError(h.name, `via jump host ${spec}: ${e.message}`);
        });
        hops.push(hop);
        const next = hops.length < target.proxyJump.length ? parseJumpSpec(target.proxyJump[hops.length] as string) : { address: target.hostname, port: target.port };
        // the jump host's own TCP connect can hang for minutes: bound it like a direct connect
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, rej) => {
          timer = setTimeout(() => rej(new Error(`no answer from ${next.address}:${next.port ?? 22} within ${timeoutMs} ms`)), timeoutMs);
        });
        sock = await Promise.race([hop.forwardOut(next.address, next.port ?? 22), late])
          .catch((e: Error) => {
            throw new UnreachableError(h.name, `via jump host ${spec}: ${e.message}`);
          })
          .finally(() => clearTimeout(timer));
      }
      const transport = await openHop({ ...common, target, ...(h.ssh.password !== undefined ? { password: h.ssh.password } : {}), ...(sock ? { sock } : {}) });
      this.hops = hops;
      this.transport = transport;
      transport.onClose((reason) => this.dropped(transport, reason));
    } catch (e) {
      for (const hop of hops) hop.close();
      throw e;
    }
  }

  private dropped(t: SshTransport, reason?: string): void {
    if (this.transport !== t) return;
    this.transport = undefined;
    for (const hop of this.hops) hop.close();
    this.hops = [];
    this.lastDrop = reason ?? 'connection closed';
    const err = new UnreachableError(this.host, `${this.host}: connection lost (${this.lastDrop}) — the host went away or sshd was restarted`);
    for (const reject of this.inFlight) reject(err);
    this.inFlight.clear();
  }

  /** Open a channel, retrying with backoff while sshd refuses new sessions. */
  private async channel(command: string): Promise<SshChannel> {
    for (let attempt = 0; ; attempt++) {
      if (!this.transport) {
        // dropped earlier: one quick attempt to come back before giving up on this exec
        if (this.closedByUser) throw new UnreachableError(this.host, `${this.host}: connection was closed`);
        await this.open();
      }
      const t = this.transport as SshTransport;
      try {
        return await t.exec(command);
      } catch (e) {
        const err = e as SshError;
        if (err.kind === 'channel' && attempt < 10) {
          await sleep(Math.min(25 * 2 ** attempt, 2000));
          continue;
        }
        throw new UnreachableError(this.host, `${this.host}: cannot open a session channel: ${err.message}`);
      }
    }
  }

  async exec(script: string, opts: ExecOptions = {}): Promise<ExecOutput> {
    this.execCount += 1;
    if (this.closedByUser) throw new UnreachableError(this.host, `${this.host}: connection was closed`);
    const refused = nulRefusal(script);
    if (refused) return refused;
    const password = opts.become ? this.opts.becomePassword : undefined;
    const cmd = buildCommand(script, { ...opts, ...(password !== undefined ? { password } : {}) });
    return this.limiter(async () => this.run(await this.channel(cmd.command), cmd, opts, password));
  }

  private run(ch: SshChannel, cmd: RemoteCommand, opts: ExecOptions, password: string | undefined): Promise<ExecOutput> {
    return new Promise<ExecOutput>((resolve, reject) => {
      const out: Buffer[] = [];
      let err = Buffer.alloc(0);
      const stdin = opts.stdin === undefined ? undefined : typeof opts.stdin === 'string' ? Buffer.from(opts.stdin, 'utf8') : Buffer.from(opts.stdin);
      let stdinSent = false;
      let passwordSent = false;
      let timedOut = false;
      const sendStdin = (): void => {
        if (stdinSent) return;
        stdinSent = true;
        ch.stdin.on('error', () => undefined);
        // a large script goes first (after sudo's handshake, like any stdin), then the exec's own bytes
        const own = stdin ?? Buffer.alloc(0);
        ch.stdin.end(cmd.stdinPrefix ? Buffer.concat([cmd.stdinPrefix, own]) : own);
      };
      const onLost = (e: UnreachableError): void => {
        clearTimeout(timer);
        settled = true;
        reject(e);
      };
      this.inFlight.add(onLost);
      const timer =
        opts.timeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true;
              // sshd signals only the top shell; its children may hold the channel open, so do not wait for them
              ch.kill();
              finish(null, undefined);
            }, opts.timeoutMs)
          : undefined;
      ch.stdout.on('data', (b: Buffer) => out.push(b));
      ch.stderr.on('data', (b: Buffer) => {
        err = Buffer.concat([err, b]);
        if (!cmd.startMarker || stdinSent) return;
        // sudo handshake: answer the prompt once, hand stdin to the script once it runs
        const text = err.toString('latin1');
        if (text.includes(cmd.startMarker)) sendStdin();
        else if (cmd.promptMarker && text.includes(cmd.promptMarker)) {
          const prompts = text.split(cmd.promptMarker).length - 1;
          if (!passwordSent) {
            passwordSent = true;
            ch.stdin.write(`${password ?? ''}\n`);
          } else if (prompts > 1 && !stdinSent) {
            // asked again: the password was wrong; EOF ends sudo without feeding it the content
            stdinSent = true;
            ch.stdin.end();
          }
        }
      });
      if (!cmd.startMarker) sendStdin();
      let settled = false;
      const finish = (code: number | null, signal: string | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(onLost);
        let stderr = err.toString('utf8');
        for (const m of [cmd.promptMarker, cmd.startMarker]) if (m) stderr = stderr.split(m).join('');
        let rc = code ?? (signal ? 128 + (SIGNALS[signal] ?? 0) : 255);
        if (timedOut) {
          rc = 124;
          stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}rig: timed out after ${opts.timeoutMs} ms (command killed)\n`;
        } else if (signal) stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}rig: killed by SIG${signal}\n`;
        if (opts.become) {
          const problem = sudoProblem(stderr, rc, password !== undefined);
          if (problem) stderr = `${problem}\n${stderr}`;
        }
        const clean = (s: string): string => (password ? s.split(password).join('********') : s);
        resolve({ stdout: clean(Buffer.concat(out).toString('utf8')), stderr: redact(clean(stderr)), code: rc });
      };
      ch.done.then(async ({ code, signal }) => {
        if (code === null && signal === undefined && !timedOut) {
          // no exit status: was the whole connection lost? give its close event a moment to arrive
          await sleep(50);
          if (!this.inFlight.has(onLost)) return;
        }
        finish(code, signal);
      }, reject);
    });
  }

  async reconnect(o: { readonly timeoutMs: number }): Promise<void> {
    this.closedByUser = false;
    this.teardown();
    const deadline = Date.now() + o.timeoutMs;
    let wait = 250;
    let last: UnreachableError | undefined;
    while (Date.now() < deadline) {
      try {
        await this.open(Math.max(1000, Math.min(this.opts.connectTimeoutMs ?? 10_000, deadline - Date.now())));
        return;
      } catch (e) {
        last = e as UnreachableError;
        // a changed or unknown key will not fix itself by waiting
        if (/host key|HOST IDENTIFICATION/.test(last.message)) throw last;
      }
      await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
      wait = Math.min(wait * 2, 5000);
    }
    throw new UnreachableError(this.host, `${this.host}: did not come back within ${o.timeoutMs} ms (last error: ${last?.message ?? 'none'})`);
  }

  async close(): Promise<void> {
    this.closedByUser = true;
    this.teardown();
  }
  /** Close the transport and its jump hops; the transport's late close event is ignored (see dropped()). */
  private teardown(): void {
    const t = this.transport;
    this.transport = undefined;
    t?.close();
    for (const hop of this.hops) hop.close();
    this.hops = [];
  }
}

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, ABRT: 6, KILL: 9, SEGV: 11, PIPE: 13, ALRM: 14, TERM: 15 };

/** Connect to a host (host key verified, ssh config applied); rejects with UnreachableError saying what to do. */
export async function connect(opts: ConnectOptions): Promise<Connection> {
  if (opts.becomePassword) secret(opts.becomePassword);
  if (opts.host.ssh.password) secret(opts.host.ssh.password);
  const c = new SshConnection(opts);
  await c.open();
  return c;
}
