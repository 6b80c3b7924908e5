/** `rig report RUN.json -o RUN.html`: render a `--json` report as the self-contained HTML page `--report` writes. */
import { readFile } from 'node:fs/promises';
import pc from 'picocolors';
import { ExitCode, formatProblem, type Problem } from '../core/index.ts';
import { renderReport, writeAtomic, type JsonReport } from '../reporters/index.ts';
import { jsonReportProblems, type JsonReportShape } from '../schema/json-report.ts';
import { reportFileProblem, sameFile } from './controller-checks.ts';

/** Read, check and render; resolves to the exit code (5 for an unreadable or foreign input, a bad output path). */
export async function reportCommand(jsonFile: string, output: string): Promise<number> {
  const fail = (p: Problem): number => {
    process.stderr.write(`${pc.red('ERROR:')} ${formatProblem(p)}\n`);
    return ExitCode.badInput;
  };
  // the arguments first: an -o naming the input is refused whatever the input holds
  if (await sameFile(jsonFile, output)) {
    return fail({ where: '-o', message: `-o ${output} is the JSON report ${jsonFile} itself: the page would overwrite it`, hint: `write the page to its own file, e.g. -o ${jsonFile.replace(/\.json$/i, '') || 'run'}.html` });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(jsonFile, 'utf8'));
  } catch (e) {
    return fail({ where: jsonFile, message: `cannot read the JSON report: ${(e as Error).message}`, hint: 'pass a file written by rig run --json FILE' });
  }
  // the whole document is checked before anything is written: the renderer may rely on every field's type
  const shape = jsonReportProblems(doc);
  if (shape.length) {
    const message = shape.length === 1 ? `not a rig --json report: ${shape[0]}` : `not a rig --json report:\n${shape.map((l) => `  ${l}`).join('\n')}`;
    return fail({ where: jsonFile, message, hint: 'pass a file written by rig run --json FILE (unchanged), or fix the values named above' });
  }
  const out = await reportFileProblem(output, '-o');
  if (out) return fail(out);
  await writeAtomic(output, renderReport(asJsonReport(doc as JsonReportShape)));
  process.stdout.write(`wrote ${output}\n`);
  return ExitCode.ok;
}

/** The checked document as the renderer's type (a compile error here means the schema and JsonReport drifted apart). */
const asJsonReport = (doc: JsonReportShape): JsonReport => doc;
