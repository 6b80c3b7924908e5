/** Tasks, handlers, roles, plays and playbooks as plain data (built by src/dsl, run by src/runner). */
import type { Host, Vars } from './host.ts';
import type { HostFacts } from './host-facts.ts';
import type { Module } from './module.ts';
import type { TaskResult } from './result.ts';
import type { StandardSchemaV1 } from './schema.ts';

/** What task args, `when` and `loop` functions can read for one host. */
export interface TaskContext<I = unknown> {
  readonly host: Host;
  /** Effective vars: role defaults < inventory < play vars < setFact < -e. */
  readonly vars: Vars;
  readonly facts: HostFacts;
  /** Current loop item (undefined outside loops). */
  readonly item: I;
  readonly check: boolean;
  /** A variable that must exist; throws a clear error naming the host and variable otherwise. */
  var<T = unknown>(name: string): T;
  /** Another host's effective vars (also hosts outside --limit). */
  hostvars(name: string): Vars;
  /** Another host's facts: gathered in this run, else those the controller cached from the last run that reached it
   *  (hosts outside --limit; like Ansible's fact cache; RIG_FACT_CACHE=0 turns it off), else undefined. */
  factsOf(name: string): HostFacts | undefined;
  /** Names of inventory hosts in a group (unaffected by --limit). */
  groupHosts(group: string): readonly string[];
  /** The registered result of an earlier task on this host (or on `host`). Throws NotYetRun if it has not run. */
  result<O>(task: Task<O>, host?: string): TaskResult<O>;
  /**
   * The registered result of an earlier task on this host (or on `host`), or undefined when it has not run there (a
   * host outside --limit or this play, a task later in the play). For reads across hosts where "not in this run" is
   * an answer; use `result` where a missing result is a mistake. A skipped task has run: its result says `skipped`.
   */
  resultOf<O>(task: Task<O>, host?: string): TaskResult<O> | undefined;
  /**
   * Render Jinja (`{{ … }}` in strings, inside lists and objects too) with this host's variables and Ansible's magic
   * names (inventory_hostname, group_names, groups, hostvars, ansible_facts), as Ansible's templar renders module args;
   * values without templates come back as they are. For text from outside TypeScript (ad-hoc `-a`, YAML data).
   * @throws ValidationError naming the host, for an undefined name, an unsupported filter or a syntax error.
   */
  render(value: unknown): unknown;
}

/** A value, or a function of the host context computed right before the task runs. */
export type Dynamic<T, I = unknown> = T | ((ctx: TaskContext<I>) => T);

/** Task options, kept apart from module args. */
export interface TaskOptions<I = unknown, O = unknown> {
  /** Display name. @default "<module> <main arg>" */
  readonly name?: string;
  /** Run only where true. */
  readonly when?: Dynamic<boolean, I>;
  /** Handlers to notify when this task changes something. */
  readonly notify?: readonly Handler[];
  /** Run via sudo. @default the play's / host's become */
  readonly become?: boolean;
  /** @default 'root' */
  readonly becomeUser?: string;
  readonly tags?: readonly string[];
  /** Override "changed": a boolean or a predicate of the result. */
  readonly changedWhen?: boolean | ((r: TaskResult<O>, ctx: TaskContext<I>) => boolean);
  /** Override "failed". */
  readonly failedWhen?: boolean | ((r: TaskResult<O>, ctx: TaskContext<I>) => boolean);
  /** Retry until `until` holds (or until not failed). @default 0, or 3 when `until` is set (Ansible's default) */
  readonly retries?: number;
  readonly until?: (r: TaskResult<O>, ctx: TaskContext<I>) => boolean;
  /** Seconds between retries. @default 5 */
  readonly delay?: number;
  /** Run on the first active host only; every host gets its result (ctx.result), setFact variables and failure. As
   *  Ansible's run_once, it is shown, counted in the recap and notifies its handlers on that first host only. */
  readonly runOnce?: boolean;
  /** Run on another inventory host, with this host's vars. */
  readonly delegateTo?: Dynamic<string, I>;
  /** A failure is recorded but the host stays in the play. */
  readonly ignoreErrors?: boolean;
  /** 'skip': never runs in check mode; 'always': runs for real even in check mode (read-only commands). */
  readonly checkMode?: 'skip' | 'always';
  /** At most this many hosts run this task at once (rolling reboots). */
  readonly serial?: number;
  /** Run once per item; args functions see `ctx.item`. */
  readonly loop?: Dynamic<readonly I[]>;
  /** How each loop item is shown, `(item=<label>)`, instead of the whole item (Ansible's `loop_control.label`): a
   *  function of the context (`(ctx) => ctx.item.name`) or a string. Only with `loop`. @default the item itself */
  readonly label?: Dynamic<string, I>;
  /** Ansible's no_log: nothing this task holds reaches any output (terminal at any verbosity, -vvv's exec trace, --json,
   *  --report) — its output, diff, commands, what it changed, loop items and labels; its status, rc and typed output
   *  stay (later tasks read them through `ctx.result`). @default false */
  readonly noLog?: boolean;
}

/**
 * One module call with its options. Args and item types are checked where the task is declared (src/dsl) and erased
 * here so tasks of different modules share one list; `O` is kept (phantom) so registered results stay typed.
 */
export interface Task<O = unknown> {
  readonly kind: 'task';
  /** This declaration's identity in the process: registered results are keyed by it, and the copies a role's or block's
   *  `when` makes keep it. Not shown anywhere: reports, --start-at-task and comparisons across runs use the declared id,
   *  the task's path in the playbook (runner/task-ids.ts). */
  readonly id: TaskKey;
  readonly module: Module<unknown, unknown, unknown>;
  readonly args: Dynamic<unknown>;
  readonly options: TaskOptions;
  /** file:line of the call that declared it. */
  readonly definedAt: string;
  /** Type-only marker for the module's output type. */
  readonly __output?: O;
}

/** A task run at most once per host at flush points, in definition order. */
export interface Handler<O = unknown> extends Task<O> {
  readonly handler: true;
  readonly name: string;
}

/** Marker: run notified handlers now. */
export interface FlushHandlers {
  readonly kind: 'flush';
  readonly definedAt: string;
}

/**
 * Ansible's block: `tasks` in order; on a host where one of them fails, the rest are skipped and `rescue` runs (when it
 * completes, the host goes on and the recap counts it `rescued`, not `failed`); `always` runs on every host that
 * entered the block, failed or not. `when`, `become`, `becomeUser` and `tags` apply to every task inside.
 */
export interface Block {
  readonly kind: 'block';
  readonly name?: string;
  readonly tasks: readonly TaskItem[];
  readonly rescue: readonly TaskItem[];
  readonly always: readonly TaskItem[];
  readonly options: BlockOptions;
  readonly definedAt: string;
}

/** What a block passes on to the tasks inside it. */
export interface BlockOptions {
  readonly when?: Dynamic<boolean>;
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly tags?: readonly string[];
}

/** Anything that can appear in a task list. */
export type TaskItem = Task | FlushHandlers | Block;

/** A role: typed defaults, tasks, handlers and a directory holding templates/ and files/. */
export interface Role<D extends Vars = Vars> {
  readonly kind: 'role';
  readonly name: string;
  readonly defaults: D;
  /** Schema of each role variable (from the defaults' types and the role's explicit `vars`): inventory, play vars and
   *  -e values are checked and coerced (`"false"` → false) against it before anything runs. */
  readonly varSchemas: Readonly<Record<string, StandardSchemaV1>>;
  readonly tasks: readonly TaskItem[];
  readonly handlers: readonly Handler[];
  /** Directory of the role's index.ts; templates/ and files/ are resolved against it. */
  readonly dir: string;
  readonly definedAt: string;
  /** Role params for this use of the role (Ansible's `roles: [{ role: x, vars: {…} }]`): above play vars and set facts,
   *  below -e. @default {} */
  readonly params?: Vars;
}

/** Hosts per batch: a number, a percentage string, or a list growing batch by batch. */
export type Serial = number | `${number}%` | readonly (number | `${number}%`)[];

/** A play: which hosts, which roles and tasks. */
export interface Play {
  readonly kind: 'play';
  readonly name: string;
  /** Host pattern (same syntax as --limit). */
  readonly hosts: string;
  readonly vars: Vars;
  readonly become?: boolean;
  readonly serial?: Serial;
  readonly maxFailPercentage?: number;
  readonly anyErrorsFatal?: boolean;
  /** @default true */
  readonly gatherFacts: boolean;
  readonly roles: readonly Role[];
  readonly tasks: readonly TaskItem[];
  readonly handlers: readonly Handler[];
  readonly definedAt: string;
}

/** A playbook: plays run in order. */
export interface Playbook {
  readonly kind: 'playbook';
  readonly plays: readonly Play[];
  readonly definedAt: string;
}

/**
 * A task declaration's identity token (Task.id), compared by reference. An object, not a string: there is nothing to
 * print or persist, so nothing can mistake it for the declared id; a class instance, so the check for plain data
 * (core/schema.ts unsupportedValues) passes a handler in `notify` without looking inside it.
 */
export class TaskKey {
  /** `definedAt`: file:line of the declaration, for messages. */
  constructor(readonly definedAt: string) {}
}

/** Thrown by TaskContext.result when the task has not run yet on that host (args not resolvable yet). */
export class NotYetRun extends Error {
  /** `taskId`: the task's Task.id; `message`: what the reader sees (the task's name and file:line). */
  constructor(
    readonly taskId: TaskKey,
    message = `task ${taskId.definedAt} has not run yet`,
  ) {
    super(message);
    this.name = 'NotYetRun';
  }
}

/** Thrown in check mode when a task reads the output of a task that was only predicted (its command did not run). */
export class OutputNotRun extends NotYetRun {
  constructor(
    taskId: TaskKey,
    readonly taskName: string,
  ) {
    super(taskId);
    this.message = `depends on the output of '${taskName}', which check mode does not run`;
    this.name = 'OutputNotRun';
  }
}
