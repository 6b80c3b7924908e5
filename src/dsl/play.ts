/** Roles, plays, playbooks and flushHandlers(). */
import type {
  FlushHandlers,
  Handler,
  Play,
  Playbook,
  Role,
  Serial,
  TaskContext,
  TaskItem,
  Vars,
} from '../core/index.ts';
import { callSite, dirOf } from './defined-at.ts';

/** What a role's task builder receives: typed access to its variables. */
export interface RoleScope<D extends Vars> {
  /** The role's name. */
  readonly name: string;
  /** This host's vars, typed by the role's defaults (inventory, play vars and -e override the defaults). */
  vars(ctx: TaskContext<unknown>): D & Vars;
}

/** Props of defineRole. */
export interface RoleProps<D extends Vars> {
  readonly name: string;
  /** Lowest-precedence variables; their types type `vars(ctx)`. @default {} */
  readonly defaults?: D;
  readonly tasks: (scope: RoleScope<D>) => readonly TaskItem[];
  /** @default [] */
  readonly handlers?: readonly Handler[];
  /** Hosts where this is false skip every task of the role (evaluated before each task's own `when`). @default true */
  readonly when?: (ctx: TaskContext<unknown>) => boolean;
}

/** `task` that runs only where `gate` holds, then its own `when` (same id: registered results stay shared). */
function gated(task: TaskItem, gate: ((ctx: TaskContext<unknown>) => boolean) | undefined): TaskItem {
  if (!gate || task.kind === 'flush') return task;
  const own = task.options.when;
  const when = (ctx: TaskContext<unknown>): boolean => gate(ctx) && (own === undefined || (typeof own === 'function' ? own(ctx) : own));
  return { ...task, options: { ...task.options, when } };
}

/** Declare a role; its templates/ and files/ live beside the file that calls this. */
export function defineRole<D extends Vars = Vars>(props: RoleProps<D>): Role<D> {
  const definedAt = callSite();
  const scope: RoleScope<D> = { name: props.name, vars: (ctx) => ctx.vars as D & Vars };
  return {
    kind: 'role',
    name: props.name,
    defaults: props.defaults ?? ({} as D),
    tasks: props.tasks(scope).map((t) => gated(t, props.when)),
    handlers: props.handlers ?? [],
    dir: dirOf(definedAt),
    definedAt,
  };
}

/** Run the handlers notified so far, now (like Ansible's meta: flush_handlers). */
export function flushHandlers(): FlushHandlers {
  return { kind: 'flush', definedAt: callSite() };
}

/** Props of definePlay. */
export interface PlayProps {
  /** @default the hosts pattern */
  readonly name?: string;
  /** Host pattern: names, groups, globs, `!exclude`, `&intersect`. */
  readonly hosts: string;
  /** Play vars (above inventory, below -e). @default {} */
  readonly vars?: Vars;
  /** sudo for every task unless a task says otherwise. @default the inventory's ansible_become */
  readonly become?: boolean;
  /** Hosts per batch. @default all at once */
  readonly serial?: Serial;
  /** Abort the play when more than this percentage of a batch failed. */
  readonly maxFailPercentage?: number;
  /** Any failure aborts the play on every host. @default false */
  readonly anyErrorsFatal?: boolean;
  /** @default true */
  readonly gatherFacts?: boolean;
  /** @default [] */
  readonly roles?: readonly Role<Vars>[];
  /** @default [] */
  readonly tasks?: readonly TaskItem[];
  /** @default [] */
  readonly handlers?: readonly Handler[];
}

/** Declare a play. */
export function definePlay(props: PlayProps): Play {
  return {
    kind: 'play',
    name: props.name ?? props.hosts,
    hosts: props.hosts,
    vars: props.vars ?? {},
    become: props.become,
    serial: props.serial,
    maxFailPercentage: props.maxFailPercentage,
    anyErrorsFatal: props.anyErrorsFatal,
    gatherFacts: props.gatherFacts ?? true,
    roles: props.roles ?? [],
    tasks: props.tasks ?? [],
    handlers: props.handlers ?? [],
    definedAt: callSite(),
  };
}

/** Declare a playbook (its module's default export): plays run in order. Plain play props are accepted too. */
export function definePlaybook(...plays: readonly (Play | PlayProps)[]): Playbook {
  const definedAt = callSite();
  return {
    kind: 'playbook',
    plays: plays.map((p) => ('kind' in p && p.kind === 'play' ? p : definePlay(p as PlayProps))),
    definedAt,
  };
}
