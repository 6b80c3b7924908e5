/** Modules: probe declares reads, plan is a pure function of (args, probed state) returning the missing changes. */
import type { Change } from './change.ts';
import type { Read } from './fact.ts';
import type { Host, Vars } from './host.ts';
import type { HostFacts } from './host-facts.ts';
import { schemaProblems, type StandardSchemaV1 } from './schema.ts';

/** What a module sees of the host while probing and planning. */
export interface ModuleContext {
  readonly host: Host;
  readonly facts: HostFacts;
  /** Effective variables for this host at this task. */
  readonly vars: Vars;
  readonly check: boolean;
  /** `--diff` was asked: probe what a before/after diff needs (file content), not only what the comparison needs. */
  readonly diff: boolean;
  /** How many `-v` were given (debug's `verbosity` threshold, as Ansible's display verbosity). @default 0 */
  readonly verbosity?: number;
}

/** Extra, still side-effect free, helpers for planning. */
export interface PlanContext extends ModuleContext {
  /** Render a Handlebars template file strictly; throws TemplateError naming the template and the missing variable. */
  render(templatePath: string, vars: Vars): string;
  /** Read a file on the controller (copy `src`, uploaded binaries). */
  readLocalFile(path: string): Uint8Array;
}

/** A before/after pair shown by --diff. */
export interface Diff {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/** Result of planning: the changes still needed ([] = ok). */
export interface Plan<O = unknown> {
  readonly changes: readonly Change[];
  readonly diff?: readonly Diff[];
  /** One-line explanation shown in output. */
  readonly msg?: string;
  /** Plan-time failure (assert false, refused input); nothing is applied. */
  readonly failed?: string;
  /** Variables to set for this host for the rest of the run (setFact). */
  readonly setVars?: Vars;
  /** Typed output registered for later tasks when nothing is applied. */
  readonly output?: O;
  /** Re-gather core facts after apply (reboot does). @default false */
  readonly refreshFacts?: boolean;
  /** The task does not apply to this run (debug above the -v level): the result is `skipped` with this reason. */
  readonly skipped?: string;
  /** Printed with the status line at any verbosity, as JSON (debug's `{"msg": …}`; Ansible's `_ansible_verbose_always`). */
  readonly show?: Readonly<Record<string, unknown>>;
}

/** Each key of S is produced by one read. */
export type Reads<S> = { readonly [K in keyof S]: Read<S[K]> };

/** Output of the last exec a task applied (command modules register this). */
export interface CommandOutput {
  /** Standard output without trailing newlines (Ansible's command module, strip_empty_ends). */
  readonly stdout: string;
  readonly stderr: string;
  readonly rc: number;
  /** `stdout` split into lines (Ansible's stdout_lines). */
  readonly stdout_lines: readonly string[];
  /** `stderr` split into lines (Ansible's stderr_lines). */
  readonly stderr_lines: readonly string[];
}

/** Text without its trailing newlines (`\n`, `\r\n`), as Ansible's command module returns stdout and stderr. */
export function stripTrailingNewlines(text: string): string {
  return text.replace(/[\r\n]+$/, '');
}

/**
 * A command's registered output from what it printed: stdout and stderr without trailing newlines, and their lines
 * (Ansible: the command module's `strip_empty_ends` and the `stdout_lines` / `stderr_lines` every module result gets).
 */
export function commandOutput(out: { readonly stdout: string; readonly stderr: string; readonly code: number }): CommandOutput {
  const stdout = stripTrailingNewlines(out.stdout);
  const stderr = stripTrailingNewlines(out.stderr);
  return { stdout, stderr, rc: out.code, stdout_lines: lines(stdout), stderr_lines: lines(stderr) };
}

// as Python's str.splitlines() for \n, \r\n and \r: '' has no lines
const lines = (t: string): string[] => (t === '' ? [] : t.split(/\r\n|\r|\n/));

/** A module: probe → plan; the runner applies the returned changes. */
export interface Module<A, S, O = CommandOutput | undefined> {
  readonly name: string;
  /** The args schema (strict: unknown keys are errors). The factory's argument type is inferred from it; it is checked
   *  on static args at load and on resolved args on every host at preflight. Its JSON Schema documents the module. */
  readonly args: StandardSchemaV1<A, A>;
  /** Checks across args the schema cannot express (exactly one of content/src); run only on args the schema accepts. */
  validate?(args: A): readonly string[];
  /** Controller files the task reads (copy/template src): checked to be readable before connecting (static args) or
   *  at preflight (args computed per host), so a missing file never fails a run half done. */
  localFiles?(args: A): readonly string[];
  /** Host variables the task will set (setFact): checked at preflight against the playbook's role variable schemas. */
  setsVars?(args: A): Readonly<Record<string, unknown>>;
  /**
   * Checks that need the host context but no reads (a template's variables): run for every host before the first
   * change of the play is applied, so bad input stops the run with nothing changed.
   */
  preflight?(args: A, ctx: PlanContext): readonly string[];
  /** Declare the reads whose results `plan` needs. */
  probe(args: A, ctx: ModuleContext): Reads<S>;
  /** Pure: compare desired args with probed state. */
  plan(args: A, state: S, ctx: PlanContext): Plan<O>;
  /** Never changes the host (assert, waitFor, setFact): in check mode a failure after a predicted change is "ok (predicted)". @default false */
  readonly readOnly?: boolean;
}

/** Helper so module definitions infer their generics. */
export function defineModule<A, S, O = CommandOutput | undefined>(m: Module<A, S, O>): Module<A, S, O> {
  return m;
}

/**
 * Every problem of `args` for `module`: the schema's, then (only when the shape is right) the module's own checks.
 * Checked once per args object: preflight, prefetch and execution see the same object (resolveArgs keeps it per host,
 * task and item), and args are never mutated.
 */
export function argProblems<A>(module: Module<A, unknown, unknown>, args: unknown): readonly string[] {
  const byArgs = typeof args === 'object' && args !== null ? checked.get(module) : undefined;
  const known = byArgs?.get(args as object);
  if (known) return known;
  const schema = schemaProblems(module.args, args);
  const problems = schema.length ? schema : [...(module.validate?.(args as A) ?? [])];
  if (typeof args === 'object' && args !== null) {
    let m = checked.get(module);
    if (!m) checked.set(module, (m = new WeakMap()));
    m.set(args, Object.freeze(problems));
  }
  return problems;
}
const checked = new WeakMap<object, WeakMap<object, readonly string[]>>();
