/**
 * The generated input of the check-exact property: a sequence of file-managing tasks as plain data (printed by
 * fast-check as the counterexample), over a handful of paths relative to the sequence's own base directory.
 */
import fc from 'fast-check';

/** Paths a sequence touches, relative to its base directory (`d` is meant as a directory, `l` as a link). */
export const PATHS = ['a', 'b', 'd', 'd/c', 'l'] as const;
/** A path relative to the sequence's base directory. */
export type Rel = (typeof PATHS)[number];
/** Line contents: two values of one key, another key, the key commented out. */
export const LINES = ['key=1', 'key=2', 'other=1', '#key=1'] as const;
/** A line content. */
export type Line = (typeof LINES)[number];
/** Python-style patterns that match some of LINES (one matches none). */
export const REGEXPS = ['^key=', '^key=1$', '=1$', '^#', '^(#?)key=(\\d)', '^none'] as const;
/** A lineinfile/blockinfile pattern. */
export type Re = (typeof REGEXPS)[number];
/** Lines with backreferences (for backrefs: true). */
export const BACKREF_LINES = ['\\1key=9', 'key=\\2\\2'] as const;
/** Stands for the loop item in the field the task loops over. */
export const ITEM = '$item';
/** The loop item placeholder's type. */
export type Item = typeof ITEM;
/** The two controller templates (written by the test): `t1.hbs` = "{{v}}\n", `t2.hbs` = "# t\n{{v}}" (no final newline). */
export type Tpl = 't1' | 't2';
/** A file mode the generator uses. */
export type Mode = '0644' | '0600' | '0755' | '0700';
/** Where lineinfile/blockinfile insert when nothing matched. */
export type Insert = 'EOF' | 'BOF' | { readonly after: Re } | { readonly before: Re };

/** One task, as data. Fields equal to ITEM take the loop item. */
export type Step = (
  | { readonly kind: 'copy'; readonly dest: Rel | Item; readonly lines: readonly (Line | Item)[]; readonly eol: boolean; readonly mode?: Mode; readonly owner?: 'root' | 'nobody' }
  | { readonly kind: 'template'; readonly dest: Rel | Item; readonly tpl: Tpl; readonly v: Line | Item; readonly mode?: Mode }
  | {
      readonly kind: 'lineinfile';
      readonly path: Rel | Item;
      readonly state: 'present' | 'absent';
      readonly line?: string;
      readonly regexp?: Re;
      readonly insert?: Insert;
      readonly create?: boolean;
      readonly backrefs?: boolean;
      readonly firstmatch?: boolean;
    }
  | {
      readonly kind: 'blockinfile';
      readonly path: Rel | Item;
      readonly state: 'present' | 'absent';
      readonly block: readonly (Line | Item)[];
      readonly marker?: '# {mark} B2';
      readonly insert?: Exclude<Insert, 'EOF'>;
      readonly create?: boolean;
      readonly appendNewline?: boolean;
      readonly prependNewline?: boolean;
    }
  | { readonly kind: 'link'; readonly path: Rel | Item; readonly src: Rel; readonly relative: boolean; readonly force?: boolean }
  | { readonly kind: 'directory'; readonly path: Rel | Item; readonly mode?: Mode }
  | { readonly kind: 'file'; readonly path: Rel | Item; readonly state: 'absent' | 'touch' | 'file' | 'directory'; readonly mode?: Mode }
) & { readonly loop?: readonly string[] };

// ---- arbitraries ----

// a and b most: d/c needs d to be a directory first, and writes there fail (ending the sequence) when it is not
const rel = fc.oneof({ arbitrary: fc.constantFrom<Rel>('a', 'b'), weight: 5 }, { arbitrary: fc.constantFrom<Rel>('d', 'd/c', 'l'), weight: 3 });
const line = fc.constantFrom(...LINES);
const re = fc.constantFrom(...REGEXPS);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const mode = opt(fc.constantFrom<Mode>('0644', '0600'));
// mostly true: a missing file without create fails the task and ends the sequence there
const create = fc.constantFrom(true, true, true, true, true, true, false, undefined);
const insert: fc.Arbitrary<Insert> = fc.oneof(
  fc.constantFrom<Insert>('EOF', 'BOF'),
  re.map((r): Insert => ({ after: r })),
  re.map((r): Insert => ({ before: r })),
);

/** Drop undefined fields (a readable counterexample, and exactOptionalPropertyTypes-friendly args). */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const copy = fc
  .record({ dest: rel, lines: fc.array(line, { maxLength: 3 }), eol: fc.boolean(), mode, owner: opt(fc.constantFrom('root' as const, 'nobody' as const)) })
  .map((r): Step => clean({ kind: 'copy', ...r }));
const template = fc.record({ dest: rel, tpl: fc.constantFrom<Tpl>('t1', 't2'), v: line, mode }).map((r): Step => clean({ kind: 'template', ...r }));
const linePresent = fc
  .record({ path: rel, line, regexp: opt(re), insert: opt(insert), create, backrefs: fc.boolean(), backrefLine: fc.constantFrom(...BACKREF_LINES), firstmatch: opt(fc.constant(true)) })
  .map(({ backrefs, backrefLine, ...r }): Step => {
    const br = backrefs && r.regexp !== undefined;
    return clean({ kind: 'lineinfile', state: 'present', ...r, line: br ? backrefLine : r.line, backrefs: br ? true : undefined });
  });
const lineAbsent = fc
  .record({ path: rel, by: fc.oneof(line.map((l) => ({ line: l })), re.map((r) => ({ regexp: r }))) })
  .map(({ path, by }): Step => clean({ kind: 'lineinfile', state: 'absent', path, ...by }));
const blockinfile = fc
  .record({
    path: rel,
    state: fc.constantFrom('present' as const, 'present' as const, 'absent' as const),
    block: fc.array(line, { minLength: 1, maxLength: 2 }),
    marker: opt(fc.constant('# {mark} B2' as const)),
    insert: opt(insert.filter((i): i is Exclude<Insert, 'EOF'> => i !== 'EOF')),
    create,
    appendNewline: opt(fc.constant(true)),
    prependNewline: opt(fc.constant(true)),
  })
  .map((r): Step => clean({ kind: 'blockinfile', ...r }));
const link = fc.record({ path: rel, src: rel, relative: fc.boolean(), force: opt(fc.constant(true)) }).map((r): Step => clean({ kind: 'link', ...r }));
const directory = fc.record({ path: rel, mode: opt(fc.constantFrom<Mode>('0755', '0700')) }).map((r): Step => clean({ kind: 'directory', ...r }));
const file = fc
  .record({ path: rel, state: fc.constantFrom('absent' as const, 'touch' as const, 'touch' as const, 'file' as const, 'directory' as const), mode })
  .map((r): Step => clean({ kind: 'file', ...r }));

/** The field a step can loop over with line values (undefined: it loops over paths only). */
function lineField(s: Step): 'lines' | 'v' | 'line' | 'block' | undefined {
  switch (s.kind) {
    case 'copy':
      return 'lines';
    case 'template':
      return 'v';
    case 'lineinfile':
      return s.line !== undefined && !s.backrefs ? 'line' : undefined;
    case 'blockinfile':
      return 'block';
    default:
      return undefined;
  }
}

/** Put the loop in: the looped field becomes ITEM, `loop` lists the items. */
function withLoop(s: Step, spec: { over: 'path' | 'line'; paths: readonly Rel[]; lines: readonly Line[] } | undefined): Step {
  if (!spec) return s;
  const lf = lineField(s);
  if (spec.over === 'line' && lf) {
    const value = lf === 'lines' || lf === 'block' ? [ITEM] : ITEM;
    return { ...s, [lf]: value, loop: spec.lines } as Step;
  }
  const pf = s.kind === 'copy' || s.kind === 'template' ? 'dest' : 'path';
  return { ...s, [pf]: ITEM, loop: spec.paths } as Step;
}

const loopSpec = fc.option(
  fc.record({ over: fc.constantFrom('path' as const, 'line' as const), paths: fc.array(rel, { minLength: 1, maxLength: 3 }), lines: fc.array(line, { minLength: 1, maxLength: 3 }) }),
  { nil: undefined, freq: 4 },
);

/** One task of any kind, a quarter of them looping over 1-3 paths or lines. */
export const stepArb: fc.Arbitrary<Step> = fc
  .tuple(
    fc.oneof(
      { arbitrary: copy, weight: 3 },
      { arbitrary: template, weight: 1 },
      { arbitrary: linePresent, weight: 4 },
      { arbitrary: lineAbsent, weight: 2 },
      { arbitrary: blockinfile, weight: 2 },
      { arbitrary: link, weight: 1 },
      { arbitrary: directory, weight: 1 },
      { arbitrary: file, weight: 2 },
    ),
    loopSpec,
  )
  .map(([s, l]) => withLoop(s, l));

/** A sequence of 1-8 tasks, printed one task per line. */
export class Sequence {
  constructor(readonly steps: readonly Step[]) {}
  [fc.toStringMethod](): string {
    return `Sequence(\n${this.steps.map((s, i) => `  ${i}: ${describeStep(s)}`).join('\n')}\n)`;
  }
  toString(): string {
    return this[fc.toStringMethod]();
  }
}

/** The property's input. */
export const sequenceArb: fc.Arbitrary<Sequence> = fc.array(stepArb, { minLength: 1, maxLength: 8 }).map((steps) => new Sequence(steps));

/** `copy dest=a lines=["key=1"] eol mode=0600 loop=[...]`: a step on one line (also its task name). */
export function describeStep(s: Step): string {
  const { kind, ...rest } = s;
  const parts = Object.entries(rest).map(([k, v]) => (v === true ? k : `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`));
  return [kind, ...parts].join(' ');
}

const dirLink: Step = { kind: 'link', path: 'd', src: 'a', relative: false };
/** Counterexamples fast-check found once (and their kin), run before the generated ones on every run. */
export const KNOWN: readonly Sequence[] = [
  // CI, stop 27: d → a (missing); mkdir -p of d/c stops at d ("File exists"), which the host's read of d/c must say
  new Sequence([dirLink, { kind: 'file', path: ITEM, state: 'directory', loop: ['d/c'] }, { kind: 'file', path: 'd', state: 'absent' }]),
  new Sequence([dirLink, { kind: 'directory', path: 'd/c' }]),
  new Sequence([dirLink, { kind: 'lineinfile', state: 'present', path: 'd/c', line: 'key=1', create: true }]),
  new Sequence([dirLink, { kind: 'blockinfile', state: 'present', path: 'd/c', block: ['key=1'], create: true }]),
  new Sequence([
    { kind: 'link', path: 'd', src: 'l', relative: false },
    { kind: 'lineinfile', state: 'present', path: ITEM, line: 'key=1', regexp: '^key=', create: true, loop: ['a', 'd/c', 'a'] },
  ]),
  new Sequence([{ kind: 'link', path: 'd', src: 'l', relative: false }, { kind: 'lineinfile', state: 'present', path: ITEM, line: 'key=1', create: true, loop: ['d/c'] }]),
  // the same, after a task created the directory above (a predicted directory there, the link below it)
  new Sequence([
    { kind: 'link', path: 'd', src: 'l', relative: false },
    { kind: 'lineinfile', state: 'present', path: ITEM, line: 'key=1', regexp: '^key=', create: true, loop: ['a', 'd/c', 'a'] },
  ]),
  // a forced link to itself, run again: reading where it leads must not fail the task (a symlink loop)
  new Sequence([{ kind: 'link', path: 'd', src: 'd', relative: false, force: true }]),
  // … and once what it leads to is made, the kernel goes through it
  new Sequence([dirLink, { kind: 'directory', path: 'a' }, { kind: 'directory', path: 'd/c' }, { kind: 'copy', dest: 'd/c', lines: ['key=2'], eol: true }]),
  // a forced link over the file its src leads to: ln refuses (are the same file)
  new Sequence([
    { kind: 'link', path: ITEM, src: 'a', relative: false, loop: ['b', 'd'] },
    { kind: 'blockinfile', path: ITEM, state: 'present', block: ['key=1'], create: true, loop: ['a', 'd'] },
    { kind: 'link', path: 'a', src: 'b', relative: false, force: true },
  ]),
  // a lineinfile replaced blockinfile's END marker: blockinfile is not idempotent then (as in Ansible)
  new Sequence([
    { kind: 'lineinfile', state: 'present', path: ITEM, line: 'key=1', regexp: '^#', create: true, loop: ['b'] },
    { kind: 'blockinfile', path: ITEM, state: 'present', block: ['key=1'], insert: 'BOF', create: true, loop: ['b'] },
    { kind: 'lineinfile', state: 'present', path: 'd', line: 'key=1', create: true },
  ]),
];
