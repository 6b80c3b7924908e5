/**
 * -v, -vv, -vvv on a real host (Ansible's levels): -v task results with changes and registered output, -vv also the
 * commands, -vvv also every exec's batched script and timing; each command printed once per level, secrets redacted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.ts';
import { rig } from './engine/cli.ts';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED verbosity levels: ${avail.reason}`);

describe.skipIf(!avail.ok)('verbosity levels', () => {
  let lab: TestHosts;
  let inv: string;
  const dir = tempDir('rig-verbosity-');
  const pb = path.join(dir, 'pb.ts');
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  writeFileSync(
    pb,
    `import { command, definePlaybook, secret } from ${JSON.stringify(path.join(repo, 'src/index.ts'))};
const token = secret('tok-9f8e7d');
export default definePlaybook({
  hosts: 'all',
  gatherFacts: false,
  tasks: [command({ cmd: ['echo', 'hello-from-host'] }, { name: 'greet' }), command({ cmd: ['echo', token] }, { name: 'with secret' })],
});
`,
  );
  beforeAll(async () => {
    lab = await startTestHosts({ count: 1, prefix: 'vrb' });
    inv = await lab.writeInventory(tempDir('rig-verbosity-inv-'));
  });
  afterAll(async () => lab?.dispose());

  it.each([
    ['', { output: false, command: 0, trace: false }],
    ['-v', { output: true, command: 0, trace: false }],
    ['-vv', { output: true, command: 1, trace: false }],
    ['-vvv', { output: true, command: 1, trace: true }],
  ])('%s', async (flag, want) => {
    const run = await rig(['run', pb, '-i', inv, ...(flag ? [flag] : [])]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const out = run.stdout;
    expect(out.includes('      hello-from-host'), 'registered stdout shown').toBe(want.output);
    expect(out.split('\n').filter((l) => /^\s+\$ .*echo hello-from-host/.test(l)).length, 'the command, once').toBe(want.command);
    expect(/<vrb1> exec #1: rc=0 in \d+ms/.test(out), 'exec trace').toBe(want.trace);
    expect(out).not.toContain('tok-9f8e7d');
  });

  // noLog (Ansible's no_log): the task ran, nothing it holds reaches any output — its command line, its output, what
  // it changed, its loop items and labels — at any verbosity, in --json and in the HTML report, in both exec modes
  const hush = path.join(dir, 'nolog.ts');
  writeFileSync(
    hush,
    `import { command, copy, definePlaybook } from ${JSON.stringify(path.join(repo, 'src/index.ts'))};
export default definePlaybook({
  hosts: 'all',
  gatherFacts: false,
  tasks: [
    command({ cmd: 'echo pw-one-1a2b' }, { name: 'plain', noLog: true }),
    command((ctx) => ({ cmd: ['echo', String(ctx.item)] }), { name: 'looped', noLog: true, loop: ['pw-two-3c4d', 'pw-three-5e6f'] }),
    copy((ctx) => ({ dest: \`/tmp/rig-nolog-\${ctx.host.name}\`, content: 'pw-four-7a8b\\n' }), { name: 'file', noLog: true }),
    command({ cmd: 'echo visible-9c0d' }, { name: 'after' }),
  ],
});
`,
  );
  it.each([[[]], [['--no-segments']], [['--check', '--diff']]])('noLog hides everything a task holds, -vvv, --json and --report %j', async (extra) => {
    const out = tempDir('rig-nolog-out-');
    const json = path.join(out, 'run.json');
    const html = path.join(out, 'run.html');
    const run = await rig(['run', hush, '-i', inv, '-vvv', '--diff', '--json', json, '--report', html, ...extra], {}, { json: false });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const all = [run.stdout, run.stderr, readFileSync(json, 'utf8'), readFileSync(html, 'utf8')].join('\n');
    for (const s of ['pw-one-1a2b', 'pw-two-3c4d', 'pw-three-5e6f', 'pw-four-7a8b']) expect(all, s).not.toContain(s);
    // the run itself is still reported: the statuses, the trace of the execs, and the task without noLog in full
    expect(run.stdout).toContain('(output hidden: noLog)');
    if (!extra.includes('--check')) expect(run.stdout).toContain('visible-9c0d');
    if (!extra.includes('--check')) expect(run.stdout).toContain('exec #2: (script hidden: noLog)');
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { plays: { tasks: { name: string; results: Record<string, { status: string; items?: unknown[]; changes?: string[] }> }[] }[] };
    const looped = doc.plays[0]!.tasks.find((t) => t.name === 'looped')!.results['vrb1']!;
    expect(looped.items).toHaveLength(2);
    expect(looped.status).toBe('changed');
  });
});
