/** The connection interface the runner uses; src/connection implements it over SSH. */
import type { ExecOutput } from './fact.ts';

/** Options for one remote exec. */
export interface ExecOptions {
  /** Bytes for the command's stdin (file content travels this way). */
  readonly stdin?: string | Uint8Array;
  /** Run through sudo. @default false */
  readonly become?: boolean;
  /** @default 'root' */
  readonly becomeUser?: string;
  /** Abort the exec after this long. */
  readonly timeoutMs?: number;
  /** The script holds data other users of the host must not see (file content): it travels on stdin, never on a
   *  command line (`ps` and /proc/PID/cmdline show those to every user, sudo may log them). @default false */
  readonly privateScript?: boolean;
  /** The script belongs to a noLog task: -vvv's exec trace shows that it ran, never what it holds. @default false */
  readonly noLog?: boolean;
}

/** One host's connection. `exec` runs a POSIX sh script; it rejects only with UnreachableError. */
export interface Connection {
  readonly host: string;
  exec(script: string, opts?: ExecOptions): Promise<ExecOutput>;
  /** Drop and re-establish the connection (after a reboot), retrying with backoff until `timeoutMs`. */
  reconnect(opts: { readonly timeoutMs: number }): Promise<void>;
  close(): Promise<void>;
  /** Execs issued so far. */
  readonly execCount: number;
}

/** Connection-level failure: host down, auth refused, host key refused. The runner marks the host unreachable. */
export class UnreachableError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}
