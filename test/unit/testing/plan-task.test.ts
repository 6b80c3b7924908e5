/** planTask: what a role author uses to test a task's plan without SSH. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copy, lineinfile, shell, ValidationError, type TaskResult } from '../../../src/index.ts';
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

  describe('sees the context the runner builds', () => {
    const dest = '/etc/rig-plantask.conf';
    // a path no host here has: the reads run locally and find nothing
    const absent = local;
    const contentOf = (t: Parameters<typeof planTask>[0], input: Parameters<typeof planTask>[1]) => {
      const c = planTask(t, { reads: absent, ...input }).plan.changes[0];
      return c && 'content' in c ? String(c.content) : undefined;
    };

    it('ctx.var of an undefined name is the run\'s ValidationError, naming host and variable', () => {
      const task = copy((ctx) => ({ dest, content: String(ctx.var('port')) }));
      let err: unknown;
      try {
        planTask(task, { hostName: 'web1', reads: absent });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(/^web1: variable 'port' is not defined for host web1/);
      expect((err as ValidationError).problems[0]?.hint).toMatch(/group_vars\/host_vars, play vars, role defaults or with -e/);
      expect(contentOf(task, { vars: { port: 8080 } })).toBe('8080');
    });

    it('ctx.hostvars, ctx.groupHosts, ctx.factsOf and Jinja\'s magic names answer from the given inventory', () => {
      const task = copy((ctx) => ({
        dest,
        content: [ctx.hostvars('db1').ip, ctx.hostvars(ctx.host.name).me, ctx.groupHosts('dbs').join('+'), ctx.groupHosts('all').join('+'), ctx.factsOf('db1')?.hostname, ctx.render('{{ hostvars.db1.ip }} {{ group_names | join(",") }}')].join(' '),
      }));
      const input = { hostName: 'web1', vars: { me: 'w' }, hostvars: { db1: { ip: '10.0.0.5' } }, groups: { dbs: ['db1'], web: ['web1'] }, factsOf: { db1: debianFacts({ hostname: 'db-one' }) } };
      expect(contentOf(task, input)).toBe('10.0.0.5 w db1 web1+db1 db-one 10.0.0.5 web');
      // an unknown host is the run's error, not an empty object
      expect(() => planTask(copy((ctx) => ({ dest, content: String(ctx.hostvars('nohost').ip) })), { ...input, reads: absent })).toThrow(/web1: hostvars: no host 'nohost' in the inventory/);
    });

    it('evaluates `when`: false skips the task with no reads, as a run does; a non-boolean is refused', () => {
      const task = lineinfile({ path: '/etc/hosts', line: '10.0.0.1 db' }, { when: (ctx) => ctx.vars.manage === true });
      const skipped = planTask(task, { vars: { manage: false }, reads: () => undefined });
      expect(skipped).toEqual({ plan: { changes: [], skipped: 'conditional result was false' }, reads: [] });
      expect(planTask(task, { vars: { manage: true }, reads: local }).reads).toHaveLength(1);
      const bad = lineinfile({ path: '/etc/hosts', line: 'x' }, { when: (() => 'false') as unknown as () => boolean });
      expect(() => planTask(bad, { reads: local })).toThrow(/when gave "false", not a boolean/);
    });

    it('ctx.result and ctx.resultOf read the given results, on other hosts too', () => {
      const status = shell({ cmd: 'echo active' }, { name: 'status' });
      const given = (stdout: string) => ({ status: 'ok', host: 'x', task: 'status', definedAt: status.definedAt, durationMs: 0, execs: 1, stdout }) as TaskResult<unknown>;
      const task = copy((ctx) => ({ dest, content: `${String(ctx.result(status).stdout)} ${String(ctx.resultOf(status, 'db1')?.stdout)} ${String(ctx.resultOf(status, 'db2'))}` }));
      const results = new Map([[status, given('here')]]);
      expect(contentOf(task, { results, hostResults: { db1: new Map([[status, given('there')]]) } })).toBe('here there undefined');
      expect(() => planTask(task, { reads: absent })).toThrow(/ctx\.result: task 'status' \(.*plan-task\.test\.ts:\d+\) has no result on node1: give planTask its result \(results\)/);
    });
  });
});
