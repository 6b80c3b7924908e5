import { describe, expect, it } from 'vitest';
import { jsonReportShapeProblem } from '../../../src/cli/report-command.ts';

const good = { version: 2, check: false, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5, exitCode: 0, recap: {}, plays: [{ name: 'p', hosts: [], tasks: [{ name: 't', results: {} }] }] };

describe('rig report: what a --json report must look like', () => {
  const cases: [string, unknown, string | undefined][] = [
    ['version 2', good, undefined],
    ['version 1 (no timings)', { ...good, version: 1 }, undefined],
    ['an array', [], 'it is not a JSON object'],
    ['null', null, 'it is not a JSON object'],
    ['another version', { ...good, version: '2' }, 'its version is "2", this rig reads versions 1 and 2'],
    ['no version (an ansible callback output, a random JSON)', { plays: [] }, 'its version is undefined, this rig reads versions 1 and 2'],
    ['no plays', { ...good, plays: {} }, "it has no 'plays' list"],
    ['no recap', { ...good, recap: null }, "it has no 'recap' object"],
    ['a play without tasks', { ...good, plays: [{ name: 'p' }] }, "plays[0] has no 'tasks' list"],
    ['a task without results', { ...good, plays: [{ name: 'p', tasks: [{ name: 't' }] }] }, "plays[0].tasks[0] has no 'results' object"],
    ['no exit code', { ...good, exitCode: undefined }, "it lacks 'startedAt', 'durationMs' or 'exitCode'"],
  ];
  for (const [name, doc, problem] of cases) it(`${name}: ${problem ?? 'rendered'}`, () => expect(jsonReportShapeProblem(doc)).toBe(problem));
});
