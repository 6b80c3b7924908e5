/** How loop items are shown, `(item=<label>)`: the task's `label` option (Ansible's loop_control.label), else the item. */
import { ValidationError, type Task, type TaskContext } from '../core/index.ts';
import { resolveDynamic } from './context.ts';

const HINT = 'return the non-empty text to show for the item: label: (ctx) => ctx.item.name';

/**
 * The label of one item, as shown: control characters (a newline) escaped, so one result stays one line. Throws a
 * ValidationError naming the label and the task's file:line when `label` is a function that throws or does not return
 * a non-empty string (the host is left to the caller, which names it once).
 */
export function itemLabel(task: Task, ctx: TaskContext<unknown>): string {
  const { label } = task.options;
  if (label === undefined) return escapeControls(shown(ctx.item));
  let v: unknown;
  try {
    v = resolveDynamic(label, ctx);
  } catch (e) {
    if (e instanceof ValidationError) throw e; // ctx.var('x') of an undefined variable says it itself
    throw new ValidationError({ where: task.definedAt, message: `label threw for item ${quoted(ctx.item)}: ${e instanceof Error ? e.message : String(e)}`, hint: HINT });
  }
  if (typeof v === 'string' && v !== '') return escapeControls(v);
  const got = v === '' ? "''" : v === undefined ? 'undefined' : shown(v);
  throw new ValidationError({ where: task.definedAt, message: `label gave ${got} for item ${quoted(ctx.item)}, not a non-empty string`, hint: HINT });
}

/**
 * Every item's label, resolved before the task changes anything (as its args are): a bad label fails the task with
 * nothing done. The error names the label, the task's file:line and says so.
 */
export function itemLabels(task: Task, ctxs: readonly TaskContext<unknown>[]): string[] {
  try {
    return ctxs.map((ctx) => itemLabel(task, ctx));
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const p = e.problems[0];
    throw new ValidationError({ ...(p?.where !== undefined && { where: p.where }), message: `${p?.message ?? e.message}; nothing was changed by this task`, ...(p?.hint !== undefined && { hint: p.hint }) });
  }
}

/** A value in a message: JSON (strings quoted), one line. */
const quoted = (v: unknown): string => escapeControls(typeof v === 'string' ? JSON.stringify(v) : shown(v));

/** A value as text: strings as they are, other values as JSON. */
function shown(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v); // a bigint, a cycle
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Control characters as escapes (`\n`, `\x1b`): a label is one line in every output. */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => ESCAPES[c] ?? (c.charCodeAt(0) > 0xff ? `\\u${c.charCodeAt(0).toString(16)}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
