/** roles/consul install methods: upload unchanged, archive needs its sha256, apt repo + pinned package; paths follow the method. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Task, TaskResult } from '../../../src/core/index.ts';
import { aptModule } from '../../../src/modules/apt.ts';
import { debianFacts, planTask } from '../../../src/testing/index.ts';
import role, { restartConsul } from '../../../roles/consul/index.ts';
import { consulInstall } from '../../../roles/consul/install.ts';

const byName = (n: string): Task<unknown> => {
  const t = role.tasks.find((x): x is Task<unknown> => x.kind === 'task' && x.options.name === n);
  if (!t) throw new Error(`no task ${n} in roles/consul`);
  return t;
};
const capture = (dir: string, name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/facts/${dir}/${name}.json`, import.meta.url), 'utf8')) as { stdout: string; stderr: string; code: number };
// every file read answers "absent" (captured), the downloader read answers curl (captured)
const reads = (cmd: string) => (cmd.includes('command -v curl') ? capture('get-url', 'tool-curl') : capture('files', 'missing'));
const base = { ...role.defaults, cluster_cidr: '10.77.0.0/24' };
const SUM = 'a'.repeat(64);

/** Resolve a task's `when` and args for a host the way the runner's preflight does (a ValidationError is thrown). */
function resolve(name: string, vars: Record<string, unknown>, facts = debianFacts(), hostName = 'lab1', argsToo = true) {
  const t = byName(name);
  const ctx = { host: { name: hostName, groups: ['all'], vars, ssh: { address: '127.0.0.1', port: 22 }, become: false }, vars, facts, item: undefined, check: true } as never;
  const when = t.options.when === undefined ? true : typeof t.options.when === 'function' ? (t.options.when as (c: never) => boolean)(ctx) : t.options.when;
  return { when, args: when && argsToo ? (typeof t.args === 'function' ? (t.args as (c: never) => unknown)(ctx) : t.args) : undefined };
}
const INSTALL = ['consul binary (from the controller)', 'consul archive dir', 'consul release archive (sha256 verified)', 'consul binary (from the archive)', 'hashicorp apt key (from the controller)', 'hashicorp apt key (sha256 verified)', 'hashicorp apt repository', 'consul package'];
const active = (vars: Record<string, unknown>) => INSTALL.filter((n) => resolve(n, vars, debianFacts(), 'lab1', false).when);

/** The written unit for a method (template rendered by the real renderer). */
function unit(vars: Record<string, unknown>): string {
  const w = planTask(byName('consul unit'), { vars, reads }).plan.changes[0];
  if (w?.kind !== 'write') throw new Error('expected a write');
  return String(w.content);
}
const handlerCmd = (vars: Record<string, unknown>) => {
  const c = planTask(restartConsul, { vars, facts: { ...debianFacts(), hostname: 'lab2' } }).plan.changes[0];
  return c?.kind === 'exec' ? c.command : '';
};
function configValidate(vars: Record<string, unknown>): string | undefined {
  const key = byName('gossip key (once)');
  const results = new Map<Task<unknown>, TaskResult<unknown>>([[key, { status: 'ok', host: 'node1', task: 'gossip key (once)', definedAt: '', durationMs: 0, output: { key: 'k' } } as TaskResult<unknown>]]);
  const w = planTask(byName('consul config'), { vars, reads, results }).plan.changes[0];
  return w?.kind === 'write' ? w.validate : undefined;
}

describe('consul install: upload (the VM lab) is unchanged', () => {
  const vars = { ...base, consul_binary_src: '/root/.cache/rig-lab/consul/consul-1.21.0' };
  it('default method is upload; only the upload task runs, with the same arguments', () => {
    expect(consulInstall({ vars, host: { name: 'lab1' } } as never)).toBe('upload');
    expect(active(vars)).toEqual(['consul binary (from the controller)']);
    expect(resolve('consul binary (from the controller)', vars).args).toEqual({ src: '/root/.cache/rig-lab/consul/consul-1.21.0', dest: '/usr/local/bin/consul', mode: '0755' });
  });
  it('unit: the same bytes as the former files/consul.service (sha256 of the file before templating)', () => {
    const text = unit(vars);
    expect(createHash('sha256').update(text).digest('hex')).toBe('0ecdebedfaaded07a6269ffa5187bebe67efcf8f427ec33f18eab8de635f97d1');
    expect(text).toMatch(/^ExecStart=\/usr\/local\/bin\/consul agent -config-dir=\/etc\/consul.d\/$/m);
  });
  it('config validated and handler polling with /usr/local/bin/consul', () => {
    expect(configValidate(vars)).toBe('/usr/local/bin/consul validate -config-format=json %s');
    expect(handlerCmd(vars)).toContain('until /usr/local/bin/consul members -status=alive');
  });
});

describe('consul install: archive', () => {
  it('without consul_binary_src the default is archive, and consul_archive_sha256 is required: error naming host and variable', () => {
    expect(active(base)).toEqual(['consul archive dir', 'consul release archive (sha256 verified)', 'consul binary (from the archive)']);
    expect(() => resolve('consul release archive (sha256 verified)', base)).toThrow(
      "host lab1: consul_install 'archive' needs consul_archive_sha256 (the sha256 of https://releases.hashicorp.com/consul/1.21.0/consul_1.21.0_linux_amd64.zip; HashiCorp publishes SHA256SUMS): set the variable consul_archive_sha256",
    );
    expect(() => resolve('consul release archive (sha256 verified)', { ...base, consul_archive_sha256: 'abc' })).toThrow('host lab1: consul_archive_sha256 = "abc" is not a sha256 (64 hex digits)');
  });
  it('default URL from consul_version and the arch; the verified zip is kept, the binary extracted from it', () => {
    const vars = { ...base, consul_archive_sha256: SUM.toUpperCase() };
    expect(resolve('consul release archive (sha256 verified)', vars).args).toEqual({
      url: 'https://releases.hashicorp.com/consul/1.21.0/consul_1.21.0_linux_amd64.zip',
      dest: '/var/cache/rig/consul_1.21.0_linux_amd64.zip',
      checksum: `sha256:${SUM}`,
      mode: '0644',
    });
    expect(resolve('consul release archive (sha256 verified)', vars, { ...debianFacts(), arch: 'aarch64' }).args).toMatchObject({ url: 'https://releases.hashicorp.com/consul/1.21.0/consul_1.21.0_linux_arm64.zip' });
    expect(resolve('consul binary (from the archive)', vars).args).toEqual({ archive: '/var/cache/rig/consul_1.21.0_linux_amd64.zip', member: 'consul', dest: '/usr/local/bin/consul', mode: '0755' });
    expect(() => resolve('consul release archive (sha256 verified)', vars, { ...debianFacts(), arch: 'riscv64' })).toThrow('host lab1: no HashiCorp linux build known for arch riscv64: set consul_archive_url (and consul_archive_sha256)');
    const own = { ...vars, consul_archive_url: 'https://mirror.example/c.zip' };
    expect(resolve('consul release archive (sha256 verified)', own).args).toMatchObject({ url: 'https://mirror.example/c.zip', dest: '/var/cache/rig/c.zip' });
  });
  it('plans one download on a fresh host; the binary path stays /usr/local/bin/consul', () => {
    const vars = { ...base, consul_archive_sha256: SUM };
    const p = planTask(byName('consul release archive (sha256 verified)'), { vars, reads }).plan;
    expect(p.changes.map((c) => c.kind === 'exec' && c.description)).toEqual([`download https://releases.hashicorp.com/consul/1.21.0/consul_1.21.0_linux_amd64.zip to /var/cache/rig/consul_1.21.0_linux_amd64.zip (curl, sha256:aaaaaaaaaaaa…)`]);
    expect(configValidate(vars)).toBe('/usr/local/bin/consul validate -config-format=json %s');
  });
});

describe('consul install: apt', () => {
  const vars = { ...base, consul_install: 'apt', consul_apt_key_sha256: SUM };
  it('key downloaded (sha256 required), HashiCorp source line for the codename, consul pinned', () => {
    expect(active(vars)).toEqual(['hashicorp apt key (sha256 verified)', 'hashicorp apt repository', 'consul package']);
    expect(resolve('hashicorp apt key (sha256 verified)', vars).args).toEqual({ url: 'https://apt.releases.hashicorp.com/gpg', dest: '/usr/share/keyrings/hashicorp-archive-keyring.asc', checksum: `sha256:${SUM}`, mode: '0644' });
    expect(resolve('hashicorp apt repository', vars).args).toEqual({
      content: 'deb [signed-by=/usr/share/keyrings/hashicorp-archive-keyring.asc] https://apt.releases.hashicorp.com bookworm main\n',
      dest: '/etc/apt/sources.list.d/hashicorp.list',
      mode: '0644',
    });
    expect(resolve('consul package', vars).args).toEqual({ name: 'consul=1.21.0-*', updateCache: true });
    expect(resolve('consul package', { ...vars, consul_version: null }).args).toEqual({ name: 'consul', updateCache: true });
  });
  it('without consul_apt_key_src nor consul_apt_key_sha256: error naming host and variable', () => {
    expect(() => resolve('hashicorp apt key (sha256 verified)', { ...base, consul_install: 'apt' })).toThrow(/^host lab1: consul_install 'apt' without consul_apt_key_src needs consul_apt_key_sha256 .*set the variable consul_apt_key_sha256$/);
  });
  it('a key from the controller instead: copied, .gpg name = dearmored keyring', () => {
    const own = { ...base, consul_install: 'apt', consul_apt_key_src: '/keys/hashicorp.gpg' };
    expect(active(own)).toEqual(['hashicorp apt key (from the controller)', 'hashicorp apt repository', 'consul package']);
    expect(resolve('hashicorp apt key (from the controller)', own).args).toEqual({ src: '/keys/hashicorp.gpg', dest: '/usr/share/keyrings/hashicorp-archive-keyring.gpg', mode: '0644' });
  });
  it('apt plan: update + install while consul is missing, nothing once that version is installed', () => {
    const args = resolve('consul package', vars).args as { name: string; updateCache: boolean };
    const missing = aptModule.plan(args, { packages: {}, policy: {}, cache: { now: 1000, lastUpdate: 10 } }, undefined as never);
    expect(missing.changes.map((c) => c.kind === 'exec' && c.description)).toEqual(['apt-get update', 'apt-get install consul=1.21.0-*']);
    const installed = aptModule.plan(args, { packages: { consul: { name: 'consul', status: 'installed', version: '1.21.0-1', rawStatus: 'install ok installed' } }, policy: { consul: { installed: '1.21.0-1', candidate: '1.21.2-1' } }, cache: { now: 1000 } }, undefined as never);
    expect(installed.changes).toEqual([]);
  });
  it('unit, config validation and restart handler use /usr/bin/consul', () => {
    expect(unit(vars)).toMatch(/^ExecStart=\/usr\/bin\/consul agent -config-dir=\/etc\/consul.d\/$/m);
    expect(configValidate(vars)).toBe('/usr/bin/consul validate -config-format=json %s');
    expect(handlerCmd(vars)).toContain('until /usr/bin/consul members -status=alive');
  });
});

describe('consul install: bad method input stops at preflight', () => {
  it('unknown consul_install, or upload without consul_binary_src: errors naming host and variable', () => {
    expect(() => resolve('consul binary (from the controller)', { ...base, consul_install: 'brew' })).toThrow('host lab1: consul_install is "brew" (variable consul_install): one of upload, archive, apt');
    expect(() => resolve('consul binary (from the controller)', { ...base, consul_install: 'upload' })).toThrow("host lab1: consul_install is 'upload' but consul_binary_src (the controller path of the binary) is not set");
  });
});
