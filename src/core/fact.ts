/** Facts: a shell command plus a pure parser, and reads that ask for one. */
import { stableJson } from './canonical-json.ts';

/** What a read's command produced on the host. */
export interface ExecOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** A fact is a command (pure function of its argument) and a pure parser of that command's output. */
export interface Fact<T, A = void> {
  /** Stable name, e.g. 'files.stat'. */
  readonly name: string;
  /** Shell command that prints what `parse` reads; must not change the host. */
  command(arg: A): string;
  /** Pure parser; throws only on output it cannot understand. */
  parse(out: ExecOutput, arg: A): T;
  /** Optional: many args in one command, for hosts where each process costs (a no-op run reads dozens of paths). */
  readonly many?: ManyReads<A>;
  /**
   * Paths the command reads (files below a directory count): in check mode, a predicted change at, above or below one
   * of them makes the value unknown (the task is then reported as a prediction). Facts the runner predicts from its
   * model of the filesystem (files.state, command.pathExists, files.content, files.treeDrift) need none.
   */
  paths?(arg: A): readonly string[];
  /** Optional: the command may wait on the host (polls until a state is reached): what for and for at most how long, so
   *  the terminal can show the wait while it lasts. Undefined for an arg that does not wait (a single look). */
  waits?(arg: A): { readonly what: string; readonly limitSec: number } | undefined;
}

/** One command for several args of a fact; `split` must give each arg exactly what its own `command` would print. */
export interface ManyReads<A> {
  /** Whether `arg` may join a group (others run their own command). */
  accepts(arg: A): boolean;
  /** Shell command reading every arg at once; must not change the host and must exit 0 when it ran to the end. */
  command(args: readonly A[]): string;
  /** Each arg's output, in the format of `Fact.command(arg)`, from the group command's output. */
  split(out: ExecOutput, args: readonly A[]): ExecOutput[];
}

/** A declared read: one fact with a resolved argument. Reads with the same key are served from one cache entry. */
export interface Read<T> {
  readonly fact: Fact<T, never>;
  readonly arg: unknown;
  /** Never prefetched nor cached (waits, command output in check mode). @default false */
  readonly volatile?: boolean;
  /** For a volatile read: a non-blocking argument of the same fact that may be prefetched; when its value passes
   *  `accept` (read after the host's last change), it stands in for the volatile read, so a satisfied wait costs no exec. */
  readonly early?: EarlyRead<T>;
}

/** The prefetchable stand-in of a volatile read. */
export interface EarlyRead<T> {
  readonly arg: unknown;
  accept(value: T): boolean; // method syntax: Read<T> stays assignable to Read<unknown>
}

/** Declare a read of `fact` with `arg`. */
export function read<T, A>(fact: Fact<T, A>, arg: A, opts: { volatile?: boolean; early?: { arg: A; accept: (value: T) => boolean } } = {}): Read<T> {
  return { fact: fact as unknown as Fact<T, never>, arg, volatile: opts.volatile ?? false, ...(opts.early ? { early: opts.early } : {}) };
}

/** The early form of a volatile read as a plain (cacheable) read, if it has one. */
export function earlyRead<T>(r: Read<T>): Read<T> | undefined {
  return r.early ? { fact: r.fact, arg: r.early.arg } : undefined;
}

/** The shell command for a read (the cache key). */
export function readCommand(r: Read<unknown>): string {
  return (r.fact as unknown as Fact<unknown, unknown>).command(r.arg);
}

/** A declared read's identity: the fact's name and its argument (a few dozen bytes, where its command's text is
 *  hundreds: 1000 hosts keep tens of thousands of them, and a no-op run looks each up several times). */
export function readKey(r: Read<unknown>): string {
  let k = keys.get(r);
  if (k === undefined) keys.set(r, (k = r.arg === undefined ? r.fact.name : `${r.fact.name}\u0000${stableJson(r.arg)}`));
  return k;
}
// a read is looked up several times (coalesced, cached, served): its key is built once
const keys = new WeakMap<Read<unknown>, string>();

/** Parse a read's output. */
export function parseRead<T>(r: Read<T>, out: ExecOutput): T {
  return (r.fact as unknown as Fact<T, unknown>).parse(out, r.arg);
}
