/** Ansible's output palette on top of picocolors (the only reporter file importing picocolors). */
import pc from 'picocolors';

/** A string painter; identity when color is off. */
export type Paint = (text: string) => string;

/** The colors Ansible's default callback uses, by meaning. */
export interface Palette {
  readonly ok: Paint;
  readonly changed: Paint;
  readonly skip: Paint;
  readonly error: Paint;
  readonly unreachable: Paint;
  readonly warn: Paint;
  readonly diffAdd: Paint;
  readonly diffRemove: Paint;
  readonly diffHunk: Paint;
  readonly dim: Paint;
  readonly bold: Paint;
}

/** Palette for `color` on or off (independent of the environment: the CLI decides). */
export function palette(color: boolean): Palette {
  const c = pc.createColors(color);
  return {
    ok: c.green,
    changed: c.yellow,
    skip: c.cyan,
    error: c.red,
    unreachable: c.redBright,
    warn: c.magentaBright,
    diffAdd: c.green,
    diffRemove: c.red,
    diffHunk: c.cyan,
    dim: c.dim,
    bold: c.bold,
  };
}

/** What `useColor` reads: the stream's terminal flag and the environment. */
export interface ColorTarget {
  readonly isTTY?: boolean;
}

/**
 * Whether output to `stream` is colored, as Node's `tty.getColorDepth` and chalk/listr2 read the environment:
 * FORCE_COLOR set wins (`0` or `false`: no color, any other value: color, on a pipe too); else NO_COLOR set to a
 * non-empty value turns color off (https://no-color.org), as does TERM=dumb; else color exactly when `stream` is a TTY.
 */
export function useColor(stream: ColorTarget, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}
