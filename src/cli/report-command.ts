/** `rig report RUN.json -o RUN.html`: render a `--json` report as the self-contained HTML page `--report` writes. */
import { readFile } from 'node:fs/promises';
import pc from 'picocolors';
import { ExitCode, formatProblem, type Problem } from '../core/index.ts';
import { renderReport, writeAtomic, type JsonReport } from '../reporters/index.ts';
import { reportFileProblem, sameFile } from './controller-checks.ts';

/** What is wrong with `doc` as a `--json` report (version 1 or 2), or undefined when it can be rendered. */
export function jsonReportShapeProblem(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return 'it is not a JSON object';
  const d = doc as Record<string, unknown>;
  if (d.version !== 1 && d.version !== 2) return `its version is ${JSON.stringify(d.version)}, this rig reads versions 1 and 2`;
  if (!Array.isArray(d.plays)) return "it has no 'plays' list";
  if (d.recap === null || typeof d.recap !== 'object') return "it has no 'recap' object";
  for (const [i, p] of (d.plays as unknown[]).entries()) {
    const play = p as Record<string, unknown> | null;
    if (play === null || typeof play !== 'object' || !Array.isArray(play.tasks)) return `plays[${i}] has no 'tasks' list`;
    for (const [j, t] of (play.tasks as unknown[]).entries()) {
      const task = t as Record<string, unknown> | null;
      if (task === null || typeof task !== 'object' || task.results === null || typeof task.results !== 'object') return `plays[${i}].tasks[${j}] has no 'results' object`;
    }
  }
  if (typeof d.startedAt !== 'string' || typeof d.durationMs !== 'number' || typeof d.exitCode !== 'number') return "it lacks 'startedAt', 'durationMs' or 'exitCode'";
  return undefined;
}

/** Read, check and render; resolves to the exit code (5 for an unreadable or foreign input, a bad output path). */
export async function reportCommand(jsonFile: string, output: string): Promise<number> {
  const fail = (p: Problem): number => {
    process.stderr.write(`${pc.red('ERROR:')} ${formatProblem(p)}\n`);
    return ExitCode.badInput;
  };
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(jsonFile, 'utf8'));
  } catch (e) {
    return fail({ where: jsonFile, message: `cannot read the JSON report: ${(e as Error).message}`, hint: 'pass a file written by rig run --json FILE' });
  }
  const shape = jsonReportShapeProblem(doc);
  if (shape) return fail({ where: jsonFile, message: `not a rig --json report: ${shape}`, hint: 'pass a file written by rig run --json FILE' });
  const out = await reportFileProblem(output, '-o');
  if (out) return fail(out);
  if (await sameFile(jsonFile, output)) {
    return fail({ where: '-o', message: `-o ${output} is the JSON report ${jsonFile} itself: the page would overwrite it`, hint: `write the page to its own file, e.g. -o ${jsonFile.replace(/\.json$/i, '') || 'run'}.html` });
  }
  await writeAtomic(output, renderReport(doc as JsonReport));
  process.stdout.write(`wrote ${output}\n`);
  return ExitCode.ok;
}
