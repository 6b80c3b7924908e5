/** Turn a generated Sequence into DSL tasks under a base directory, and say whether its tasks are independent. */
import path from 'node:path';
import { blockinfile, copy, directory, file, lineinfile, link, template, type Task, type TaskContext } from '../../../src/index.ts';
import type { BlockinfileArgs } from '../../../src/modules/blockinfile.ts';
import type { CopyArgs } from '../../../src/modules/copy.ts';
import type { DirectoryArgs, FileArgs, LinkArgs } from '../../../src/modules/files.ts';
import type { LineinfileArgs } from '../../../src/modules/lineinfile.ts';
import type { TemplateArgs } from '../../../src/modules/template.ts';
import { describeStep, ITEM, PATHS, type Rel, type Sequence, type Step } from './steps.ts';

/** Where a sequence runs: its base directory on the host, and the controller dir holding t1.hbs / t2.hbs. */
export interface Where {
  readonly base: string;
  readonly templates: string;
}

/** The value of a step field for one loop item. */
const val = (v: string, item: string | undefined): string => (v === ITEM ? (item ?? ITEM) : v);

/** Task `i` of the sequence (the task name is the step's description, so results read like the counterexample). */
export function toTask(s: Step, i: number, w: Where): Task {
  const name = `${i}: ${describeStep(s)}`;
  const abs = (rel: string): string => `${w.base}/${rel}`;
  const opts = s.loop ? { name, loop: [...s.loop] } : { name };
  switch (s.kind) {
    case 'copy': {
      const args = (item?: string): CopyArgs => {
        const lines = s.lines.map((l) => val(l, item));
        return { dest: abs(val(s.dest, item)), content: s.eol ? lines.map((l) => `${l}\n`).join('') : lines.join('\n'), ...attrs(s) };
      };
      return s.loop ? copy((ctx: TaskContext<string>) => args(ctx.item), opts) : copy(args(), opts);
    }
    case 'template': {
      const args = (item?: string): TemplateArgs => ({ src: path.join(w.templates, `${s.tpl}.hbs`), dest: abs(val(s.dest, item)), vars: { v: val(s.v, item) }, ...attrs(s) });
      return s.loop ? template((ctx: TaskContext<string>) => args(ctx.item), opts) : template(args(), opts);
    }
    case 'lineinfile': {
      const args = (item?: string): LineinfileArgs => ({
        path: abs(val(s.path, item)),
        state: s.state,
        ...(s.line !== undefined ? { line: val(s.line, item) } : {}),
        ...(s.regexp !== undefined ? { regexp: s.regexp } : {}),
        ...(s.insert === 'EOF' ? { insertafter: 'EOF' } : s.insert === 'BOF' ? { insertbefore: 'BOF' } : {}),
        ...(typeof s.insert === 'object' ? ('after' in s.insert ? { insertafter: s.insert.after } : { insertbefore: s.insert.before }) : {}),
        ...(s.create !== undefined ? { create: s.create } : {}),
        ...(s.backrefs ? { backrefs: true } : {}),
        ...(s.firstmatch ? { firstmatch: true } : {}),
      });
      return s.loop ? lineinfile((ctx: TaskContext<string>) => args(ctx.item), opts) : lineinfile(args(), opts);
    }
    case 'blockinfile': {
      const args = (item?: string): BlockinfileArgs => ({
        path: abs(val(s.path, item)),
        state: s.state,
        block: s.block.map((l) => val(l, item)).join('\n'),
        ...(s.marker !== undefined ? { marker: s.marker } : {}),
        ...(s.insert === 'BOF' ? { insertbefore: 'BOF' } : {}),
        ...(typeof s.insert === 'object' ? ('after' in s.insert ? { insertafter: s.insert.after } : { insertbefore: s.insert.before }) : {}),
        ...(s.create !== undefined ? { create: s.create } : {}),
        ...(s.appendNewline ? { appendNewline: true } : {}),
        ...(s.prependNewline ? { prependNewline: true } : {}),
      });
      return s.loop ? blockinfile((ctx: TaskContext<string>) => args(ctx.item), opts) : blockinfile(args(), opts);
    }
    case 'link': {
      const args = (item?: string): LinkArgs => {
        const at = val(s.path, item);
        const src = s.relative ? path.posix.relative(path.posix.dirname(abs(at)), abs(s.src)) || '.' : abs(s.src);
        return { path: abs(at), src, ...(s.force ? { force: true } : {}) };
      };
      return s.loop ? link((ctx: TaskContext<string>) => args(ctx.item), opts) : link(args(), opts);
    }
    case 'directory': {
      const args = (item?: string): DirectoryArgs => ({ path: abs(val(s.path, item)), ...attrs(s) });
      return s.loop ? directory((ctx: TaskContext<string>) => args(ctx.item), opts) : directory(args(), opts);
    }
    case 'file': {
      const args = (item?: string): FileArgs => ({ path: abs(val(s.path, item)), state: s.state, ...attrs(s) });
      return s.loop ? file((ctx: TaskContext<string>) => args(ctx.item), opts) : file(args(), opts);
    }
  }
}

function attrs(s: { readonly mode?: string; readonly owner?: string }): { mode?: string; owner?: string } {
  return { ...(s.mode !== undefined ? { mode: s.mode } : {}), ...(s.owner !== undefined ? { owner: s.owner } : {}) };
}

// ---- independence: when may a re-run be required to report changed=0? ----

/** The paths one step touches for each of its loop items (relative), links followed where the module follows them. */
function itemPaths(s: Step): Rel[] {
  const field = s.kind === 'copy' || s.kind === 'template' ? s.dest : s.path;
  if (field === ITEM) return (s.loop ?? []).filter((p): p is Rel => (PATHS as readonly string[]).includes(p));
  // a loop over lines writes the one path once per item (different items fight over it)
  return Array.from({ length: s.loop?.length ?? 1 }, () => field as Rel);
}

const isAncestor = (a: string, b: string): boolean => b.startsWith(`${a}/`);
const overlaps = (a: string, b: string): boolean => a === b || isAncestor(a, b) || isAncestor(b, a);

/**
 * True when no two task items (loop items count separately) touch overlapping paths: the same path, or one below the
 * other, counting everything a link the sequence creates leads to. Only then must a second run change nothing —
 * two tasks writing one file differently (copy a, then lineinfile a) rightly change it again on every run.
 */
export function independent(seq: Sequence): boolean {
  const links: [Rel, Rel][] = seq.steps.flatMap((s) => (s.kind === 'link' ? itemPaths(s).map((p): [Rel, Rel] => [p, s.src]) : []));
  const follows = (s: Step): boolean => s.kind === 'lineinfile' || s.kind === 'blockinfile' || (s.kind === 'file' && s.state !== 'absent') || s.kind === 'directory';
  // what a path may resolve to: itself, plus every target of a link at it (followed modules) or above it (all modules)
  const reach = (p: Rel, follow: boolean): Set<string> => {
    const out = new Set<string>([p]);
    const todo: string[] = [p];
    while (todo.length) {
      const q = todo.pop()!;
      for (const [at, to] of links) {
        // a link reached through another one is always resolved (it is a directory on the way, or what was followed)
        if (((at === q && (follow || q !== p)) || isAncestor(at, q)) && !out.has(to)) {
          out.add(to);
          todo.push(to);
        }
      }
    }
    return out;
  };
  const footprints = seq.steps.flatMap((s) => itemPaths(s).map((p) => reach(p, follows(s))));
  for (let i = 0; i < footprints.length; i++) {
    for (let j = i + 1; j < footprints.length; j++) {
      for (const a of footprints[i]!) for (const b of footprints[j]!) if (overlaps(a, b)) return false;
    }
  }
  return true;
}

/**
 * Whether a step, with this loop item, must change nothing when applied right after itself. Not so for a lineinfile
 * whose regexp does not match its own line (or may not: backrefs): Ansible documents that it then replaces the next
 * matching line on every run.
 */
function idempotentAlone(s: Step, item: string | undefined): boolean {
  if (s.kind !== 'lineinfile' || s.state === 'absent' || s.regexp === undefined) return true;
  return !s.backrefs && new RegExp(s.regexp).test(val(s.line ?? '', item));
}

/** Every marker line a blockinfile step can write (default marker and '# {mark} B2'). */
const MARKERS = ['# BEGIN RIG MANAGED BLOCK', '# END RIG MANAGED BLOCK', '# BEGIN B2', '# END B2'];

/** In the doubled sequence: a first application, a repeat that must be ok, or a repeat that may change (see above). */
export type Role = 'first' | 'repeat' | 'free';

/**
 * Every task twice in a row (a loop's items each twice: [x, x, y, y]), and the role of each outcome. A task applied
 * right after itself changes nothing, whatever the tasks around it do: idempotence for every sequence, not only
 * independent ones.
 */
export function doubled(seq: Sequence): { steps: Step[]; role: (task: number, item?: number) => Role } {
  const steps: Step[] = [];
  const roles: ((item?: number) => Role)[] = [];
  let markersMayBreak = false;
  for (const s of seq.steps) {
    const loop = s.loop;
    // Ansible's blockinfile on a file with only one of its markers inserts a new block, and the next run mends the
    // pair differently: not idempotent, as in Ansible — so its repeat is free once a lineinfile may have replaced a marker
    const repeat = (item: string | undefined): Role => (idempotentAlone(s, item) && !(s.kind === 'blockinfile' && markersMayBreak) ? 'repeat' : 'free');
    if (loop) {
      steps.push({ ...s, loop: loop.flatMap((x) => [x, x]) });
      roles.push((j = 0) => (j % 2 === 0 ? 'first' : repeat(loop[(j - 1) / 2])));
    } else {
      steps.push(s, s);
      roles.push(() => 'first', () => repeat(undefined));
    }
    if (s.kind === 'lineinfile' && s.state === 'present' && s.regexp !== undefined && MARKERS.some((m) => new RegExp(s.regexp!).test(m))) markersMayBreak = true;
  }
  return { steps, role: (task, item) => roles[task]!(item) };
}
