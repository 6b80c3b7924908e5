/**
 * Jinja in inventory values against the real ansible-core: a fixture with templates at every level (YAML and INI
 * inventory files, group_vars, host_vars) rendered per host by rig and by `ansible PATTERN -m debug -a var=NAME -o`
 * (debug does not connect). ansible-core is the cached venv of inventory-ansible.test.ts; without it the test is skipped.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Play } from '../../src/core/index.ts';
import { loadInventory, selectHosts } from '../../src/inventory/index.ts';
import { RunState } from '../../src/runner/run-state.ts';
import { RecordingReporter } from '../../src/reporters/recording.ts';
import { tempDir } from '../support/temp-dir.ts';
import { CASES, VARS } from '../fixtures/jinja-expressions.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const bin = join(process.env.RIG_TEST_ANSIBLE_VENV ?? join(homedir(), '.cache/rig-test/ansible-venv'), 'bin');
const skip = !existsSync(join(bin, 'ansible'));
if (skip) console.warn(`SKIPPED inventory-jinja comparison: no ansible in ${bin} (test/integration/inventory-ansible.test.ts installs it)`);
const home = tempDir('rig-ansible-home-');
writeFileSync(join(home, 'ansible.cfg'), '[defaults]\n');
const env = { ...process.env, ANSIBLE_CONFIG: join(home, 'ansible.cfg'), ANSIBLE_HOME: home, ANSIBLE_NOCOLOR: '1', LC_ALL: 'C.UTF-8' };

const INV = 'test/fixtures/inventory/jinja-levels';
// variable → the hosts it is compared on (every host where it is defined)
const NAMES: readonly (readonly [string, string])[] = [
  ['fqdn', 'all'], ['admin', 'all'], ['api_url', 'web'], ['web_port', 'web'], ['ansible_host', 'all'], ['nic', 'web2*'],
  ['db_ports', 'db'], ['db_conf', 'db'], ['ansible_port', 'cache'], ['role_label', 'cache'], ['first_web', 'cache'],
  ['first_db_host', 'all'], ['web_count', 'all'], ['is_web', 'all'], ['flags', 'all'], ['web_user', 'web'], ['listen', 'web'],
  ['names_json', 'web'], ['ansible_user', 'web1'], ['upper_name', 'web1'], ['tern', 'web1'], ['go_format', 'all'], ['raw_braces', 'all'],
];

/** `host | SUCCESS => {"name": value}` lines of `ansible -o` → host → value. */
async function ansibleValues(pattern: string, name: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(join(bin, 'ansible'), [pattern, '-i', INV, '-m', 'debug', '-a', `var=${name}`, '-o'], { env, cwd: root });
  const out: Record<string, unknown> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) \| SUCCESS => (\{.*\})$/.exec(line);
    if (m) out[m[1]!] = (JSON.parse(m[2]!) as Record<string, unknown>)[name];
  }
  return out;
}

describe.skipIf(skip)('Jinja in inventory vars: rig renders what ansible-core renders', async () => {
  const inv = await loadInventory(join(root, INV));
  const play = { name: 'p', hosts: 'all', vars: {}, roles: [], tasks: [], definedAt: 'x' } as unknown as Play;
  const state = new RunState(inv, { reporter: new RecordingReporter(), connect: () => Promise.reject(new Error('no')) });
  it.each(NAMES)('%s on %s', async (name, pattern) => {
    const expected = await ansibleValues(pattern, name);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    const mine = Object.fromEntries(selectHosts(inv, pattern).map((h) => [h, state.varsFor(state.runtime(inv.host(h)!), { play })[name]]));
    expect(mine).toEqual(expected);
  });
});

describe.skipIf(skip)('the filter table of the unit tests is what ansible-core gives', () => {
  it(`${CASES.length} expressions, in one ansible run`, async () => {
    const dir = tempDir('rig-jinja-cases-');
    mkdirSync(join(dir, 'host_vars'));
    writeFileSync(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    x:\n');
    const cases = Object.fromEntries(CASES.map(([src], i) => [`c${i}`, src]));
    writeFileSync(join(dir, 'host_vars', 'x.yml'), JSON.stringify({ ...VARS, cases }));
    const { stdout } = await run(join(bin, 'ansible'), ['x', '-i', dir, '-m', 'debug', '-a', 'var=cases', '-o'], { env, cwd: root, maxBuffer: 16 << 20 });
    const got = (JSON.parse(/=> (\{.*\})$/m.exec(stdout)![1]!) as { cases: Record<string, unknown> }).cases;
    const differ = CASES.map(([src, value], i) => ({ src, rig: value, ansible: got[`c${i}`] })).filter((c) => JSON.stringify(c.rig) !== JSON.stringify(c.ansible));
    expect(differ).toEqual([]);
  });
});
