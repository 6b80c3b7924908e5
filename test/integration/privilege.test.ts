/**
 * One privilege model on real sshd hosts: every combination of play and task become notifies a handler, is cut off
 * before the handler ran (a later task fails) and is finished by the next run; a becomeUser task reads as that user
 * (never served root's cached output); sudo needing a password without -K, or with a wrong one, fails naming -K.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { rig, repoPath, tasksWithStatus } from './engine/cli.ts';
import { tempDir } from '../support/temp-dir.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED privilege integration tests: ${avail.reason}`);

let lab: TestHosts;
let labPw: TestHosts;
let inv: string;
let invPw: string;
const dir = tempDir('rig-priv-');
const RIG = JSON.stringify(repoPath('src/index.ts'));
writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');

/** A playbook whose `notify` task runs with `taskBecome` in a play with `playBecome`, then fails when -e fail=true. */
function handlerPlaybook(name: string, playBecome: boolean, taskBecome: boolean | 'pg', gatherFacts = true): string {
  const file = path.join(dir, `${name}.ts`);
  const become = taskBecome === 'pg' ? `become: true, becomeUser: 'pgtest'` : `become: ${taskBecome}`;
  writeFileSync(
    file,
    `import { command, copy, defineHandler, definePlaybook, shell } from ${RIG};
const h = defineHandler('record', shell({ cmd: 'echo ran >> /srv/priv/${name}.log' }));
export default definePlaybook({
  hosts: 'all',
  become: ${playBecome},
  gatherFacts: ${gatherFacts},
  handlers: [h],
  tasks: [
    copy({ dest: '/srv/priv/${name}.conf', content: 'v1\\n', mode: '0666' }, { name: 'config', ${become}, notify: [h] }),
    command({ cmd: ['false'] }, { name: 'cut off', when: (ctx) => ctx.vars.fail === true }),
  ],
});
`,
  );
  return file;
}

describe.skipIf(!avail.ok)('one privilege model', () => {
  beforeAll(async () => {
    [lab, labPw] = await Promise.all([startTestHosts({ count: 2, prefix: 'prv' }), startTestHosts({ count: 1, prefix: 'prvpw', sudo: 'password' })]);
    inv = await lab.writeInventory(tempDir('rig-priv-inv-'));
    invPw = await labPw.writeInventory(tempDir('rig-privpw-inv-'));
    for (const h of lab.hosts) {
      // a world-writable place every user may change, and a second user with a home only it can enter
      await lab.exec(h.name, 'mkdir -p /srv/priv && chmod 1777 /srv/priv && useradd -m -s /bin/sh pgtest && chmod 0700 /home/pgtest');
      await lab.exec(h.name, 'printf pg > /home/pgtest/only-pg && chown pgtest: /home/pgtest/only-pg && chmod 0600 /home/pgtest/only-pg');
      await lab.exec(h.name, 'printf root > /srv/root-only && chmod 0600 /srv/root-only');
    }
  });
  afterAll(async () => Promise.all([lab?.dispose(), labPw?.dispose()]));

  const combos: [string, boolean, boolean | 'pg', boolean?][] = [
    ['no-facts-task-become', false, true, false],
    ['no-facts-play-become-task-not', true, false, false],
    ['play-become-task-not', true, false],
    ['play-not-task-become', false, true],
    ['both-become', true, true],
    ['neither', false, false],
    ['play-become-task-as-pgtest', true, 'pg'],
    ['play-not-task-as-pgtest', false, 'pg'],
  ];
  for (const [name, playBecome, taskBecome, gatherFacts] of combos) {
    it(`${name}: the notification survives a cut-off run and the next run runs the handler once`, async () => {
      const host = lab.hosts[0]!.name;
      const pb = handlerPlaybook(name, playBecome, taskBecome, gatherFacts);
      const first = await rig(['run', pb, '-i', inv, '-l', host, '-e', '{"fail": true}']);
      expect(first.code, first.stdout + first.stderr).toBe(2);
      expect(tasksWithStatus(first, 'changed')[host]).toEqual([expect.stringMatching(/^config@/)]);
      expect((await lab.exec(host, `cat /srv/priv/${name}.log 2>/dev/null | wc -l`)).stdout.trim()).toBe('0');
      const second = await rig(['run', pb, '-i', inv, '-l', host]);
      expect(second.code, second.stdout + second.stderr).toBe(0);
      expect(tasksWithStatus(second, 'changed')[host]).toEqual([expect.stringMatching(/^record@/)]);
      expect((await lab.exec(host, `cat /srv/priv/${name}.log | wc -l`)).stdout.trim()).toBe('1');
      // no record left anywhere the facts script reads, nor where it does not (root's home)
      const left = await lab.exec(host, `cat /var/lib/rig/pending-handlers* /var/lib/rig/pending-handlers.d/* /home/${lab.user}/.local/state/rig/pending-handlers* /home/${lab.user}/.local/state/rig/pending-handlers.d/* /root/.local/state/rig/pending-handlers* /root/.local/state/rig/pending-handlers.d/* /home/pgtest/.local/state/rig/pending-handlers* /home/pgtest/.local/state/rig/pending-handlers.d/* 2>/dev/null; true`);
      expect(left.stdout).toBe('');
      const third = await rig(['run', pb, '-i', inv, '-l', host]);
      expect(third.report!.recap[host]!.changed).toBe(0);
    });
  }

  it('a becomeUser task reads as that user: its own files yes, root-only files no (never root’s cached answer)', async () => {
    const host = lab.hosts[1]!.name;
    const pb = path.join(dir, 'as-user.ts');
    writeFileSync(
      pb,
      `import { copy, definePlaybook } from ${RIG};
export default definePlaybook({
  hosts: 'all',
  become: true,
  tasks: [
    copy({ dest: '/srv/root-only', content: 'root' }, { name: 'as root' }),
    copy({ dest: '/home/pgtest/only-pg', content: 'pg' }, { name: 'as pgtest, own file', becomeUser: 'pgtest' }),
    copy({ dest: '/srv/root-only', content: 'root' }, { name: 'as pgtest, root file', becomeUser: 'pgtest', ignoreErrors: true }),
  ],
});
`,
    );
    const run = await rig(['run', pb, '-i', inv, '-l', host]);
    const results = run.report!.plays[0]!.tasks.map((t) => [t.name, t.results[host]!.status, t.results[host]!.msg ?? '']);
    expect(results.slice(0, 2)).toEqual([
      ['as root', 'ok', ''],
      ['as pgtest, own file', 'ok', ''],
    ]);
    expect(results[2]![1]).toBe('failed');
    expect(results[2]![2]).toMatch(/permission denied/);
  });

  it('sudo that needs a password: without -K and with a wrong one, a failure that says what to do; with -K it runs', async () => {
    const host = labPw.hosts[0]!.name;
    const pb = handlerPlaybook('pw', true, true);
    await labPw.exec(host, 'mkdir -p /srv/priv && chmod 1777 /srv/priv');
    const none = await rig(['run', pb, '-i', invPw], { RIG_BECOME_PASSWORD: '' });
    expect(none.code).toBe(2);
    expect(none.report!.recap[host]).toMatchObject({ failed: 1, unreachable: 0 });
    expect(none.stdout).toContain('sudo requires a password: pass -K');
    expect(none.stdout).not.toMatch(/UNREACHABLE|truncated/);
    const wrong = await rig(['run', pb, '-i', invPw], { RIG_BECOME_PASSWORD: 'not-the-password' });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain('sudo refused the become password');
    expect(wrong.stdout).not.toContain('not-the-password');
    const right = await rig(['run', pb, '-i', invPw], { RIG_BECOME_PASSWORD: labPw.sudoPassword });
    expect(right.code, right.stdout + right.stderr).toBe(0);
  });
});
