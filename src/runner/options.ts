/** Options of one run (what the CLI flags map to). */
import type { Connection, Host, Reporter, TaskInfo, Vars } from '../core/index.ts';

/** How to open a connection for a host (the CLI passes src/connection's `connect`; tests may pass the same). */
export type Connector = (host: Host) => Promise<Connection>;

/** Options for runPlaybook. */
export interface RunOptions {
  /** Predict changes without applying them. @default false */
  readonly check?: boolean;
  /** Compute diffs for reporters. @default false */
  readonly diff?: boolean;
  /** --limit pattern. */
  readonly limit?: string;
  /** Hosts worked on in parallel. @default 50 */
  readonly forks?: number;
  /** -e variables, highest precedence. @default {} */
  readonly extraVars?: Vars;
  /** Run only tasks with one of these tags ('always' tasks too). */
  readonly tags?: readonly string[];
  /** Skip tasks with one of these tags. */
  readonly skipTags?: readonly string[];
  /** Run notified handlers even on hosts that failed. @default false */
  readonly forceHandlers?: boolean;
  readonly reporter: Reporter;
  readonly connect: Connector;
  /** Emit commands and their output to reporter.onLog (the same as verbosity 3). @default false */
  readonly verbose?: boolean;
  /** Ansible's -v count: debug tasks with a higher `verbosity` are skipped; at 3 (-vvv) every exec's script, timing and
   *  output go to reporter.onLog. @default 3 with `verbose`, else 0 */
  readonly verbosity?: number;
  /** --start-at-task: skip every task before the first one whose name (or `role : name`) equals or globs this (start-at.ts). */
  readonly startAtTask?: string;
  /** --step: asked before each task and handler that is about to run on some host; false skips it. @default run all */
  readonly confirmTask?: (task: TaskInfo) => Promise<boolean>;
  /**
   * Apply a task and the tasks after it that plan on the state it leaves in one exec per host (segment.ts); false:
   * one exec per changed task, as before (`--no-segments`, for comparing or narrowing down a problem). Off in check
   * mode (nothing is applied), with --step, any_errors_fatal and max_fail_percentage. @default true
   */
  readonly segments?: boolean;
  /** Seconds to wait before a reconnect attempt after reboot (tests lower it). @default 5 */
  readonly rebootSettleSec?: number;
}
