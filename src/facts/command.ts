/** Facts for the command/shell modules: does a path exist (for `creates` / `removes`)? */
import type { Fact } from '../core/fact.ts';
import { sh } from '../core/quote.ts';

/** Whether a path exists on the host (`test -e`, so a dangling symlink counts as missing). */
export const pathExists: Fact<boolean, string> = {
  name: 'command.pathExists',
  command: (path) => sh`if test -e ${path}; then echo yes; else echo no; fi`.text,
  parse(out, path) {
    const answer = out.stdout.trim();
    if (answer === 'yes') return true;
    if (answer === 'no') return false;
    throw new Error(`test -e ${path}: unexpected output ${JSON.stringify(out.stdout)}`);
  },
};
