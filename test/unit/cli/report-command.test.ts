import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonReporter } from '../../../src/reporters/index.ts';
import { jsonReportProblems } from '../../../src/schema/json-report.ts';
import { checkRun, loopRun, realRun } from '../reporters/fixture-run.ts';

const result = { status: 'ok', durationMs: 3, execs: 1 };
const task = { id: 't1', name: 't', module: 'command', definedAt: 'site.ts:4', handler: false, results: { h: result } };
const good = { version: 2, check: false, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5, exitCode: 0, recap: {}, plays: [{ name: 'p', hosts: ['h'], tasks: [task] }] };
const withResult = (r: unknown) => ({ ...good, plays: [{ ...good.plays[0], tasks: [{ ...task, results: { h: r } }] }] });

describe('rig report: what a --json report must look like (the whole document, each problem by its JSON path)', () => {
  const cases: [string, unknown, string[]][] = [
    ['version 2', good, []],
    ['version 1 (no timings)', { ...good, version: 1 }, []],
    ['an array', [], ['it is not a JSON object, but a list']],
    ['null', null, ['it is not a JSON object, but null']],
    ['another version', { ...good, version: '2' }, ['its version is "2", this rig reads versions 1 and 2']],
    ['no version (an ansible callback output, a random JSON)', { plays: [] }, ['its version is missing, this rig reads versions 1 and 2']],
    ['no plays', { ...good, plays: {} }, ['plays: expected a list, got an object']],
    ['no recap', { ...good, recap: null }, ['recap: expected an object, got null']],
    ['a play without tasks', { ...good, plays: [{ name: 'p', hosts: [] }] }, ['plays[0].tasks: expected a list, got nothing (the key is missing)']],
    ['a task without results', { ...good, plays: [{ name: 'p', hosts: [], tasks: [{ ...task, results: undefined }] }] }, ['plays[0].tasks[0].results: expected an object, got nothing (the key is missing)']],
    ['a null result', withResult(null), ['plays[0].tasks[0].results.h: expected an object, got null']],
    ['an unknown status', withResult({ ...result, status: 'weird' }), ['plays[0].tasks[0].results.h.status: expected one of "ok", "changed", "failed", "skipped", "unreachable", got the string "weird"']],
    ['a result without status', withResult({ durationMs: 3, execs: 1 }), ['plays[0].tasks[0].results.h.status: expected one of "ok", "changed", "failed", "skipped", "unreachable", got nothing (the key is missing)']],
    ['a duration as text', withResult({ ...result, durationMs: 'abc' }), ['plays[0].tasks[0].results.h.durationMs: expected a number, got the string "abc"']],
    ['a negative start', withResult({ ...result, startMs: -4 }), ['plays[0].tasks[0].results.h.startMs: expected a number ≥ 0, got the number -4']],
    ['a bad loop item, deep', withResult({ ...result, items: [{ ...result, label: 7 }] }), ['plays[0].tasks[0].results.h.items[0].label: expected a string, got the number 7']],
    ['a diff without its text', withResult({ ...result, diff: [{ path: '/etc/x', before: '' }] }), ['plays[0].tasks[0].results.h.diff[0].after: expected a string, got nothing (the key is missing)']],
    ['a host name that is not a plain key', { ...good, recap: { 'web-1.example.com': { ok: 1 } } }, ['recap["web-1.example.com"].changed: expected a number, got nothing (the key is missing)', 'recap["web-1.example.com"].failed: expected a number, got nothing (the key is missing)', 'recap["web-1.example.com"].skipped: expected a number, got nothing (the key is missing)', 'recap["web-1.example.com"].unreachable: expected a number, got nothing (the key is missing)', 'recap["web-1.example.com"].ignored: expected a number, got nothing (the key is missing)', '… and 2 more']],
    ['a fractional count', { ...good, recap: { h: { ok: 1.5, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0, execs: 0 } } }, ['recap.h.ok: expected a whole number, got the number 1.5']],
    ['a start that is no date', { ...good, startedAt: 'x' }, ['startedAt: expected an ISO date and time (2026-01-31T12:00:00.000Z), got the string "x"']],
    ['no exit code', { ...good, exitCode: undefined }, ['exitCode: expected a number, got nothing (the key is missing)']],
    ['a setup that is not an object', { ...good, plays: [{ ...good.plays[0], setup: { h: 3 } }] }, ['plays[0].setup.h: expected an object, got the number 3']],
  ];
  for (const [name, doc, problems] of cases) it(`${name}: ${problems[0] ?? 'rendered'}`, () => expect(jsonReportProblems(doc)).toEqual(problems));

  it('accepts every document the JSON reporter writes', () => {
    for (const fixture of [realRun, checkRun, loopRun]) {
      const r = new JsonReporter({});
      expect(jsonReportProblems(JSON.parse(JSON.stringify(r.report(fixture(r)))))).toEqual([]);
    }
  });
});

const bin = join(import.meta.dirname, '../../../bin/rig.js');
const dir = mkdtempSync(join(tmpdir(), 'rig-report-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const report = (content: string) => {
  const file = join(dir, 'in.json');
  writeFileSync(file, content);
  const out = join(dir, 'out.html');
  rmSync(out, { force: true });
  const r = spawnSync(process.execPath, [bin, 'report', file, '-o', out], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  return { ...r, file, written: existsSync(out) };
};

describe('rig report on a malformed file: exit 5, the file and the JSON path, no stack trace, nothing written', () => {
  const cases: [string, string, string][] = [
    ['a null result (crashed the renderer)', JSON.stringify(withResult(null)), 'plays[0].tasks[0].results.h: expected an object, got null'],
    ['an unknown status', JSON.stringify(withResult({ ...result, status: 'weird', durationMs: 'abc' })), 'plays[0].tasks[0].results.h.status: expected one of'],
    ['empty', '', 'cannot read the JSON report'],
    ['not JSON', 'hello', 'cannot read the JSON report'],
  ];
  for (const [name, content, shown] of cases) {
    it(name, () => {
      const r = report(content);
      expect(r.status, r.stderr).toBe(5);
      expect(r.stderr).toContain(`${r.file}:`);
      expect(r.stderr).toContain(shown);
      expect(r.stderr).toContain('→ pass a file written by rig run --json FILE');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.written).toBe(false);
    });
  }

  it('several problems one per line', () => {
    const r = report(JSON.stringify(withResult({ status: 'weird', durationMs: 'abc', execs: 1 })));
    expect(r.status).toBe(5);
    expect(r.stderr).toContain('not a rig --json report:\n  plays[0].tasks[0].results.h.status: expected one of');
    expect(r.stderr).toContain('\n  plays[0].tasks[0].results.h.durationMs: expected a number, got the string "abc"');
  });

  it('a good file is rendered', () => {
    const r = report(JSON.stringify(good));
    expect(r.status, r.stderr).toBe(0);
    expect(r.written).toBe(true);
  });
});
