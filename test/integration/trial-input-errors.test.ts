/**
 * What a user trial found, through the real CLI against real sshd hosts (test/integration/harness): bad loop labels,
 * delegateTo functions and ctx.result reads are refused before any host changes; rig_known_hosts_file values that cannot
 * work are input errors (exit 5) naming host and variable before connecting, never a hang; --list-tasks honours -t;
 * report paths that clash or are empty are refused before any host is contacted.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { rig } from './engine/cli.ts';
import { tempDir } from '../support/temp-dir.ts';
import { isolatedProject } from './engine/isolated-project.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED trial input-error integration tests: ${avail.reason}`);

let lab: TestHosts;
let inv: string;
const { dir, env, RIG } = isolatedProject('rig-trial-');

/** A playbook whose first task touches /srv/trial/<name>-first on every host; `task` is TypeScript of the second one. */
function playbook(name: string, task: string, header = ''): string {
  const file = path.join(dir, `${name}.ts`);
  writeFileSync(
    file,
    [
      `import { command, debug, definePlaybook, file } from ${RIG};`,
      header,
      'export default definePlaybook({ hosts: "all", become: true, tasks: [',
      `  file({ path: '/srv/trial/${name}-first', state: 'touch' }, { name: 'first' }),`,
      `  ${task},`,
      ']});',
      '',
    ].join('\n'),
  );
  return file;
}

/** Every host's files under /srv/trial. */
async function trialFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const h of lab.hosts) out.push(...(await lab.exec(h.name, 'ls /srv/trial 2>/dev/null || true')).stdout.split('\n').filter(Boolean).map((f) => `${h.name}:${f}`));
  return out;
}

describe.skipIf(!avail.ok)('trial input errors on real sshd hosts', () => {
  beforeAll(async () => {
    lab = await startTestHosts({ count: 2, prefix: 'trial' });
    inv = await lab.writeInventory(path.join(dir, 'inv'));
    for (const h of lab.hosts) await lab.exec(h.name, 'mkdir -p /srv/trial');
  });
  afterAll(async () => lab?.dispose());

  // the trial's playbooks (/tmp/trial/bad): each must stop before the first task changes any host
  const refused: { name: string; task: string; header?: string; error: RegExp; atLoad?: boolean }[] = [
    { name: 'label-throws', task: `file((ctx) => ({ path: '/srv/trial/' + ctx.item.n, state: 'touch' }), { name: 'label throws', loop: [{ n: 'y1' }, { n: 'y2' }], label: (ctx) => (ctx.item as any).missing.deep })`, error: /label threw for item \{"n":"y1"\}: Cannot read properties of undefined/ },
    { name: 'label-num', task: `file((ctx) => ({ path: '/srv/trial/' + ctx.item, state: 'touch' }), { name: 'label num', loop: ['x1', 'x2'], label: 42 as never })`, error: /label-num\.ts:\d+: task options: label: expected a string or a function .*got 42/, atLoad: true },
    { name: 'label-undef', task: `file((ctx) => ({ path: '/srv/trial/' + ctx.item.n, state: 'touch' }), { name: 'label undefined', loop: [{ n: 'u1' }], label: ((ctx: any) => ctx.item.nope) as never })`, error: /label gave undefined for item \{"n":"u1"\}/ },
    { name: 'label-fnempty', task: `file((ctx) => ({ path: '/srv/trial/' + ctx.item.n, state: 'touch' }), { name: 'label fn empty', loop: [{ n: 'fe1' }], label: () => '' })`, error: /label gave '' for item/ },
    { name: 'deleg-fn-unknown', task: `file({ path: '/srv/trial/dfu', state: 'touch' }, { name: 'deleg fn unknown', delegateTo: (ctx) => ctx.host.name + 'x' })`, error: /delegateTo: no host 'trial1x' in the inventory .*did you mean 'trial1'/ },
    { name: 'reg-later', header: `const r = command({ cmd: ['echo', 'hi'] }, { name: 'later', changedWhen: false });`, task: `debug((ctx) => ({ msg: 'lines: ' + ctx.result(r).stdout }), { name: 'use result before it ran' }), r`, error: /ctx\.result: task 'later' \(.*reg-later\.ts:\d+\) has not run on trial1 yet/ },
    { name: 'reg-unlisted', header: `const r = command({ cmd: ['echo', 'hi'] }, { name: 'never in play', changedWhen: false });`, task: `debug((ctx) => ({ msg: 'lines: ' + ctx.result(r).stdout }), { name: 'use result of a task not in play' })`, error: /ctx\.result: task 'never in play' \(.*reg-unlisted\.ts:\d+\) is not in this play/ },
  ];
  for (const c of refused) {
    it(`${c.name}: exit 5 naming the task's file:line and each host once; nothing changed on any host`, async () => {
      const pb = playbook(c.name, c.task, c.header);
      const r = await rig(['run', pb, '-i', inv], env);
      expect(r.code, r.stdout + r.stderr).toBe(5);
      const out = r.stdout + r.stderr;
      expect(out).toMatch(c.error);
      // a static value is refused at load (no host), a function's result on each host
      if (!c.atLoad) expect(out).toMatch(new RegExp(`${c.name}\\.ts:\\d+ \\(host trial1\\)`));
      expect(out).toContain('nothing was changed on any host');
      expect(out).not.toMatch(/task t\d+/);
      expect(await trialFiles()).toEqual([]);
    });
  }

  it('a label with a newline is shown on one line, the secret in it redacted', async () => {
    const pb = playbook('label-multiline', `file((ctx) => ({ path: '/srv/trial/' + ctx.item.n, state: 'touch' }), { name: 'label multiline', loop: [{ n: 'm1', pw }], label: (ctx) => 'line1\\nline2 ' + ctx.item.pw })`, `import { secret } from ${RIG};\nconst pw = secret('s3cr3t-pw');`);
    const r = await rig(['run', pb, '-i', inv], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/changed: \[trial1\] => \(item=line1\\nline2 \S+\)/);
    expect(r.stdout + r.reportText).not.toContain('s3cr3t-pw');
    for (const h of lab.hosts) await lab.exec(h.name, 'rm -rf /srv/trial/*');
  });

  describe('rig_known_hosts_file', () => {
    const khInventory = async (name: string, value: unknown) => lab.writeInventory(path.join(dir, name), { hostVars: { [lab.hosts[0]!.name]: { rig_known_hosts_file: value } } });
    const pb = () => playbook('kh', `command({ cmd: ['true'] }, { name: 'probe', changedWhen: false })`);
    const cases: { name: string; value: (d: string) => unknown; accept?: boolean; error: RegExp }[] = [
      { name: 'under /proc (it hung rig forever)', value: () => '/proc/nope/known_hosts', accept: true, error: /host "trial1": rig_known_hosts_file \/proc\/nope\/known_hosts is under \/proc, a kernel interface/ },
      { name: 'a directory', value: (d) => d, error: /host "trial1": rig_known_hosts_file \S+ is a directory, not a known_hosts file/ },
      { name: 'under a regular file', value: (d) => path.join(d, 'plain', 'kh'), accept: true, error: /rig_known_hosts_file \S+ cannot exist: \S+plain is a file, not a directory/ },
      { name: 'a number', value: () => 42, error: /host "trial1": rig_known_hosts_file must be the path of a known_hosts file, got 42/ },
      { name: 'a relative path', value: () => 'kh/known_hosts', accept: true, error: /rig_known_hosts_file is the relative path "kh\/known_hosts"/ },
    ];
    for (const c of cases) {
      it(`${c.name}: exit 5 before connecting, naming host, variable and file:line`, async () => {
        const d = tempDir('rig-trial-kh-');
        writeFileSync(path.join(d, 'plain'), 'x\n');
        const i = await khInventory(`inv-${c.name.replace(/\W+/g, '-')}`, c.value(d));
        const started = Date.now();
        const r = await rig(['run', pb(), '-i', i, ...(c.accept ? ['--accept-new-host-keys'] : [])], env);
        expect(r.code, r.stdout + r.stderr).toBe(5);
        expect(r.stderr).toMatch(c.error);
        expect(r.stderr).toMatch(/hosts\.yml:\d+/);
        expect(r.report).toBeUndefined();
        expect(Date.now() - started).toBeLessThan(60_000);
        // nothing written into the inventory directory
        expect(existsSync(path.join(i, 'kh'))).toBe(false);
      });
    }

    it('accept-new into a missing nested directory names the top-most directory it created; without it, the hint creates the directory', async () => {
      const d = tempDir('rig-trial-kh2-');
      const kh = path.join(d, 'a', 'b', 'known_hosts');
      const i = await khInventory('inv-nested', kh);
      const refusedRun = await rig(['run', pb(), '-i', i, '-l', lab.hosts[0]!.name], env);
      expect(refusedRun.code).toBe(4);
      expect(refusedRun.stdout + refusedRun.stderr).toContain(`mkdir -p -m 700 ${path.dirname(kh)} && ssh-keyscan -p ${lab.hosts[0]!.port} ${lab.hosts[0]!.address} >> ${kh}`);
      const r = await rig(['run', pb(), '-i', i, '-l', lab.hosts[0]!.name, '--accept-new-host-keys'], env);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stderr).toContain(`Created directory '${path.join(d, 'a')}' (mode 0700).`);
      expect(existsSync(kh)).toBe(true);
    });
  });

  it('--list-tasks with -t lists only the selected tasks, as ansible-playbook', async () => {
    const file = path.join(dir, 'tags.ts');
    writeFileSync(file, `import { debug, definePlaybook } from ${RIG};\nexport default definePlaybook({ hosts: 'all', gatherFacts: false, tasks: [\n  debug({ msg: 'w' }, { name: 'web', tags: ['web'] }),\n  debug({ msg: 'd' }, { name: 'db', tags: ['db'] }),\n  debug({ msg: 'n' }, { name: 'none' }),\n]});\n`);
    const r = await rig(['run', file, '-i', inv, '--list-tasks', '-t', 'db'], env, { json: false });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('    ')).map((l) => l.trim().split('\t')[0])).toEqual(['db']);
    const skip = await rig(['run', file, '-i', inv, '--list-tasks', '--skip-tags', 'db', '--report', path.join(dir, 'x.html')], env, { json: false });
    expect(skip.stdout.split('\n').filter((l) => l.startsWith('    ')).map((l) => l.trim().split('\t')[0])).toEqual(['web', 'none']);
    expect(skip.stderr).toContain('no report is written with --list-tasks');
    expect(existsSync(path.join(dir, 'x.html'))).toBe(false);
  });

  it("--report '' and --json F --report F: exit 5, no host contacted", async () => {
    const pb = playbook('outputs', `command({ cmd: ['true'] }, { name: 'probe', changedWhen: false })`);
    const empty = await rig(['run', pb, '-i', inv, '--report', ''], env, { json: false });
    expect(empty.code).toBe(5);
    expect(empty.stderr).toContain('--report needs a file path');
    const f = path.join(dir, 'same.out');
    const same = await rig(['run', pb, '-i', inv, '--json', f, '--report', f], env, { json: false });
    expect(same.code).toBe(5);
    expect(same.stderr).toContain('are the same file');
    expect(existsSync(f)).toBe(false);
    expect((await trialFiles()).filter((x) => x.endsWith(':outputs-first'))).toEqual([]);
  });
});
