/** Facts: a shell command plus a pure parser, and reads that ask for one. */

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
}

/** A declared read: one fact with a resolved argument. Reads with the same key are served from one cache entry. */
export interface Read<T> {
  readonly fact: Fact<T, never>;
  readonly arg: unknown;
  /** Never prefetched nor cached (waits, command output in check mode). @default false */
  readonly volatile?: boolean;
}

/** Declare a read of `fact` with `arg`. */
export function read<T, A>(fact: Fact<T, A>, arg: A, opts: { volatile?: boolean } = {}): Read<T> {
  return { fact: fact as unknown as Fact<T, never>, arg, volatile: opts.volatile ?? false };
}

/** The shell command for a read (the cache key). */
export function readCommand(r: Read<unknown>): string {
  return (r.fact as unknown as Fact<unknown, unknown>).command(r.arg);
}

/** Parse a read's output. */
export function parseRead<T>(r: Read<T>, out: ExecOutput): T {
  return (r.fact as unknown as Fact<T, unknown>).parse(out, r.arg);
}
