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
