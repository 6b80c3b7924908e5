/** Task results, recap and the reporter interface. */
import type { Diff } from './module.ts';

/** Outcome of one task on one host. */
export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

/** Everything known about one task on one host; `output` is the module's typed output. */
export interface TaskResult<O = unknown> {
  readonly status: TaskStatus;
  readonly host: string;
  /** Task display name. */
  readonly task: string;
  /** file:line that declared the task. */
  readonly definedAt: string;
  readonly msg?: string;
  readonly diff?: readonly Diff[];
  /** Descriptions of the changes applied (or predicted in check mode). */
  readonly changes?: readonly string[];
  /** Check mode: this change is a prediction. */
  readonly predicted?: boolean;
  /** Failed but ignoreErrors was set. */
  readonly ignored?: boolean;
  /** A failed result whose task had changed the host first (failedWhen judged a change, `until` ran out after one):
   *  Ansible's `changed: true` on a failure. */
  readonly changed?: boolean;
  readonly durationMs: number;
  /** SSH execs this task used on this host. */
  readonly execs: number;
  /** Commands run (shown with -v). */
  readonly commands?: readonly string[];
  /** A command's standard output without its trailing newlines (Ansible's command module strips them). */
  readonly stdout?: string;
  readonly stderr?: string;
  /** `stdout` split into lines, as Ansible registers it. */
  readonly stdout_lines?: readonly string[];
  /** `stderr` split into lines, as Ansible registers it. */
  readonly stderr_lines?: readonly string[];
  readonly rc?: number;
  readonly output?: O;
  /** The host the task ran on when it was delegated (`delegateTo`): Ansible's `ok: [web1 -> db1]`. */
  readonly delegatedTo?: string;
  /** A loop item's value (item results only), as Ansible's `results[i].item`. */
  readonly item?: unknown;
  /** How a loop item is shown, `(item=overlay)`: the `label` option's value, else the item itself (item results only). */
  readonly label?: string;
  /** What the reporters print after the status line at any verbosity (`ok: [h] => {"msg": …}`), from Plan.show. */
  readonly show?: Readonly<Record<string, unknown>>;
  /** Per-item results of a loop. */
  readonly items?: readonly TaskResult<O>[];
}

/** Per-host counts printed in PLAY RECAP, counted as ansible-playbook's stats (lib/ansible/executor/stats.py, fed by
 *  the strategy plugin): a task result of a host adds to one or two of them. */
export interface HostRecap {
  /** Results that are not failed, skipped or unreachable: unchanged, changed (also in `changed`) and ignored failures
   *  (also in `ignored`). `ok=3 changed=2` is three tasks, two of them changed. */
  ok: number;
  changed: number;
  /** Failures not ignored and not rescued. */
  failed: number;
  skipped: number;
  unreachable: number;
  /** Failures that `ignoreErrors` let pass (also counted in `ok`, and in `changed` when a command ran). */
  ignored: number;
  /** Failures of a block's tasks that its `rescue` section then handled (not in `failed`). */
  rescued: number;
  /** SSH execs used on this host for the whole run. */
  execs: number;
  /** Connections opened to this host for the whole run: 1, plus one per reconnect (after a reboot). Set by the
   *  playbook runner at the end of the run; absent where nothing counted them. */
  connections?: number;
}

/** Where a host's time went before its first task of a play: opening the connection and the first exec (facts, the
 *  pending-handler records and the first tasks' prefetched reads, in one batch). Milliseconds; 0 when not done again. */
export interface HostSetup {
  readonly connectMs: number;
  readonly factsMs: number;
}

/** Static description of a task for reporters. */
export interface TaskInfo {
  /** The task's declared id, its path in the playbook (`play/role/name`, runner/task-ids.ts): stable across runs. */
  readonly id: string;
  readonly name: string;
  readonly module: string;
  readonly definedAt: string;
  readonly handler: boolean;
  readonly role?: string;
}

/** Static description of a play for reporters. */
export interface PlayInfo {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly check: boolean;
}

/** End-of-run summary. */
export interface RunSummary {
  readonly recap: Readonly<Record<string, HostRecap>>;
  readonly results: readonly TaskResult[];
  readonly exitCode: number;
  readonly durationMs: number;
  readonly check: boolean;
}

/** Something a host is waiting for that may take long (a reboot, a port, a swarm node leaving 'pending'). */
export interface WaitInfo {
  /** What is waited for, as a person reads it: `port 10.0.0.2:8301 open`, `web1 to come back after reboot`. */
  readonly what: string;
  /** When the wait gives up, in seconds from `startedAt`. */
  readonly limitSec: number;
  /** Epoch milliseconds on the controller when the wait started. */
  readonly startedAt: number;
}

/** Observer of a run; every hook is optional. listr2, plain and JSON reporters implement it. */
export interface Reporter {
  onRunStart?(info: { readonly check: boolean; readonly hosts: readonly string[] }): void;
  onPlayStart?(play: PlayInfo): void;
  onTaskStart?(task: TaskInfo, hosts: readonly string[]): void;
  onTaskEnd?(task: TaskInfo, result: TaskResult): void;
  onHostUnreachable?(host: string, error: string): void;
  /** A host left the play before its first task for a reason other than the connection (facts could not be gathered:
   *  sudo refused, the facts script failed): shown as a failure, as Ansible's "Gathering Facts" failure is. */
  onHostFailed?(host: string, error: string): void;
  /** A host was connected and its facts gathered for a play (sent only when one of them took place, also when it failed
   *  before onHostUnreachable/onHostFailed). */
  onHostReady?(host: string, setup: HostSetup): void;
  /** A host of the running task started waiting (`wait`), or stopped (undefined). Waits that end quickly are announced
   *  too: reporters show a wait only once it has lasted a while. */
  onWait?(host: string, wait: WaitInfo | undefined): void;
  /** Verbose trace (commands and their output) when -v is on. */
  onLog?(host: string, line: string): void;
  onRunEnd?(summary: RunSummary): void | Promise<void>;
}
