/** GRUB facts: /etc/default/grub and the /etc/default/grub.d drop-ins, as text (grub-model.ts reads them). */
import { sh, type Fact } from '../../../src/index.ts';

/** /etc/default/grub as read from the host. */
export interface GrubDefaults {
  readonly path: string;
  /** File content; undefined when the file does not exist (no GRUB on this host). */
  readonly text?: string;
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
