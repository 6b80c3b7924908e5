/** Changes a module's plan asks the runner to apply. Modules never touch the connection. */

/** Run a shell command (built with `sh`); non-zero exit fails the task. */
export interface ExecChange {
  readonly kind: 'exec';
  readonly command: string;
  /** Human summary for -v and check mode, e.g. "apt-get install nginx". */
  readonly description: string;
  /** Content passed on stdin. */
  readonly stdin?: string | Uint8Array;
  /**
   * What the command does to paths, so check mode carries it to later reads (runner/predicted). Without it the command
   * is opaque: check mode assumes it touches no path a later task reads (declare `unknown` for paths it may touch).
   */
  readonly effects?: readonly PathEffect[];
  /** The command waits on the host (polls until a state is reached): what for and at most how long, shown while it lasts. */
  readonly waits?: { readonly what: string; readonly limitSec: number };
}

/** A file owner or group as given to chown: a name or a numeric id. */
export type PrincipalSpec = string;

/**
 * The effect of an exec on one path, as check mode models it (GNU coreutils semantics):
 * - `remove`: rm -rf (the path and everything below it);
 * - `mkdir`: mkdir -p (the directory and its missing parents, umask modes);
 * - `touch`: touch (an empty file if missing, through a symlink);
 * - `link`: ln -sfn (a symlink to `target`, replacing a file or link);
 * - `attrs`: chmod/chown (through a symlink unless `noFollow`; `recurse` for -R: links inside are not followed);
 * - `unknown`: the command may create, change or remove the path or anything below it;
 * - `mayCreate`: the command may create paths below `path` that do not exist yet (a package install: its files and
 *   directories are not known before); paths that exist keep their state.
 */
export type PathEffect =
  | { readonly op: 'remove' | 'mkdir' | 'touch' | 'unknown' | 'mayCreate'; readonly path: string }
  | { readonly op: 'link'; readonly path: string; readonly target: string }
  | {
      readonly op: 'attrs';
      readonly path: string;
      readonly mode?: string;
      readonly owner?: PrincipalSpec;
      readonly group?: PrincipalSpec;
      readonly noFollow?: boolean;
      readonly recurse?: boolean;
    };

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
