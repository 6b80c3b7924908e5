/** Validation errors (thrown, collected) and exit codes. */

/** One problem found while loading or validating: what, where, what to do. */
export interface Problem {
  readonly message: string;
  /** file:line, or host name. */
  readonly where?: string;
  readonly hint?: string;
}

/** Thrown for bad input; carries every problem found so they can be printed together. */
export class ValidationError extends Error {
  readonly problems: readonly Problem[];
  /** Hosts that earlier tasks of the run had already changed when the problems were found (later plays). @default [] */
  readonly changedHosts: readonly string[];
  constructor(problems: readonly Problem[] | Problem, o: { readonly changedHosts?: readonly string[] } = {}) {
    const list = Array.isArray(problems) ? problems : [problems as Problem];
    super(list.map(formatProblem).join('\n'));
    this.name = 'ValidationError';
    this.problems = list;
    this.changedHosts = o.changedHosts ?? [];
  }
}

/** ctx.var() of a variable the host does not have: a ValidationError that names the variable (a later play's
 *  preflight tells it apart from errors its own preflight may see differently). */
export class UndefinedVariable extends ValidationError {
  constructor(
    readonly variable: string,
    problem: Problem,
  ) {
    super(problem);
  }
}

/** Render a problem as "where: message (hint)". */
export function formatProblem(p: Problem): string {
  return `${p.where ? `${printable(p.where)}: ` : ''}${printable(p.message)}${p.hint ? `\n  → ${printable(p.hint)}` : ''}`;
}

/** Control characters from input (a binary inventory file, a crafted name) shown as escapes, never sent to the terminal raw. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Exit codes, as ansible-playbook uses them. */
export const ExitCode = {
  ok: 0,
  hostFailed: 2,
  hostUnreachable: 4,
  /** Bad input or usage (ansible's "bad or incomplete options"). */
  badInput: 5,
  interrupted: 99,
} as const;
