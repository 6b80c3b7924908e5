/**
 * rig as a user installs it (issue 15): `npm pack`, a project made by the packed `rig init`, `npm install`; then the
 * user's tsc on rig's published types, the scaffold's site playbook converging real sshd hosts from the project's own
 * directory, the packaged cluster roles (`rig/roles`) refusing bad input with task locations inside node_modules, and a
 * plain `npm init -y` (CommonJS) project told exactly what to change.
 */
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { rig } from './engine/cli.ts';
import { initProject, packRig, plainProject, projectRig, writeFiles } from '../support/packed-rig.ts';
import { tempDir } from '../support/temp-dir.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED the package tests that converge hosts: ${avail.reason}`);

const tsc = (dir: string): Promise<{ code: number; out: string }> =>
  $({ cwd: dir, nothrow: true, quiet: true })`npx --no-install tsc --noEmit`.then((r) => ({ code: r.exitCode ?? -1, out: r.stdout + r.stderr }));

/** Every file under `dir` with its size and mtime: what must not change while rig runs from it. */
function treeState(dir: string): string {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)} ${statSync(p).size} ${statSync(p).mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort().join('\n');
}

describe('rig installed from its tarball into a user project', () => {
  let tgz: string;
  let project: string;
  let lab: TestHosts | undefined;
  let inv: string;
  let installedBefore: string;

  beforeAll(async () => {
    tgz = await packRig();
    project = await initProject(tgz);
    installedBefore = treeState(path.join(project, 'node_modules', 'rig'));
    if (avail.ok) {
      lab = await startTestHosts({ count: 2, prefix: 'pk' });
      const names = lab.hosts.map((h) => h.name);
      inv = await lab.writeInventory(tempDir('rig-pkg-inv-'), { groups: { web: names } });
    }
  }, 600_000);

  afterAll(async () => {
    await lab?.dispose();
  });

  it('the tarball holds the built package only: dist/, bin/rig.js, scaffold/, README', async () => {
    const files = (await $({ quiet: true })`tar -tzf ${tgz}`).stdout.trim().split('\n');
    const top = [...new Set(files.map((f) => f.split('/')[1]))].sort();
    console.info(`package: ${files.length} files, ${statSync(tgz).size} bytes packed`);
    expect(top).toEqual(['README.md', 'bin', 'dist', 'docs', 'package.json', 'scaffold']);
    expect(files.filter((f) => f.startsWith('package/docs/'))).toEqual(['package/docs/modules.md']);
    for (const role of ['kernel', 'firewall', 'docker', 'consul', 'swarm']) expect(files).toContain(`package/dist/roles/${role}/README.md`);
    expect(files).toContain('package/dist/roles/consul/templates/consul.service.hbs');
    expect(files).toContain('package/scaffold/gitignore');
    expect(files).toContain('package/bin/rig.js');
    expect(files.filter((f) => f.startsWith('package/bin/'))).toEqual(['package/bin/rig.js']);
    expect(files).toContain('package/dist/src/index.d.ts');
    expect(files).toContain('package/dist/roles/index.d.ts');
    expect(files.some((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('package/scaffold/'))).toBe(false);
  });

  it('rig init, run by npx from the tarball, made the project depend on that tarball (npm has an unrelated "rig")', () => {
    const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string> };
    expect(pkg.type).toBe('module');
    expect(pkg.dependencies['rig']).toMatch(/^file:.*rig-\d+\.\d+\.\d+\.tgz$/);
    expect(path.resolve(project, pkg.dependencies['rig']!.slice('file:'.length))).toBe(tgz);
  });

  it("the user's tsc passes on the scaffold with rig's published types (no rig internals, no @types of rig's dependencies)", async () => {
    const r = await tsc(project);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
    // nothing of rig is type-checked from source, and the user installed no @types but node's
    expect(readdirSync(path.join(project, 'node_modules', '@types')).sort()).toEqual(['node']);
  });

  it("the user's tsc names a misspelled module argument and where it is", async () => {
    const bad = path.join(project, 'playbooks', 'typo.ts');
    writeFileSync(bad, "import { copy, definePlaybook } from 'rig';\nexport default definePlaybook({ hosts: 'all', tasks: [copy({ dest: '/tmp/x', contnet: 'x' })] });\n");
    try {
      const r = await tsc(project);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/playbooks\/typo\.ts\(2,\d+\)/);
      expect(r.out).toContain("'contnet'");
    } finally {
      rmSync(bad);
    }
  });

  it.skipIf(!avail.ok)("the scaffold's site playbook converges real hosts from the project's directory, then changes nothing", async () => {
    const run = (extra: string[] = []) => rig(['run', 'playbooks/site.ts', '-i', inv, ...extra], {}, { cwd: project, bin: projectRig(project) });
    const check = await run(['--check']);
    expect(check.code, check.stderr + check.stdout).toBe(0);
    const first = await run();
    expect(first.code, first.stderr + first.stdout).toBe(0);
    for (const h of lab!.hosts) expect(first.report?.recap[h.name]?.changed).toBeGreaterThan(0);
    // check mode predicted exactly what the real run changed
    expect(Object.fromEntries(Object.entries(check.report!.recap).map(([h, r]) => [h, r.changed]))).toEqual(
      Object.fromEntries(Object.entries(first.report!.recap).map(([h, r]) => [h, r.changed])),
    );
    const again = await run();
    expect(again.code).toBe(0);
    for (const h of lab!.hosts) expect(again.report?.recap[h.name]?.changed).toBe(0);
    // task locations are the project's files
    const at = first.report!.plays.flatMap((p) => p.tasks.map((t) => t.definedAt));
    expect(at.every((a) => /^(roles|playbooks)\/.+\.ts:\d+$/.test(a)), at.join(', ')).toBe(true);
  });

  it('the packaged cluster roles (rig/roles) list their tasks at their own files inside node_modules', async () => {
    const r = await rig(['run', 'playbooks/cluster.ts', '-i', 'inventory-cluster', '--list-tasks'], {}, { cwd: project, bin: projectRig(project), json: false });
    expect(r.code, r.stderr).toBe(0);
    const locations = [...r.stdout.matchAll(/(node_modules\/rig\/dist\/roles\/[\w/.-]+\.js):\d+/g)].map((m) => m[1]!);
    expect(locations.length).toBeGreaterThan(20);
    for (const f of new Set(locations)) expect(statSync(path.join(project, f)).isFile()).toBe(true);
    expect(r.stdout).not.toMatch(/module_job|node:internal/);
  });

  it.skipIf(!avail.ok)('the packaged cluster roles refuse bad input naming host and variable, before anything runs', async () => {
    const bad = tempDir('rig-pkg-bad-');
    await lab!.writeInventory(bad, { groups: { managers: [lab!.hosts[0]!.name], workers: [lab!.hosts[1]!.name] }, hostVars: Object.fromEntries(lab!.hosts.map((h) => [h.name, { cluster_cidr: '10.0.0.0/33' }])) });
    const r = await rig(['run', 'playbooks/cluster.ts', '-i', bad], {}, { cwd: project, bin: projectRig(project) });
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.stdout + r.stderr).toMatch(/cluster_cidr/);
    expect(r.stdout + r.stderr).toContain(lab!.hosts[0]!.name);
  });

  it.skipIf(!avail.ok)("the packaged cluster roles' input play passes on good input against real hosts, read-only", async () => {
    writeFiles(project, {
      'playbooks/cluster-input.ts': "import { definePlaybook } from 'rig';\nimport { clusterInputPlay } from 'rig/roles';\n\nexport default definePlaybook(clusterInputPlay());\n",
    });
    const [m, w] = lab!.hosts;
    const cidr = `${m!.address.split('.').slice(0, 3).join('.')}.0/24`;
    const good = await lab!.writeInventory(tempDir('rig-pkg-good-'), { groups: { managers: [m!.name], workers: [w!.name] }, hostVars: Object.fromEntries(lab!.hosts.map((h) => [h.name, { cluster_cidr: cidr }])) });
    const r = await rig(['run', 'playbooks/cluster-input.ts', '-i', good], {}, { cwd: project, bin: projectRig(project) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const h of lab!.hosts) expect(r.report?.recap[h.name]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    const at = r.report!.plays.flatMap((p) => p.tasks.map((t) => t.definedAt));
    expect(at.every((a) => a.startsWith('node_modules/rig/dist/roles/')), at.join(', ')).toBe(true);
  });

  it.skipIf(!avail.ok)('a role package in node_modules (rig\'s answer to Galaxy): its templates, its task locations, role params', async () => {
    writeFiles(project, {
      'node_modules/acme-roles/package.json': JSON.stringify({ name: 'acme-roles', version: '1.0.0', type: 'module', exports: { '.': { types: './index.d.ts', default: './index.js' } } }),
      'node_modules/acme-roles/index.js': [
        "import { defineRole, template } from 'rig';",
        "export default defineRole({ name: 'acme-motd', defaults: { motd_text: 'hello' }, tasks: () => [",
        "  template({ src: 'motd.hbs', dest: '/etc/acme-motd', mode: '0644' }, { name: 'acme motd' }),",
        '] });',
        '',
      ].join('\n'),
      'node_modules/acme-roles/index.d.ts': "import type { Role } from 'rig';\ndeclare const role: Role<{ motd_text: string }>;\nexport default role;\n",
      'node_modules/acme-roles/templates/motd.hbs': '{{ motd_text }}, from the package\'s templates/\n',
      'playbooks/acme.ts': [
        "import { definePlaybook, withRoleParams } from 'rig';",
        "import acme from 'acme-roles';",
        "export default definePlaybook({ hosts: 'web', become: true, roles: [withRoleParams(acme, { motd_text: 'from params' })] });",
        '',
      ].join('\n'),
    });
    try {
      const typed = await tsc(project);
      expect(typed.out).toBe('');
      const run = (extra: string[] = []) => rig(['run', 'playbooks/acme.ts', '-i', inv, ...extra], {}, { cwd: project, bin: projectRig(project) });
      const check = await run(['--check', '--diff']);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toContain("from params, from the package's templates/");
      const real = await run();
      expect(real.code, real.stdout + real.stderr).toBe(0);
      const at = real.report!.plays.flatMap((p) => p.tasks.map((t) => t.definedAt));
      expect(at).toEqual(['node_modules/acme-roles/index.js:3']);
      for (const h of lab!.hosts) expect((await lab!.exec(h.name, 'cat /etc/acme-motd')).stdout).toBe("from params, from the package's templates/\n");
    } finally {
      rmSync(path.join(project, 'playbooks/acme.ts'));
    }
  });

  it('a role package that brings its own copy of rig is refused (its secrets would not be redacted), saying what to do', async () => {
    const dup = path.join(project, 'node_modules', 'dup-roles');
    await $({ quiet: true })`mkdir -p ${path.join(dup, 'node_modules')} && cp -r ${path.join(project, 'node_modules', 'rig')} ${path.join(dup, 'node_modules', 'rig')}`;
    writeFiles(project, {
      'node_modules/dup-roles/package.json': JSON.stringify({ name: 'dup-roles', version: '1.0.0', type: 'module', exports: './index.js' }),
      'node_modules/dup-roles/index.js': "import { defineRole, template, secret } from 'rig';\nexport default defineRole({ name: 'dup', tasks: () => [template({ src: 'x.hbs', dest: '/tmp/x', vars: { pw: secret('hunter2') } })] });\n",
      'playbooks/dup.ts': "import { definePlaybook } from 'rig';\nimport dup from 'dup-roles';\nexport default definePlaybook({ hosts: 'all', roles: [dup] });\n",
    });
    try {
      const r = await rig(['run', 'playbooks/dup.ts', '-i', 'inventory', '--list-tasks'], {}, { cwd: project, bin: projectRig(project), json: false });
      expect(r.code, r.stdout + r.stderr).toBe(5);
      expect(r.stdout + r.stderr).toContain(`two copies of rig are loaded: ${path.join(project, 'node_modules', 'rig')} (running) and ${path.join(dup, 'node_modules', 'rig')};`);
      expect(r.stdout + r.stderr).toContain('peerDependency');
      expect(r.stdout + r.stderr).not.toContain('hunter2');
    } finally {
      rmSync(dup, { recursive: true });
      rmSync(path.join(project, 'playbooks/dup.ts'));
    }
  });

  it('nothing is written into the installed package at run time', () => {
    expect(treeState(path.join(project, 'node_modules', 'rig'))).toBe(installedBefore);
  });

  it('a plain `npm init -y` project (CommonJS) is told exactly what to change, and runs once it has', async () => {
    const plain = await plainProject(tgz);
    writeFiles(plain, {
      'playbooks/hello.ts': "import { command, definePlaybook } from 'rig';\nexport default definePlaybook({ hosts: 'all', tasks: [command({ cmd: 'true' }, { name: 'hello' })] });\n",
      'inventory/hosts.yml': 'all:\n  hosts:\n    h1:\n      ansible_host: 192.0.2.1\n',
    });
    const listed = () => rig(['run', 'playbooks/hello.ts', '-i', 'inventory', '--list-tasks'], {}, { cwd: plain, bin: projectRig(plain), json: false });
    const before = await listed();
    expect(before.code).toBe(5);
    expect(before.stdout + before.stderr).toContain('"type": "module"');
    expect(before.stdout + before.stderr).toContain(path.join(plain, 'package.json'));
    expect(before.stdout + before.stderr).not.toMatch(/Cannot require|in a cycle/);
    await $({ cwd: plain, quiet: true })`npm pkg set type=module`;
    const after = await listed();
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).toContain('hello');
  });
});
