/**
 * `rig adhoc` / `rig shell` over real SSH (harness sshd hosts, the real CLI): Ansible's ad-hoc output and exit codes,
 * idempotence and check mode of a module run ad hoc, become, ping/setup/debug, unreachable hosts; a debug task in a
 * playbook; and `-a` parsing against the real ansible-core's parse_kv.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKv } from '../../src/cli/adhoc-args.ts';
import { PARSE_KV } from '../fixtures/adhoc/parse-kv.ts';
import { tempDir } from '../support/temp-dir.ts';
import { rig, repoPath } from './engine/cli.ts';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED adhoc integration tests: ${avail.reason}`);

const SECRET = 'adh0c-S3cret-77a1';
let lab: TestHosts;
let inv: string;
let names: string[];

/** `host | …` blocks of ad-hoc output, by host: the header line and the lines up to the next header. */
function blocks(stdout: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let cur: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) \| /.exec(line);
    if (m && names.includes(m[1]!)) out[m[1]!] = cur = [line];
    else if (cur && line !== '') cur.push(line);
  }
  return out;
}

/** The JSON after `host | STATE => `. */
function jsonOf(block: readonly string[]): unknown {
  return JSON.parse(block.join('\n').replace(/^\S+ \| [A-Z!]+ => /, ''));
}

describe.skipIf(!avail.ok)('rig adhoc over real SSH', () => {
  beforeAll(async () => {
    lab = await startTestHosts({ count: 2, prefix: 'adh' });
    names = lab.hosts.map((h) => h.name);
    inv = await lab.writeInventory(tempDir('rig-adhoc-inv-'), { groups: { web: [names[0]!] } });
    writeFileSync(path.join(inv, 'hosts.yml'), readFileSync(path.join(inv, 'hosts.yml'), 'utf8'));
    const gv = path.join(inv, 'group_vars');
    spawnSync('mkdir', ['-p', gv]);
    writeFileSync(path.join(gv, 'all.yml'), `api_token: !secret ${SECRET}\nnested: { list: [a, b] }\n`);
  });
  afterAll(async () => lab?.dispose());

  it("rig shell all 'uname -n': each host's output under `host | CHANGED | rc=0 >>`, exit 0", async () => {
    const run = await rig(['shell', 'all', '-i', inv, 'uname -n']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const b = blocks(run.stdout);
    for (const h of names) expect(b[h]).toEqual([`${h} | CHANGED | rc=0 >>`, h]);
  });

  it('a failing command: `host | FAILED | rc=3 >>` with stdout and stderr, exit 2', async () => {
    const run = await rig(['adhoc', 'all', '-i', inv, '-m', 'shell', '-a', 'echo out; echo err >&2; exit 3']);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    for (const h of names) {
      const b = blocks(run.stdout)[h]!;
      expect(b[0]).toBe(`${h} | FAILED | rc=3 >>`);
      expect(b.slice(1, 3)).toEqual(['out', 'err']);
    }
  });

  it('the default module is command (no shell: the pipe is an argument)', async () => {
    const run = await rig(['adhoc', names[0]!, '-i', inv, '-a', 'echo a | b']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(blocks(run.stdout)[names[0]!]).toEqual([`${names[0]} | CHANGED | rc=0 >>`, 'a | b']);
  });

  it('-m copy: CHANGED, then SUCCESS on the re-run; -C changes nothing', async () => {
    const args = ['adhoc', 'all', '-i', inv, '-b', '-m', 'ansible.builtin.copy', '-a', "content='hello adhoc' dest=/srv/adhoc.txt mode=0640"];
    const check = await rig([...args, '-C']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    for (const h of names) {
      expect(blocks(check.stdout)[h]![0]).toBe(`${h} | CHANGED => {`);
      expect(jsonOf(blocks(check.stdout)[h]!)).toMatchObject({ changed: true, predicted: true });
      expect((await lab.exec(h, 'test -e /srv/adhoc.txt && echo yes || echo no')).stdout.trim()).toBe('no');
    }
    const first = await rig(args);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    for (const h of names) {
      expect(jsonOf(blocks(first.stdout)[h]!)).toMatchObject({ changed: true });
      expect((await lab.exec(h, 'stat -c %a /srv/adhoc.txt; cat /srv/adhoc.txt')).stdout).toBe('640\nhello adhoc');
    }
    const again = await rig(args);
    expect(again.code).toBe(0);
    for (const h of names) expect(jsonOf(blocks(again.stdout)[h]!)).toEqual({ changed: false });
  });

  it('Jinja in -a is rendered per host (inventory vars, magic names, -e), then typed; an undefined name fails naming the host', async () => {
    const args = ['adhoc', 'all', '-i', inv, '-b', '-m', 'copy', '-a', 'content="{{ nested.list | join(\',\') }} on {{ inventory_hostname }} for {{ who }}" dest=/srv/adhoc-{{ inventory_hostname }}.txt mode={{ file_mode }}', '-e', 'who=ops file_mode=0600'];
    const run = await rig(args);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const h of names) expect((await lab.exec(h, `stat -c %a /srv/adhoc-${h}.txt; cat /srv/adhoc-${h}.txt`)).stdout).toBe(`600\na,b on ${h} for ops`);
    expect((await rig(args)).stdout).not.toMatch(/CHANGED/);
    const bad = await rig(['adhoc', 'all', '-i', inv, '-m', 'copy', '-a', 'content={{ nobody_defined_this }} dest=/srv/never.txt']);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/'nobody_defined_this' is undefined/);
    for (const h of names) expect((await lab.exec(h, 'test -e /srv/never.txt && echo yes || echo no')).stdout.trim()).toBe('no');
  });

  it('-b runs as root, --become-user as that user, without -b as the login user', async () => {
    const [plain, root, user] = await Promise.all([
      rig(['shell', names[0]!, '-i', inv, 'id -un']),
      rig(['shell', names[0]!, '-i', inv, '-b', 'id -un']),
      rig(['shell', names[0]!, '-i', inv, '-b', '--become-user', 'nobody', 'id -un']),
    ]);
    expect(blocks(plain.stdout)[names[0]!]?.[1]).toBe(lab.user);
    expect(blocks(root.stdout)[names[0]!]?.[1]).toBe('root');
    expect(blocks(user.stdout)[names[0]!]?.[1]).toBe('nobody');
  });

  it('-m ping: SUCCESS => {"changed": false, "ping": "pong"}', async () => {
    const run = await rig(['adhoc', 'all', '-i', inv, '-m', 'ping']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const h of names) {
      expect(blocks(run.stdout)[h]![0]).toBe(`${h} | SUCCESS => {`);
      expect(jsonOf(blocks(run.stdout)[h]!)).toEqual({ changed: false, ping: 'pong' });
    }
  });

  it('-m setup prints the gathered facts (filter by name globs)', async () => {
    const run = await rig(['adhoc', names[1]!, '-i', inv, '-m', 'setup', '-a', 'filter=hostname,os']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const facts = jsonOf(blocks(run.stdout)[names[1]!]!) as { ansible_facts: Record<string, unknown>; changed: boolean };
    expect(Object.keys(facts.ansible_facts).sort()).toEqual(['hostname', 'os']);
    expect(facts.ansible_facts.hostname).toBe(names[1]);
    expect(facts.changed).toBe(false);
    // Ansible's names too, as ansible's setup prints them (ansible_*), with its globs
    const ansible = await rig(['adhoc', names[1]!, '-i', inv, '-m', 'setup', '-a', 'filter=ansible_distribution*,ansible_os_family']);
    const af = (jsonOf(blocks(ansible.stdout)[names[1]!]!) as { ansible_facts: Record<string, unknown> }).ansible_facts;
    expect(Object.keys(af).sort()).toEqual(['ansible_distribution', 'ansible_distribution_major_version', 'ansible_distribution_release', 'ansible_distribution_version', 'ansible_os_family']);
    expect(af.ansible_os_family).toBe('Debian');
  });

  it('-m debug: msg, var (inventory, -e, magic, nested, undefined), verbosity; secrets redacted', async () => {
    const h = names[0]!;
    const cases: [string[], unknown][] = [
      [['-a', 'msg=hello'], { msg: 'hello' }],
      [[], { msg: 'Hello world!' }],
      [['-a', 'var=inventory_hostname'], { inventory_hostname: h }],
      [['-a', 'var=group_names'], { group_names: ['web'] }],
      [['-a', 'var=port', '-e', 'port=8080'], { port: '8080' }],
      [['-a', 'var=nested.list[1]'], { 'nested.list[1]': 'b' }],
      [['-a', 'var=nope'], { nope: 'VARIABLE IS NOT DEFINED!' }],
      [['-a', '{"msg": {"a": [1, true]}}'], { msg: { a: [1, true] } }],
      [['-a', 'var=api_token'], { api_token: '********' }],
    ];
    const runs = await Promise.all(cases.map(([args]) => rig(['adhoc', h, '-i', inv, '-m', 'debug', ...args])));
    runs.forEach((run, i) => {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(blocks(run.stdout)[h]![0]).toBe(`${h} | SUCCESS => {`);
      expect(jsonOf(blocks(run.stdout)[h]!)).toEqual(cases[i]![1]);
      expect(run.stdout).not.toContain(SECRET);
    });
    const quiet = await rig(['adhoc', h, '-i', inv, '-m', 'debug', '-a', 'msg=shh verbosity=2', '-v']);
    expect(quiet.stdout.trim().split('\n').filter((l) => !l.startsWith('<'))).toEqual([`${h} | SKIPPED`]);
    const loud = await rig(['adhoc', h, '-i', inv, '-m', 'debug', '-a', 'msg=shh verbosity=2', '-vv']);
    expect(jsonOf(blocks(loud.stdout)[h]!)).toEqual({ msg: 'shh' });
  });

  it('an unreachable host: `host | UNREACHABLE! =>` and exit 4, also when another host failed (as ansible)', async () => {
    const dir = tempDir('rig-adhoc-unreach-');
    const inv2 = await lab.writeInventory(dir);
    const file = path.join(inv2, 'hosts.yml');
    const doc = JSON.parse(readFileSync(file, 'utf8').replace(/^#.*\n/, '')) as { all: { hosts: Record<string, unknown> } };
    doc.all.hosts.ghost = { ansible_host: '127.0.0.254', ansible_port: 2 };
    writeFileSync(file, JSON.stringify(doc));
    names.push('ghost');
    try {
      const run = await rig(['shell', 'all', '-i', inv2, '-T', '3', `[ "$(hostname)" = ${names[0]} ] && exit 1; true`]);
      expect(run.code, run.stdout + run.stderr).toBe(4);
      const b = blocks(run.stdout);
      expect(b.ghost![0]).toBe('ghost | UNREACHABLE! => {');
      expect(jsonOf(b.ghost!)).toMatchObject({ changed: false, unreachable: true });
      expect(b[names[0]!]![0]).toBe(`${names[0]} | FAILED | rc=1 >>`);
      expect(b[names[1]!]![0]).toBe(`${names[1]} | CHANGED | rc=0 >>`);
      // debug runs on the controller and connects to nothing, as Ansible's (its action has _requires_connection = False)
      const debug = await rig(['adhoc', 'all', '-i', inv2, '-T', '3', '-m', 'debug', '-a', 'var=inventory_hostname']);
      expect(debug.code, debug.stdout + debug.stderr).toBe(0);
      expect(jsonOf(blocks(debug.stdout).ghost!)).toEqual({ inventory_hostname: 'ghost' });
    } finally {
      names.pop();
    }
  });

  it('bad input is reported before any connection (exit 5): module, args, pattern', async () => {
    const run = await rig(['adhoc', 'nosuchhost', '-i', inv, '-m', 'copy', '-a', 'contnt=x dest=/srv/x']);
    expect(run.code).toBe(5);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`-a "contnt=x dest=/srv/x": copy: unknown key 'contnt' (did you mean 'content'?)`);
    expect(run.stderr).toContain('PATTERN: "nosuchhost" matches no host and no group');
    const mod = await rig(['adhoc', 'all', '-i', inv, '-m', 'ansible.builtin.pnig']);
    expect(mod.code).toBe(5);
    expect(mod.stderr).toContain("rig has no module 'ansible.builtin.pnig' (did you mean 'ping'?)");
  });

  it('--json writes the report; -l limits', async () => {
    const json = path.join(tempDir('rig-adhoc-json-'), 'r.json');
    const run = await rig(['shell', 'all', '-i', inv, '-l', names[1]!, '--json', json, 'true']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { plays: { tasks: { results: Record<string, { status: string }> }[] }[]; exitCode: number };
    expect(Object.keys(report.plays[0]!.tasks[0]!.results)).toEqual([names[1]]);
    expect(report.plays[0]!.tasks[0]!.results[names[1]!]!.status).toBe('changed');
  });

  it('a debug task in a playbook: ok: [host] => {"msg": …} in the plain output, skipped above the -v level', async () => {
    const dir = tempDir('rig-adhoc-pb-');
    writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
    const pb = path.join(dir, 'debug.ts');
    writeFileSync(
      pb,
      `import { debug, definePlaybook } from ${JSON.stringify(repoPath('src/index.ts'))};
export default definePlaybook({
  hosts: 'all',
  gatherFacts: false,
  tasks: [
    debug((ctx) => ({ msg: \`hello \${ctx.host.name}\` }), { name: 'greet' }),
    debug({ var: 'api_token' }, { name: 'secret' }),
    debug({ msg: 'detail', verbosity: 1 }, { name: 'detail' }),
  ],
});
`,
    );
    const run = await rig(['run', pb, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const h of names) {
      expect(run.stdout).toContain(`ok: [${h}] => {\n    "msg": "hello ${h}"\n}`);
      expect(run.stdout).toContain(`ok: [${h}] => {\n    "api_token": "********"\n}`);
      expect(run.stdout).toContain(`skipping: [${h}]`);
      expect(run.report!.recap[h]).toMatchObject({ ok: 2, skipped: 1, execs: 0 });
    }
    expect(run.stdout + run.reportText).not.toContain(SECRET);
    const verbose = await rig(['run', pb, '-i', inv, '-v']);
    expect(verbose.stdout).toContain(`ok: [${names[0]}] => {\n    "msg": "detail"\n}`);
  });
});

const python = path.join(homedir(), '.cache/rig-test/ansible-venv/bin/python');
const hasAnsible = existsSync(python);
if (!hasAnsible) console.warn(`SKIPPED parse_kv comparison: no ansible-core at ${python} (test/integration/inventory-ansible.test.ts installs it)`);

describe.skipIf(!hasAnsible)("-a parsing against the real ansible-core's parse_kv", () => {
  it('every case of test/fixtures/adhoc/parse-kv.ts gives what ansible-core gives', () => {
    const script = `
import json, sys
from ansible.parsing.splitter import parse_kv
out = []
for text, raw in json.load(sys.stdin):
    try:
        r = parse_kv(text, check_raw=raw)
        res = {'options': {k: v for k, v in r.items() if k != '_raw_params'}}
        if '_raw_params' in r: res['raw'] = r['_raw_params']
    except Exception:
        res = 'error'
    out.append(res)
print(json.dumps(out))
`;
    const r = spawnSync(python, ['-c', script], { input: JSON.stringify(PARSE_KV.map(([t, raw]) => [t, raw])), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const ansible = JSON.parse(r.stdout) as unknown[];
    const ours = PARSE_KV.map(([t, raw]) => {
      try {
        const p = parseKv(t, raw);
        return { options: p.options, ...(p.raw !== undefined ? { raw: p.raw } : {}) };
      } catch {
        return 'error';
      }
    });
    expect(ours).toEqual(ansible);
    expect(PARSE_KV.map(([, , e]) => e)).toEqual(ansible);
  });
});
