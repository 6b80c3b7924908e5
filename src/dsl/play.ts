/** Roles, plays, playbooks and flushHandlers(). */
import { checkVar, schemaProblems, toProblems, ValidationError } from '../core/index.ts';
import { playPropsSchema, rolePropsSchema } from './play-props.ts';
import type {
  FlushHandlers,
  Handler,
  Play,
  Playbook,
  Role,
  SchemaOutput,
  Serial,
  StandardSchemaV1,
  TaskContext,
  TaskItem,
  Vars,
} from '../core/index.ts';
import { inferVarSchema, unknownKeysMessage } from '../schema/index.ts';
import { callSite, dirOf } from './defined-at.ts';

/** Schemas of a role's variables, by name. */
export type VarSchemas = Readonly<Record<string, StandardSchemaV1>>;

/** The typed variables of a role: the defaults' types, replaced by the explicit schemas' output types. */
export type RoleVars<D, S extends VarSchemas> = Omit<D, keyof S> & { -readonly [K in keyof S]: SchemaOutput<S[K]> };

/** What a role's task builder receives: typed access to its variables. */
export interface RoleScope<D> {
  /** The role's name. */
  readonly name: string;
  /** This host's values of the role's variables, typed by its defaults and schemas (inventory, play vars and -e override
   *  the defaults); a misspelled name does not compile. Other variables: ctx.vars / ctx.var(name). */
  vars(ctx: TaskContext<unknown>): Readonly<D>;
}

/** Props of defineRole. */
export interface RoleProps<D extends Vars, S extends VarSchemas = Record<never, never>> {
  readonly name: string;
  /** Lowest-precedence variables; their types type `vars(ctx)` and are checked at run time (a default of 8080 makes
   *  `-e port=9090` the number 9090 and `-e port=abc` an error). @default {} */
  readonly defaults?: D;
  /** Schemas for variables whose default's type says too little (ports, enums, lists of strings, nullable values):
   *  e.g. `{ firewall_ssh_port: port }`. Checked for every targeted host before any host is contacted. @default {} */
  readonly vars?: S;
  readonly tasks: (scope: RoleScope<RoleVars<D, S>>) => readonly TaskItem[];
  /** @default [] */
  readonly handlers?: readonly Handler[];
  /** Hosts where this is false skip every task of the role (evaluated before each task's own `when`). @default true */
  readonly when?: (ctx: TaskContext<unknown>) => boolean;
}

/** `task` that runs only where `gate` holds, then its own `when` (same id: registered results stay shared). */
function gated(task: TaskItem, gate: ((ctx: TaskContext<unknown>) => boolean) | undefined): TaskItem {
  if (!gate || task.kind === 'flush') return task;
  if (task.kind === 'block') {
    const all = (items: readonly TaskItem[]) => items.map((t) => gated(t, gate));
    return { ...task, tasks: all(task.tasks), rescue: all(task.rescue), always: all(task.always) };
  }
  const own = task.options.when;
  const when = (ctx: TaskContext<unknown>): boolean => gate(ctx) && (own === undefined || (typeof own === 'function' ? own(ctx) : own));
  return { ...task, options: { ...task.options, when } };
}

/** Declare a role; its templates/ and files/ live beside the file that calls this. */
export function defineRole<D extends Vars = Vars, S extends VarSchemas = Record<never, never>>(props: RoleProps<D, S>): Role<D> {
  const definedAt = callSite();
  const wrong = schemaProblems(rolePropsSchema, props, { shallow: true });
  if (wrong.length) throw new ValidationError(toProblems(wrong, definedAt, `role ${typeof props?.name === 'string' ? props.name : ''}`.trim()));
  type V = RoleVars<D, S>;
  const scope: RoleScope<V> = { name: props.name, vars: (ctx) => ctx.vars as V };
  const defaults = props.defaults ?? ({} as D);
  const varSchemas: Record<string, StandardSchemaV1> = {};
  for (const [k, v] of Object.entries(defaults)) varSchemas[k] = inferVarSchema(v);
  Object.assign(varSchemas, props.vars);
  // a default its own schema refuses is the role author's mistake: say so where the role is declared
  const bad = Object.entries(props.vars ?? {}).flatMap(([k, schema]) => {
    if (!(k in defaults)) return [];
    const r = checkVar(schema, defaults[k]);
    return 'problem' in r ? [{ where: definedAt, message: `role ${props.name}: the default of ${k} does not fit its schema: ${r.problem}` }] : [];
  });
  if (bad.length) throw new ValidationError(bad);
  return {
    kind: 'role',
    name: props.name,
    defaults,
    varSchemas,
    tasks: props.tasks(scope).map((t) => gated(t, props.when)),
    handlers: props.handlers ?? [],
    dir: dirOf(definedAt),
    definedAt,
  };
}

/**
 * This use of `role` with role params (Ansible's `roles: [{ role: docker, vars: { … } }]`): typed by the role's defaults,
 * above play vars and set facts, below -e; checked against the role's schemas before anything runs.
 * @example roles: [kernel, withRoleParams(docker, { docker_log_driver: 'local' })]
 */
export function withRoleParams<D extends Vars>(role: Role<D>, params: Partial<D>): Role<D> {
  // a role param the role does not declare would be silently unused (TypeScript misses it when params are built, not literal)
  const known = [...new Set([...Object.keys(role.defaults), ...Object.keys(role.varSchemas)])].sort();
  const unknown = Object.keys(params ?? {}).filter((k) => !known.includes(k));
  if (typeof params !== 'object' || params === null || Array.isArray(params) || unknown.length) {
    throw new ValidationError({
      where: callSite(),
      message: `role params of ${role.name}: ${unknown.length ? unknownKeysMessage(unknown, known, 'variable') : 'expected an object of role variables'}`,
      hint: `role params set the role's own variables (declared at ${role.definedAt}); other variables go in the play's vars or the inventory`,
    });
  }
  return { ...role, params: { ...role.params, ...params } };
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
  const definedAt = callSite();
  const wrong = schemaProblems(playPropsSchema, props, { shallow: true });
  if (wrong.length) throw new ValidationError(toProblems(wrong, definedAt, 'play'));
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
    definedAt,
  };
}

/** Declare a playbook (its module's default export): plays run in order. Plain play props are accepted too. */
export function definePlaybook(...plays: readonly (Play | PlayProps)[]): Playbook {
  const definedAt = callSite();
  return {
    kind: 'playbook',
    plays: plays.map((p) => (typeof p === 'object' && p !== null && 'kind' in p && p.kind === 'play' ? p : definePlay(p as PlayProps))),
    definedAt,
  };
}
