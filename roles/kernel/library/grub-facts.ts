/** GRUB facts: /etc/default/grub and its GRUB_CMDLINE_LINUX tokens, and the running kernel's command line tokens. */
import { sh, type Fact } from '../../../src/index.ts';

/** /etc/default/grub as read from the host. */
export interface GrubDefaults {
  readonly path: string;
  /** File content; undefined when the file does not exist (no GRUB on this host). */
  readonly text?: string;
}

/** One `NAME=value` assignment found in a GRUB defaults file. */
export interface GrubAssignment {
  /** 0-based line index of the last assignment (the one the shell keeps). */
  readonly line: number;
  /** The value with its shell quotes removed. */
  readonly value: string;
  readonly tokens: readonly string[];
}

const MISSING = '__rig_grub_missing__';

/** Content of a GRUB defaults file (default /etc/default/grub); absence is a value, not an error. */
export const grubDefaults: Fact<GrubDefaults, string> = {
  name: 'grub.defaults',
  paths: (path) => [path],
  command: (path) => sh`if test -f ${path}; then cat -- ${path}; else echo ${MISSING}; fi`.text,
  parse(out, path) {
    if (out.code !== 0) throw new Error(`cannot read ${path}: ${out.stderr.trim() || `exit ${out.code}`}`);
    if (out.stdout.trim() === MISSING) return { path };
    return { path, text: out.stdout };
  },
};

// shell-unquote a simple value: "…", '…' or bare (the forms update-grub's `. /etc/default/grub` accepts in practice)
function unquote(raw: string): string {
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

/** Split a kernel command line into tokens (whitespace separated). */
export function cmdlineTokens(value: string): string[] {
  return value.split(/\s+/).filter((t) => t !== '');
}

/** The last `variable=` assignment in a GRUB defaults file (undefined when there is none). */
export function grubAssignment(text: string, variable = 'GRUB_CMDLINE_LINUX'): GrubAssignment | undefined {
  const re = new RegExp(`^\\s*(?:export\\s+)?${variable}=(.*)$`);
  let found: GrubAssignment | undefined;
  text.split('\n').forEach((l, i) => {
    const m = re.exec(l);
    if (!m) return;
    const value = unquote(m[1] ?? '');
    found = { line: i, value, tokens: cmdlineTokens(value) };
  });
  return found;
}

/** One file of /etc/default/grub.d (sourced after /etc/default/grub, in name order). */
export interface GrubDropIn {
  readonly path: string;
  readonly text: string;
}

const FILE_MARK = '__rig_grub_file__ ';

/** The *.cfg files of a grub.d directory (update-grub sources them after /etc/default/grub); none is a value. */
export const grubDropIns: Fact<readonly GrubDropIn[], string> = {
  name: 'grub.dropins',
  paths: (dir) => [dir],
  command: (dir) => sh`for f in ${dir}/*.cfg; do if test -f "$f"; then printf '%s%s\\n' ${FILE_MARK} "$f"; cat -- "$f"; echo; fi; done`.text,
  parse(out) {
    const files: { path: string; lines: string[] }[] = [];
    for (const line of out.stdout.split('\n')) {
      if (line.startsWith(FILE_MARK)) files.push({ path: line.slice(FILE_MARK.length), lines: [] });
      else files.at(-1)?.lines.push(line);
    }
    return files.map((f) => ({ path: f.path, text: f.lines.join('\n') }));
  },
};

/** Whether an assignment's raw value builds on the variable's earlier value (`"$GRUB_CMDLINE_LINUX x"`). */
export function appendsTo(text: string, variable: string): boolean {
  const a = grubAssignment(text, variable);
  return a !== undefined && new RegExp(`\\$\\{?${variable}\\b`).test(a.value);
}

/** The key of a token: `swapaccount=1` → `swapaccount`, `quiet` → `quiet`. */
export function tokenKey(token: string): string {
  const i = token.indexOf('=');
  return i < 0 ? token : token.slice(0, i);
}

/** Wanted tokens absent from `cmdline` (exact token match: `swapaccount=0` does not satisfy `swapaccount=1`). */
export function missingTokens(cmdline: string, wanted: readonly string[]): string[] {
  const have = new Set(cmdlineTokens(cmdline));
  return wanted.filter((t) => !have.has(t));
}
