/** planTask: what a role author uses to test a task's plan without SSH. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copy, lineinfile } from '../../../src/index.ts';
import { debianFacts, planTask } from '../../../src/testing/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** Serve each declared read by running its command here: real output, as a host would print it. */
const local = (cmd: string) => {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 1 };
};

describe('planTask', () => {
  it('plans against given facts and read outputs, and is [] once converged', () => {
    const dir = tempDir('rig-plantask-');
    const dest = path.join(dir, 'hostname.conf');
    const task = copy((ctx) => ({ dest, content: `name=${ctx.facts.hostname} ${String(ctx.vars.suffix)}\n` }));
    const facts = debianFacts({ hostname: 'web7' });
    const fresh = planTask(task, { facts, vars: { suffix: 'x' }, reads: local });
    // the file, and (planTask plans as check mode does) the directory it is written in
    expect(fresh.reads).toHaveLength(2);
    expect(fresh.reads[1]).toContain(dir);
    expect(fresh.plan.changes).toMatchObject([{ kind: 'write', path: dest, content: 'name=web7 x\n' }]);
    writeFileSync(dest, 'name=web7 x\n');
    expect(planTask(task, { facts, vars: { suffix: 'x' }, reads: local }).plan.changes).toEqual([]);
  });

  it('names the read it has no output for', () => {
    const task = lineinfile({ path: '/etc/hosts', line: '10.0.0.1 db' });
    expect(() => planTask(task, { reads: () => undefined })).toThrow(/no output given for read 'file'/);
  });
});
