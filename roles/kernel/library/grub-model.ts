/**
 * What update-grub puts on the kernel line: /etc/default/grub, then /etc/default/grub.d/*.cfg in name order, sourced as
 * shell (a later assignment replaces, `"$GRUB_CMDLINE_LINUX …"` builds on the earlier value); a normal boot entry gets
 * `GRUB_CMDLINE_LINUX GRUB_CMDLINE_LINUX_DEFAULT`. Each token keeps the file:line that put it there.
 * Source: grub2's util/grub-mkconfig.in and util/grub.d/10_linux.in (linux_entry ... "${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}").
 */
import { splitCmdline } from './cmdline.ts';

/** The two variables of the kernel line, in the order 10_linux joins them for a normal boot. */
export const CMDLINE_VARIABLES = ['GRUB_CMDLINE_LINUX', 'GRUB_CMDLINE_LINUX_DEFAULT'] as const;
/** One of CMDLINE_VARIABLES. */
export type CmdlineVariable = (typeof CMDLINE_VARIABLES)[number];

/** A GRUB defaults file or drop-in, as read from the host. */
export interface GrubFile {
  readonly path: string;
  readonly text: string;
}

/** One assignment of a command line variable in a file. */
export interface CmdlineAssignment {
  readonly variable: CmdlineVariable;
  /** 0-based line index. */
  readonly index: number;
  /** `path:line` (1-based). */
  readonly at: string;
  /** Raw tokens of the unquoted value (`$GRUB_CMDLINE_LINUX` references kept as tokens). */
  readonly tokens: readonly string[];
  /** Whether the value builds on the variable's earlier value. */
  readonly appends: boolean;
}

/** A token on the effective kernel line and the assignment that put it there. */
export interface PlacedToken {
  readonly raw: string;
  readonly at: string;
}

const ASSIGNMENT = /^(\s*(?:export\s+)?)(GRUB_CMDLINE_LINUX(?:_DEFAULT)?)=(.*)$/;

/** Shell-unquote a simple value: "…", '…' or bare (the forms update-grub's `. /etc/default/grub` meets in practice). */
export function unquoteValue(raw: string): string {
  const v = raw.trim().replace(/\s+#.*$/, '');
  if (v.startsWith('"')) {
    const end = v.lastIndexOf('"');
    return v.slice(1, end > 0 ? end : undefined).replace(/\\(["\\$`])/g, '$1');
  }
  if (v.startsWith("'")) {
    const end = v.lastIndexOf("'");
    return v.slice(1, end > 0 ? end : undefined);
  }
  return v;
}

const reference = (token: string, variable: string): boolean => token === `$${variable}` || token === `\${${variable}}`;

/** Every assignment of a command line variable in a file, in line order. */
export function cmdlineAssignments(file: GrubFile): CmdlineAssignment[] {
  const out: CmdlineAssignment[] = [];
  file.text.split('\n').forEach((line, index) => {
    const m = ASSIGNMENT.exec(line);
    if (!m) return;
    const variable = m[2] as CmdlineVariable;
    const tokens = splitCmdline(unquoteValue(m[3] ?? ''));
    out.push({ variable, index, at: `${file.path}:${index + 1}`, tokens, appends: tokens.some((t) => CMDLINE_VARIABLES.some((v) => reference(t, v))) });
  });
  return out;
}

/** The value of both variables after sourcing `files` in order, each token with where it was set. */
export function effectiveCmdline(files: readonly GrubFile[]): Record<CmdlineVariable, PlacedToken[]> {
  const state: Record<CmdlineVariable, PlacedToken[]> = { GRUB_CMDLINE_LINUX: [], GRUB_CMDLINE_LINUX_DEFAULT: [] };
  for (const f of files) {
    for (const a of cmdlineAssignments(f)) {
      state[a.variable] = a.tokens.flatMap((t) => {
        const ref = CMDLINE_VARIABLES.find((v) => reference(t, v));
        return ref ? state[ref] : [{ raw: t, at: a.at }];
      });
    }
  }
  return state;
}

/** The tokens of a normal boot entry's kernel line. */
export const normalBootLine = (s: Record<CmdlineVariable, readonly PlacedToken[]>): PlacedToken[] => [...s.GRUB_CMDLINE_LINUX, ...s.GRUB_CMDLINE_LINUX_DEFAULT];

/** Quote tokens back into a double-quoted shell value (references stay live, other `"` and `\` are escaped). */
export function quoteValue(tokens: readonly string[]): string {
  return `"${tokens.map((t) => (CMDLINE_VARIABLES.some((v) => reference(t, v)) ? t : t.replace(/(["\\`])/g, '\\$1'))).join(' ')}"`;
}

/** The file text with the assignment at `index` holding `tokens` (its `export` and indentation kept). */
export function rewriteAssignment(text: string, index: number, tokens: readonly string[]): string {
  const lines = text.split('\n');
  const m = ASSIGNMENT.exec(lines[index] ?? '');
  if (!m) return text;
  lines[index] = `${m[1]}${m[2]}=${quoteValue(tokens)}`;
  return lines.join('\n');
}
