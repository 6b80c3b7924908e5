/**
 * No size limit on a play: 1500 tasks, a 1000-item loop and a later play make the batched read script of the first
 * exec well over 1 MiB (~3.5 MB), past Linux's 128 KiB cap on one argv word (sshd's `$SHELL -c`, then `sudo … sh -c`). The real
 * CLI runs such a playbook over real sshd, plain, with become, and with become through a sudo password: the first run
 * converges, the second changes nothing in as many execs per host as a small play (1: facts and every read batched).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { rig, repoPath, type CliRun } from './engine/cli.ts';
import { tempDir } from '../support/temp-dir.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED size-limit integration tests: ${avail.reason}`);

/** Execs per host of a no-op run of a play of reads only: one exec carries the facts and every task's reads. */
const NOOP_EXECS_PER_HOST = 1;

interface Size {
  readonly tasks: number;
  /** Tasks (of each play) that change on the first run: one shell task before them made the state of the others, so
   *  the test is about the size of the play, not about thousands of execs of changes (~80 ms each here). */
  readonly tasksChanging: number;
  readonly loop: number;
  /** Loop items that change on the first run: the others already exist, made by one shell task before the loop. */
  readonly loopChanging: number;
  readonly laterTasks: number;
}
// 60 changing items: one exec each (a loop is not planned ahead); the size of the play, not the changes, is the subject
const LARGE: Size = { tasks: 1500, tasksChanging: 40, loop: 1000, loopChanging: 60, laterTasks: 300 };
const SMALL: Size = { tasks: 8, tasksChanging: 8, loop: 3, loopChanging: 1, laterTasks: 2 };

/** A shell loop that makes the state of tasks 0..n-1 of `taskLine` (same content, modes, lines). */
function preMade(n: number): string {
  return (
    `i=0; while [ $i -lt ${n} ]; do case $((i % 4)) in ` +
    `0) printf 'content %s \\303\\274\\n' $i > c$i && chmod 0640 c$i ;; 1) mkdir -m 0750 d$i ;; 2) : > t$i ;; ` +
    `*) printf "line %s it's\\n" $i > l$i ;; esac || exit; i=$((i + 1)); done; : > done-premade`
  );
}

/** The `i`-th simple task: copy, directory, command with creates, or lineinfile, each on its own path under `dir`. */
function taskLine(dir: string, i: number): string {
  const p = (s: string): string => JSON.stringify(`${dir}/${s}${i}`);
  switch (i % 4) {
    case 0:
      return `copy({ dest: ${p('c')}, content: ${JSON.stringify(`content ${i} ü\n`)}, mode: '0640' }, { name: 'copy ${i}' }),`;
    case 1:
      return `directory({ path: ${p('d')}, mode: '0750' }, { name: 'dir ${i}' }),`;
    case 2:
      return `command({ cmd: ['touch', ${p('t')}], creates: ${p('t')} }, { name: 'touch ${i}' }),`;
    default:
      return `lineinfile({ path: ${p('l')}, line: ${JSON.stringify(`line ${i} it's`)}, create: true }, { name: 'line ${i}' }),`;
  }
}

/** A playbook file: one play of `size.tasks` tasks plus a `size.loop`-item loop under `dir`, then a later play. */
function writePlaybook(into: string, dir: string, become: boolean, size: Size): string {
  const items = JSON.stringify(Array.from({ length: size.loop }, (_, i) => `item-${i}`));
  const src = `import { command, copy, definePlaybook, directory, lineinfile, shell } from ${JSON.stringify(repoPath('src/index.ts'))};

const items: string[] = ${items};

export default definePlaybook(
  {
    name: 'many tasks',
    hosts: 'all',
    become: ${become},
    tasks: [
      directory({ path: ${JSON.stringify(dir)} }, { name: 'base dir' }),
      directory({ path: ${JSON.stringify(`${dir}/loop`)} }, { name: 'loop dir' }),
      shell({ cmd: ${JSON.stringify(`i=0; while [ $i -lt ${size.loop - size.loopChanging} ]; do printf 'item-%s\\n' $i > item-$i || exit; i=$((i + 1)); done`)}, chdir: ${JSON.stringify(`${dir}/loop`)}, creates: 'item-0' }, { name: 'most loop files' }),
      shell({ cmd: ${JSON.stringify(preMade(size.tasks - size.tasksChanging))}, chdir: ${JSON.stringify(dir)}, creates: 'done-premade' }, { name: 'most task states' }),
${Array.from({ length: size.tasks }, (_, i) => `      ${taskLine(dir, i)}`).join('\n')}
      copy<string>((ctx) => ({ dest: \`${dir}/loop/\${ctx.item}\`, content: \`\${ctx.item}\\n\` }), { name: 'loop', loop: items }),
    ],
  },
  {
    name: 'later play',
    hosts: 'all',
    become: ${become},
    tasks: [
      directory({ path: ${JSON.stringify(`${dir}/later`)} }, { name: 'later dir' }),
      shell({ cmd: ${JSON.stringify(preMade(size.laterTasks - size.tasksChanging))}, chdir: ${JSON.stringify(`${dir}/later`)}, creates: 'done-premade' }, { name: 'most later states' }),
${Array.from({ length: size.laterTasks }, (_, i) => `      ${taskLine(`${dir}/later`, i).replace(/name: '/, "name: 'later ")}`).join('\n')}
    ],
  },
);
`;
  writeFileSync(path.join(into, 'package.json'), '{ "type": "module" }\n');
  const file = path.join(into, 'playbook.ts');
  writeFileSync(file, src);
  return file;
}

/** Run `playbook` twice: the first converges, the second changes nothing. Returns both runs. */
async function twice(playbook: string, inv: string, env: Record<string, string>): Promise<[CliRun, CliRun]> {
  const first = await rig(['run', playbook, '-i', inv], env);
  expect(first.code, (first.stdout + first.stderr).slice(-3000)).toBe(0);
  const second = await rig(['run', playbook, '-i', inv], env);
  expect(second.code, (second.stdout + second.stderr).slice(-3000)).toBe(0);
  return [first, second];
}

const sum = (run: CliRun, key: 'changed' | 'failed' | 'execs'): Record<string, number> =>
  Object.fromEntries(Object.entries(run.report!.recap).map(([h, r]) => [h, r[key]]));

describe.skipIf(!avail.ok)('a play larger than one argv word, over real SSH', () => {
  let lab: TestHosts;
  let labPw: TestHosts;
  let inv: string;
  let invPw: string;
  beforeAll(async () => {
    [lab, labPw] = await Promise.all([startTestHosts({ count: 2, prefix: 'big' }), startTestHosts({ count: 1, prefix: 'bigpw', sudo: 'password' })]);
    inv = await lab.writeInventory(tempDir('rig-size-inv-'));
    invPw = await labPw.writeInventory(tempDir('rig-size-invpw-'));
  });
  afterAll(async () => {
    await lab?.dispose();
    await labPw?.dispose();
  });

  const variants = [
    { name: 'without become', become: false, dir: '/home/rigtest/rig-size', password: false },
    { name: 'with become (NOPASSWD sudo)', become: true, dir: '/srv/rig-size', password: false },
    { name: 'with become through a sudo password (RIG_BECOME_PASSWORD)', become: true, dir: '/srv/rig-size-pw', password: true },
  ];

  for (const v of variants) {
    it(`${v.name}: converges, then a no-op re-run costs ${NOOP_EXECS_PER_HOST} exec per host, like a small play`, async () => {
      const hosts = v.password ? labPw : lab;
      const env: Record<string, string> = v.password ? { RIG_BECOME_PASSWORD: hosts.sudoPassword } : {};
      const inventory = v.password ? invPw : inv;

      // the small play first: the exec count a no-op run of reads costs
      const [, smallNoop] = await twice(writePlaybook(tempDir('rig-size-small-'), `${v.dir}-small`, v.become, SMALL), inventory, env);
      expect(Object.values(sum(smallNoop, 'changed'))).toEqual(hosts.hosts.map(() => 0));
      expect(Object.values(sum(smallNoop, 'execs'))).toEqual(hosts.hosts.map(() => NOOP_EXECS_PER_HOST));

      const playbook = writePlaybook(tempDir('rig-size-large-'), v.dir, v.become, LARGE);
      const t0 = Date.now();
      const first = await rig(['run', playbook, '-i', inventory], env);
      const firstMs = Date.now() - t0;
      expect(first.code, (first.stdout + first.stderr).slice(-3000)).toBe(0);
      // base dir, loop dir, most loop files, most task states, the changing tasks, the loop; later dir, most later states, its changing tasks
      for (const n of Object.values(sum(first, 'changed'))) expect(n).toBe(4 + LARGE.tasksChanging + 1 + 2 + LARGE.tasksChanging);
      const t1 = Date.now();
      const noop = await rig(['run', playbook, '-i', inventory], env);
      const noopMs = Date.now() - t1;
      expect(noop.code, (noop.stdout + noop.stderr).slice(-3000)).toBe(0);
      expect(Object.values(sum(noop, 'changed'))).toEqual(hosts.hosts.map(() => 0));
      expect(Object.values(sum(noop, 'failed'))).toEqual(hosts.hosts.map(() => 0));
      expect(sum(noop, 'execs')).toEqual(sum(smallNoop, 'execs'));
      console.log(
        `${v.name}: ${LARGE.tasks} tasks + ${LARGE.loop}-item loop + ${LARGE.laterTasks} later on ${hosts.hosts.length} host(s): ` +
          `first run ${firstMs} ms (execs ${JSON.stringify(sum(first, 'execs'))}), no-op run ${noopMs} ms (execs ${JSON.stringify(sum(noop, 'execs'))})`,
      );

      for (const h of hosts.hosts) {
        const owner = v.become ? 'root' : hosts.user;
        const r = await hosts.exec(
          h.name,
          `cd ${v.dir} && find . -type f | wc -l && find loop -type f | wc -l && stat -c '%U %a' c0 d1 && cat c${LARGE.tasks - 4} l3 loop/item-${LARGE.loop - 1}`,
        );
        const files = (LARGE.tasks / 4) * 3 + LARGE.loop + (LARGE.laterTasks / 4) * 3 + 2; // + the two done-premade markers
        expect(r.stdout).toBe(`${files}\n${LARGE.loop}\n${owner} 640\n${owner} 750\ncontent ${LARGE.tasks - 4} ü\nline 3 it's\nitem-${LARGE.loop - 1}\n`);
      }
    }, 1_800_000);
  }
});
