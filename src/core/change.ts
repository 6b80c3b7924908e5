/** Changes a module's plan asks the runner to apply. Modules never touch the connection. */

/** Run a shell command (built with `sh`); non-zero exit fails the task. */
export interface ExecChange {
  readonly kind: 'exec';
  readonly command: string;
  /** Human summary for -v and check mode, e.g. "apt-get install nginx". */
  readonly description: string;
  /** Content passed on stdin. */
  readonly stdin?: string | Uint8Array;
}

/** Write a file atomically: temp file in the target dir, validate, fsync, rename. */
export interface WriteChange {
  readonly kind: 'write';
  readonly path: string;
  readonly content: string | Uint8Array;
  /** Octal mode string like '0644'. Unset keeps the existing file's mode (or umask for new files). */
  readonly mode?: string;
  readonly owner?: string;
  readonly group?: string;
  /** Command run on the temp file before it replaces `path`; `%s` is the temp path. Non-zero aborts the write. */
  readonly validate?: string;
  /** Keep a timestamped copy of the previous file. @default false */
  readonly backup?: boolean;
  readonly description: string;
}

/** Reboot and wait for a new boot_id (handled by the runner: detached reboot, reconnect with backoff). */
export interface RebootChange {
  readonly kind: 'reboot';
  readonly description: string;
  /** Seconds to wait for the host to come back. @default 600 */
  readonly timeoutSec?: number;
  /** Command to confirm the host is usable after reboot. @default 'true' */
  readonly testCommand?: string;
}

/** Any change a plan may return. */
export type Change = ExecChange | WriteChange | RebootChange;
