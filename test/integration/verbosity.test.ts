/**
 * -v, -vv, -vvv on a real host (Ansible's levels): -v task results with changes and registered output, -vv also the
 * commands, -vvv also every exec's batched script and timing; each command printed once per level, secrets redacted.
 */
import { writeFileSync } from 'node:fs';
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
});
