/** Print an error that escaped a command: validation problems as a list, anything else as a bug. */
import pc from 'picocolors';
import { ExitCode, formatProblem, redact, ValidationError, type Problem } from '../core/index.ts';

/** Print `e` to stderr and return the exit code for it. */
export function reportError(e: unknown): number {
  if (e instanceof ValidationError) {
    const n = e.problems.length;
    const changed = e.changedHosts.length ? `earlier plays had already changed ${e.changedHosts.join(', ')}; nothing more was changed` : 'nothing was changed on any host';
    process.stderr.write(`${pc.red(`ERROR: ${n} problem${n === 1 ? '' : 's'} found; ${changed}`)}\n`);
    for (const p of e.problems) process.stderr.write(`  ${redact(formatProblem(p)).replace(/\n/g, '\n  ')}\n`);
    return ExitCode.badInput;
  }
  process.stderr.write(`${pc.red('ERROR (unexpected):')} ${redact(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
  return 1;
}

/** Print non-fatal problems (e.g. a group_vars file for a group that does not exist) to stderr. */
export function printWarnings(warnings: readonly Problem[]): void {
  for (const w of warnings) process.stderr.write(`${pc.yellow('[WARNING]')} ${redact(formatProblem(w))}\n`);
}
