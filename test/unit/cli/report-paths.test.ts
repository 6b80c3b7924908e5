/** Report outputs: an empty path, the same file twice (--json F --report F, rig report F -o F), and report flags given
 *  to a mode that runs nothing. Checked before any host is contacted. */
import { spawnSync } from 'node:child_process';
import { linkSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { controllerProblems, emptyReportPathProblems, reportFileProblem, sameFile, unwrittenReportWarnings } from '../../../src/cli/controller-checks.ts';
import { reportCommand } from '../../../src/cli/report-command.ts';
import { definePlaybook } from '../../../src/index.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('an empty report path is a usage error naming the flag', () => {
  for (const flag of ['--json', '--report', '-o']) {
    it(`${flag} ''`, async () => {
      const p = await reportFileProblem('', flag);
      expect(p).toEqual({ where: flag, message: `${flag} needs a file path, got an empty string`, hint: expect.stringContaining(`e.g. ${flag} report.`) });
    });
  }
  it("rig adhoc --json '' (also with --list-hosts): exit 5, said once", () => {
    const inv = tempDir('rig-empty-inv-');
    writeFileSync(path.join(inv, 'hosts.yml'), 'all:\n  hosts: { h: { ansible_connection: local } }\n');
    for (const extra of [[], ['--list-hosts']]) {
      const r = spawnSync(process.execPath, [path.resolve('bin/rig.js'), 'adhoc', 'all', '-i', inv, '-m', 'ping', '--json', '', ...extra], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status, r.stderr).toBe(5);
      expect(r.stderr.match(/--json needs a file path/g)).toHaveLength(1);
    }
  });

  it('run: both flags at once, only the empty ones', () => {
    expect(emptyReportPathProblems({ '--json': '', '--report': 'x.html' }).map((p) => p.message)).toEqual(['--json needs a file path, got an empty string']);
    expect(emptyReportPathProblems({ '--json': undefined, '--report': '' }).map((p) => p.message)).toEqual(['--report needs a file path, got an empty string']);
  });
});

describe('two outputs naming one file are refused', () => {
  const dir = tempDir('rig-same-');
  writeFileSync(path.join(dir, 'run.json'), '{}');
  linkSync(path.join(dir, 'run.json'), path.join(dir, 'hard.json'));
  symlinkSync(dir, path.join(dir, 'via'));
  const cases: [string, string, boolean][] = [
    ['run.json', 'run.json', true],
    ['run.json', './x/../run.json', true],
    ['run.json', 'via/run.json', true],
    ['run.json', 'hard.json', true],
    ['new.html', 'via/new.html', true],
    ['run.json', 'run.html', false],
    ['new.html', 'new2.html', false],
  ];
  for (const [a, b, same] of cases) {
    it(`${a} and ${b}: ${same ? 'one file' : 'two files'}`, async () => {
      expect(await sameFile(path.join(dir, a), path.join(dir, b))).toBe(same);
    });
  }

  it('--json F --report F: refused by the controller checks', async () => {
    const inv = tempDir('rig-same-inv-');
    writeFileSync(path.join(inv, 'hosts.yml'), 'all:\n  hosts: { h: }\n');
    const inventory = await loadInventory(inv);
    const pb = definePlaybook({ hosts: 'all', tasks: [] });
    const f = path.join(dir, 'both.out');
    const problems = await controllerProblems(pb, inventory, { json: f, report: path.join(dir, 'via/both.out') });
    expect(problems).toEqual([{ where: '--report', message: `--json ${f} and --report ${dir}/via/both.out are the same file: the HTML page would overwrite the JSON report`, hint: 'give each its own file, e.g. --json run.json --report run.html' }]);
  });

  it('rig report F -o F: refused, F left as it was (exit 5)', async () => {
    const f = path.join(dir, 'report.json');
    const doc = JSON.stringify({ version: 2, plays: [], recap: {}, startedAt: new Date(0).toISOString(), durationMs: 1, exitCode: 0 });
    writeFileSync(f, doc);
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await reportCommand(f, f);
    } finally {
      process.stderr.write = write;
    }
    expect(code).toBe(5);
    expect(err.join('')).toContain(`-o: -o ${f} is the JSON report ${f} itself: the page would overwrite it`);
    expect(err.join('')).toContain(`-o ${path.join(dir, 'report')}.html`);
    expect(readFileSync(f, 'utf8')).toBe(doc);
  });
});

describe('report flags with a mode that runs nothing', () => {
  it('warn, per flag given, naming the mode', () => {
    expect(unwrittenReportWarnings('--list-tasks', { json: 'r.json', report: 'r.html' }).map((w) => [w.where, w.message])).toEqual([
      ['--json', '--json r.json: no report is written with --list-tasks, which runs no task'],
      ['--report', '--report r.html: no report is written with --list-tasks, which runs no task'],
    ]);
    expect(unwrittenReportWarnings('--syntax-check', { report: 'r.html' })[0]!.hint).toBe('drop --syntax-check to run the playbook and write the report');
  });
  it('nothing when a run writes them, or none is given', () => {
    expect(unwrittenReportWarnings(undefined, { json: 'r.json' })).toEqual([]);
    expect(unwrittenReportWarnings('--list-hosts', {})).toEqual([]);
  });
});
