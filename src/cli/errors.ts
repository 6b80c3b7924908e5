/** Print an error that escaped a command: validation problems as a list, anything else as a bug. */
import { ExitCode, formatProblem, redact, ValidationError, type Problem } from '../core/index.ts';
import { palette, useColor } from '../reporters/colors.ts';

/** Colors for stderr: NO_COLOR / FORCE_COLOR and the terminal test of stderr itself, as every output of rig. */
const stderrColors = () => palette(useColor(process.stderr));

/** Print `e` to stderr and return the exit code for it. */
export function reportError(e: unknown): number {
  if (e instanceof ValidationError) {
    const n = e.problems.length;
    const changed = e.changedHosts.length ? `earlier plays had already changed ${e.changedHosts.join(', ')}; nothing more was changed` : 'nothing was changed on any host';
    process.stderr.write(`${stderrColors().error(`ERROR: ${n} problem${n === 1 ? '' : 's'} found; ${changed}`)}\n`);
    for (const p of e.problems) process.stderr.write(`  ${redact(formatProblem(p)).replace(/\n/g, '\n  ')}\n`);
    return ExitCode.badInput;
  }
  process.stderr.write(`${stderrColors().error('ERROR (unexpected):')} ${redact(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
  return 1;
}

/** Print non-fatal problems (e.g. a group_vars file for a group that does not exist) to stderr. */
export function printWarnings(warnings: readonly Problem[]): void {
  for (const w of warnings) process.stderr.write(`${stderrColors().warn('[WARNING]')} ${redact(formatProblem(w))}\n`);
}
