/** Fewer processes per probe: identical reads run once, and reads of a fact that offers `many` share one command. */
import { readKey, type ExecOutput, type Fact, type Read } from '../core/index.ts';
import type { Privilege } from './privilege.ts';

/** A read as the batcher sees it. */
export interface ReadSpec {
  readonly command: string;
  /** Who runs it: reads of different privileges never share an exec or a cache entry. */
  readonly privilege: Privilege;
  readonly volatile: boolean;
  /** The declared read, when there is one (needed to join a `many` group). */
  readonly read?: Read<unknown>;
}

/** The commands to run and how their outputs map back to the specs. */
export interface Coalesced {
  readonly commands: readonly string[];
  /** Outputs of `commands` (in order) → one output per spec (in the specs' order). */
  spread(outs: readonly ExecOutput[]): ExecOutput[];
}

type AnyFact = Fact<unknown, unknown>;

interface Group {
  readonly fact: AnyFact;
  readonly args: unknown[];
  /** member key → index in `args` */
  readonly at: Map<string, number>;
  /** the first member: a group of one runs its own command */
  readonly first: ReadSpec;
}

// a declared read is the same read when its fact and argument are (its command text is then built only if it runs
// alone); an undeclared one is its command
const keyOf = (s: ReadSpec): string => (s.read ? `r\u0000${readKey(s.read)}` : `c\u0000${s.command}`);

/** Plan `specs` as few commands: a duplicate command runs once; a `many` fact's reads become one command at the first one's place. */
export function coalesce(specs: readonly ReadSpec[]): Coalesced {
  const slots: ({ kind: 'own'; command: string } | { kind: 'group'; group: Group })[] = [];
  const slotOf = new Map<string, number>();
  const groups = new Map<string, { slot: number; group: Group }>();
  // per spec: its slot and, for a group member, its index among the group's args
  const where = specs.map((s): [number, number] => {
    const key = keyOf(s);
    const known = slotOf.get(key);
    const fact = s.read?.fact as AnyFact | undefined;
    if (known !== undefined) {
      const slot = slots[known];
      return [known, slot?.kind === 'group' ? (slot.group.at.get(key) ?? -1) : -1];
    }
    if (fact?.many && s.read && fact.many.accepts(s.read.arg)) {
      let g = groups.get(fact.name);
      if (!g) {
        g = { slot: slots.length, group: { fact, args: [], at: new Map(), first: s } };
        groups.set(fact.name, g);
        slots.push({ kind: 'group', group: g.group });
      }
      g.group.at.set(key, g.group.args.length);
      g.group.args.push(s.read.arg);
      slotOf.set(key, g.slot);
      return [g.slot, g.group.args.length - 1];
    }
    slotOf.set(key, slots.length);
    slots.push({ kind: 'own', command: s.command });
    return [slots.length - 1, -1];
  });
  // a group of one gains nothing: it runs the fact's own command, so its output is the cached form without a split
  for (const [i, slot] of slots.entries()) {
    if (slot.kind === 'group' && slot.group.args.length === 1) {
      slots[i] = { kind: 'own', command: slot.group.first.command };
    }
  }
  return {
    commands: slots.map((s) => (s.kind === 'own' ? s.command : (s.group.fact.many as NonNullable<AnyFact['many']>).command(s.group.args))),
    spread(outs) {
      const split = slots.map((s, i) => {
        const out = outs[i] ?? { stdout: '', stderr: 'rig: read did not run', code: 255 };
        if (s.kind === 'own') return [out];
        // a group that did not run to its end (dropped connection, shell died) leaves every member that failure to parse
        return out.code === 0 ? (s.group.fact.many as NonNullable<AnyFact['many']>).split(out, s.group.args) : s.group.args.map(() => out);
      });
      return where.map(([slot, k]) => (split[slot]?.[Math.max(k, 0)] ?? { stdout: '', stderr: 'rig: read output missing', code: 255 }) as ExecOutput);
    },
  };
}
