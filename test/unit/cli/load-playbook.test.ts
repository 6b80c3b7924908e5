import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commonJsProblem, esmHint, loadPlaybook, nearestPackageJson } from '../../../src/cli/load-playbook.ts';
import { ValidationError } from '../../../src/core/errors.ts';
import { tempDir } from '../../support/temp-dir.ts';

const rig = path.resolve(import.meta.dirname, '../../../src/index.ts');
const bin = path.resolve(import.meta.dirname, '../../../bin/rig.js');

/** Write files into a fresh temp dir; returns its path. */
function tree(files: Record<string, string>): string {
  const root = tempDir('rig-pb-');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

/** tree() in an ES module package, as a user's project is (rig refuses a playbook that would load as CommonJS). */
const esmTree = (files: Record<string, string>): string => tree({ 'package.json': '{ "type": "module" }\n', ...files });

async function loadError(file: string): Promise<ValidationError> {
  try {
    await loadPlaybook(file);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

const rel = (p: string): string => path.relative(process.cwd(), p);

describe('loadPlaybook: an error while loading names the file:line that threw', () => {
  const cases: { name: string; files: Record<string, string>; where: string; message: RegExp }[] = [
    {
      name: 'a top-level throw in the playbook',
      files: { 'pb.ts': `// line 1\nconst x = 1;\nthrow new Error('x is ' + x);\nexport default {};\n` },
      where: 'pb.ts:3',
      message: /^cannot load playbook: x is 1$/,
    },
    {
      name: 'a role file reading a property of undefined',
      files: {
        'pb.ts': `import { definePlaybook } from '${rig}';\nimport web from './roles/web/index.ts';\nexport default definePlaybook({ hosts: 'all', roles: [web] });\n`,
        'roles/web/index.ts': `type Cfg = { port: number };\nconst cfg = undefined as unknown as Cfg;\n\nexport const port: number = cfg.port;\nexport default port;\n`,
      },
      where: 'roles/web/index.ts:4',
      message: /^cannot load playbook .*pb\.ts: TypeError: Cannot read properties of undefined \(reading 'port'\)$/,
    },
    {
      name: 'a helper function that throws, called by the playbook: the throw, not the call',
      files: {
        'pb.ts': `import { need } from './lib/need.ts';\nexport default need('WORKERS');\n`,
        'lib/need.ts': `/** Read a required setting. */\nexport function need(name: string): never {\n  throw new RangeError(\`\${name} is not set\`);\n}\n`,
      },
      where: 'lib/need.ts:3',
      message: /^cannot load playbook .*pb\.ts: RangeError: WORKERS is not set$/,
    },
    {
      name: 'a TypeScript syntax error',
      files: { 'pb.ts': `export default {\n  hosts: 'all',\n  tasks: [,,\n};\n` },
      where: 'pb.ts:4',
      message: /^cannot load playbook: syntax error: Unexpected/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dir = esmTree(c.files);
      const err = await loadError(path.join(dir, 'pb.ts'));
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]!.where).toBe(rel(path.join(dir, c.where)));
      expect(err.problems[0]!.message).toMatch(c.message);
    });
  }

  it('something thrown that is not an Error, a missing file and a default export that is not a playbook name the playbook', async () => {
    const dir = esmTree({ 'str.ts': `throw 'plain string';\n`, 'none.ts': `export const x = 1;\n`, 'site.yml': `- hosts: all\n  tasks: []\n` });
    const cases: [string, string][] = [
      ['str.ts', 'cannot load playbook: it threw "plain string"'],
      ['site.yml', 'rig playbooks are TypeScript modules, not Ansible YAML playbooks'],
      ['nope.ts', 'playbook file not found'],
      ['none.ts', 'the default export is not a playbook'],
    ];
    for (const [f, message] of cases) {
      const err = await loadError(path.join(dir, f));
      expect(err.problems).toEqual([expect.objectContaining({ where: path.join(dir, f), message })]);
    }
  });
});

describe('a playbook loaded as CommonJS (no "type": "module" in the nearest package.json) gets a hint', () => {
  const cycle = (file: string): string =>
    `Cannot require() ES Module ${file} in a cycle. A cycle involving require(esm) is not allowed to maintain invariants mandated by the ECMAScript specification. Try making at least part of the dependency in the graph lazily loaded.`;
  const tla = (file: string): string => `Transform failed with 1 error:\n${file}:2:10: ERROR: Top-level await is currently not supported with the "cjs" output format`;

  const cases: { name: string; files: Record<string, string>; file: string; message: (f: string) => string; hint: (dir: string) => string | undefined }[] = [
    {
      name: 'a package.json without "type"',
      files: { 'package.json': '{ "name": "ops" }\n', 'pb.ts': '' },
      file: 'pb.ts',
      message: cycle,
      hint: (d) => `${d}/pb.ts is loaded as CommonJS, which cannot import rig: ${d}/package.json (the package.json nearest to it) has no "type"; add "type": "module" to it`,
    },
    {
      name: 'a package.json with "type": "commonjs"',
      files: { 'package.json': '{ "type": "commonjs" }\n', 'pb.ts': '' },
      file: 'pb.ts',
      message: cycle,
      hint: (d) => `${d}/pb.ts is loaded as CommonJS, which cannot import rig: ${d}/package.json (the package.json nearest to it) has "type": "commonjs"; add "type": "module" to it`,
    },
    {
      name: 'the nearest package.json is in a parent directory',
      files: { 'package.json': '{}\n', 'ops/playbooks/pb.ts': '' },
      file: 'ops/playbooks/pb.ts',
      message: cycle,
      hint: (d) => `${d}/ops/playbooks/pb.ts is loaded as CommonJS, which cannot import rig: ${d}/package.json (the package.json nearest to it) has no "type"; add "type": "module" to it`,
    },
    {
      name: 'a role file in another package (named by the error, not the playbook)',
      files: { 'package.json': '{ "type": "module" }\n', 'pb.ts': '', 'shared/package.json': '{ "name": "roles" }\n', 'shared/roles/web/index.ts': '' },
      file: 'shared/roles/web/index.ts',
      message: cycle,
      hint: (d) => `${d}/shared/roles/web/index.ts is loaded as CommonJS, which cannot import rig: ${d}/shared/package.json (the package.json nearest to it) has no "type"; add "type": "module" to it`,
    },
    {
      name: "esbuild's top-level await error",
      files: { 'package.json': '{}\n', 'pb.ts': '' },
      file: 'pb.ts',
      message: tla,
      hint: (d) => `${d}/pb.ts is loaded as CommonJS, which cannot import rig: ${d}/package.json (the package.json nearest to it) has no "type"; add "type": "module" to it`,
    },
    {
      name: 'a package.json that is not JSON',
      files: { 'package.json': '{ type: module }\n', 'pb.ts': '' },
      file: 'pb.ts',
      message: cycle,
      hint: (d) => `${d}/pb.ts is loaded as CommonJS, which cannot import rig: ${d}/package.json (the package.json nearest to it) is not valid JSON; fix it and add "type": "module"`,
    },
    { name: 'already "type": "module" (another cause)', files: { 'package.json': '{ "type": "module" }\n', 'pb.ts': '' }, file: 'pb.ts', message: cycle, hint: () => undefined },
    { name: 'an unrelated error', files: { 'pb.ts': '' }, file: 'pb.ts', message: () => 'x is not defined', hint: () => undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dir = tree(c.files);
      const file = path.join(dir, c.file);
      expect(esmHint(c.message(file), path.join(dir, 'pb.ts'))).toBe(c.hint(dir));
    });
  }

  it.skipIf(nearestPackageJson(path.join(tempDir('rig-pb-probe-'), 'x.ts')) !== undefined)('no package.json anywhere above: says so, and where to create one', () => {
    const dir = tree({ 'pb.ts': '' });
    expect(esmHint(cycle(path.join(dir, 'pb.ts')), path.join(dir, 'pb.ts'))).toBe(
      `${dir}/pb.ts is loaded as CommonJS, which cannot import rig: there is no package.json in ${dir} or any directory above it; create ${dir}/package.json containing {"type": "module"}`,
    );
  });

  // the real thing: rig's CLI (built JS + tsx), a role file of the playbook in another package that is CommonJS
  it('rig run exits 5 with the hint when an imported file is CommonJS; with "type": "module" added the same playbook loads', () => {
    const dir = tree({
      'package.json': '{ "type": "module" }\n',
      'pb.ts': `import { definePlaybook } from '${rig}';\nimport web from './shared/web.ts';\nexport default definePlaybook({ hosts: 'all', roles: [web] });\n`,
      'shared/package.json': '{ "name": "shared" }\n',
      'shared/web.ts': `import { defineRole } from '${rig}';\nexport default defineRole({ name: 'web', tasks: () => [] });\n`,
      'hosts.yml': 'all:\n  hosts: { h1: }\n',
    });
    const run = () => spawnSync(process.execPath, [bin, 'run', path.join(dir, 'pb.ts'), '-i', path.join(dir, 'hosts.yml'), '--list-hosts'], { encoding: 'utf8', env: { ...process.env, CI: 'true', FORCE_COLOR: '0' } });
    const failed = run();
    expect(failed.status).toBe(5);
    expect(failed.stderr).toContain(`Cannot require() ES Module ${dir}/shared/web.ts in a cycle`);
    expect(failed.stderr).toContain(`→ ${dir}/shared/web.ts is loaded as CommonJS, which cannot import rig: ${dir}/shared/package.json (the package.json nearest to it) has no "type"; add "type": "module" to it`);
    writeFileSync(path.join(dir, 'shared/package.json'), '{ "name": "shared", "type": "module" }\n');
    const ok = run();
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('play: all (1 host)\n    h1\n');
    expect(ok.status).toBe(0);
  });
});

describe('a playbook that would be loaded as CommonJS is refused before it is loaded, saying what to change', () => {
  // the playbook leaves a mark when it is imported: refused means never imported
  const marker = (dir: string): string => `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(path.join(dir, 'imported'))}, '');\nexport default {};\n`;
  const cases: { name: string; files: Record<string, string>; file: string; problem: (dir: string) => { message: string; hint: string } | undefined }[] = [
    {
      name: 'a .ts playbook, package.json without "type" (npm init -y)',
      files: { 'package.json': '{ "name": "ops", "version": "1.0.0" }\n' },
      file: 'pb.ts',
      problem: (d) => ({
        message: `this playbook would be loaded as CommonJS, which cannot import rig (an ES module): ${d}/package.json, the package.json nearest to it, has no "type"`,
        hint: `add "type": "module" to ${d}/package.json (cd ${d} && npm pkg set type=module), or rename the playbook to pb.mts (an ES module in any package; so must be the files it imports: .mts too)`,
      }),
    },
    {
      name: 'a .js playbook in a parent package with "type": "commonjs"',
      files: { 'package.json': '{ "type": "commonjs" }\n' },
      file: 'ops/playbooks/site.js',
      problem: (d) => ({
        message: `this playbook would be loaded as CommonJS, which cannot import rig (an ES module): ${d}/package.json, the package.json nearest to it, has "type": "commonjs"`,
        hint: `add "type": "module" to ${d}/package.json (cd ${d} && npm pkg set type=module), or rename the playbook to site.mjs (an ES module in any package; so must be the files it imports: .mts too)`,
      }),
    },
    {
      name: 'a package.json that is not JSON',
      files: { 'package.json': '{ type: module }\n' },
      file: 'pb.ts',
      problem: (d) => ({ message: `${d}/package.json, the package.json nearest to this playbook, is not valid JSON`, hint: 'fix it, with "type": "module" in it' }),
    },
    {
      name: 'a .cts playbook, whatever the package',
      files: { 'package.json': '{ "type": "module" }\n' },
      file: 'pb.cts',
      problem: () => ({ message: 'a .cts file is CommonJS, which cannot import rig (an ES module)', hint: 'rename it to pb.mts, or to pb.ts in a package whose package.json has "type": "module"' }),
    },
    {
      name: 'a .cjs playbook',
      files: { 'package.json': '{ "type": "module" }\n' },
      file: 'pb.cjs',
      problem: () => ({ message: 'a .cjs file is CommonJS, which cannot import rig (an ES module)', hint: 'rename it to pb.mjs, or to pb.js in a package whose package.json has "type": "module"' }),
    },
    { name: 'a .mts playbook in a package without "type": an ES module', files: { 'package.json': '{}\n' }, file: 'pb.mts', problem: () => undefined },
    { name: 'a .ts playbook in a "type": "module" package', files: { 'package.json': '{ "type": "module" }\n' }, file: 'pb.ts', problem: () => undefined },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dir = tree(c.files);
      const file = path.join(dir, c.file);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, marker(dir));
      const want = c.problem(dir);
      expect(commonJsProblem(file)).toEqual(want);
      if (!want) return;
      const err = await loadError(file);
      expect(err.problems).toEqual([{ where: file, ...want }]);
      expect(existsSync(path.join(dir, 'imported'))).toBe(false);
    });
  }

  it.skipIf(nearestPackageJson(path.join(tempDir('rig-pb-probe-'), 'x.ts')) !== undefined)('no package.json anywhere above: where to create one', () => {
    const dir = tree({ 'pb.ts': '' });
    expect(commonJsProblem(path.join(dir, 'pb.ts'))).toEqual({
      message: `this playbook would be loaded as CommonJS, which cannot import rig (an ES module): there is no package.json in ${dir} or any directory above it`,
      hint: `playbooks live in a project that has rig installed: rig init ${dir} makes one (package.json with "type": "module"), then npm install there; or create ${dir}/package.json containing {"type": "module"} and npm install rig`,
    });
  });

  it('in the current directory the command is just `npm pkg set type=module`', () => {
    const dir = tree({ 'package.json': '{}\n', 'pb.ts': '' });
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect(commonJsProblem(path.join(dir, 'pb.ts'))?.hint).toContain(`add "type": "module" to ${dir}/package.json (npm pkg set type=module), or`);
    } finally {
      process.chdir(cwd);
    }
  });

  // the real thing: rig's CLI (built JS + tsx) on a project as `npm init -y` leaves it, then fixed as the hint says
  it('rig run exits 5 naming the package.json, before loading anything; after `npm pkg set type=module` it runs', () => {
    const dir = tree({
      'package.json': '{ "name": "ops", "version": "1.0.0", "main": "index.js" }\n',
      'playbooks/site.ts': `import { definePlaybook } from '${rig}';\nexport default definePlaybook({ hosts: 'all', tasks: [] });\n`,
      'hosts.yml': 'all:\n  hosts: { h1: }\n',
    });
    const run = () => spawnSync(process.execPath, [bin, 'run', 'playbooks/site.ts', '-i', 'hosts.yml', '--list-hosts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', FORCE_COLOR: '0' } });
    const failed = run();
    expect(failed.status).toBe(5);
    expect(failed.stderr).toContain(`playbooks/site.ts: this playbook would be loaded as CommonJS, which cannot import rig (an ES module): ${dir}/package.json, the package.json nearest to it, has no "type"`);
    expect(failed.stderr).toContain(`→ add "type": "module" to ${dir}/package.json (npm pkg set type=module), or rename the playbook to site.mts`);
    expect(failed.stderr).not.toMatch(/Cannot require|in a cycle/);
    writeFileSync(path.join(dir, 'package.json'), '{ "name": "ops", "version": "1.0.0", "main": "index.js", "type": "module" }\n');
    const ok = run();
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('play: all (1 host)\n    h1\n');
    expect(ok.status).toBe(0);
  });
});

describe('a missing import is located at the file and line that import it, with what to do', () => {
  // rig's CLI (built JS + tsx), as a user runs it: Node's messages name the files, not the line
  const cli = (dir: string, pb: string) =>
    spawnSync(process.execPath, [bin, 'run', pb, '-i', 'hosts.yml', '--list-hosts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', FORCE_COLOR: '0' } });
  it.each([
    ['a relative import, the specifier on its own line', "import { definePlaybook } from 'R';\nimport {\n  web,\n} from\n  '../roles/nope/index.ts';\nexport default definePlaybook({ hosts: 'all', roles: [web] });\n", 'playbooks/site.ts:5', 'fix the import path'],
    ['a package that is not installed', "import { definePlaybook } from 'R';\n\nimport x from 'left-pad-nope';\nexport default definePlaybook({ hosts: 'all', tasks: [x] });\n", 'playbooks/site.ts:3', 'npm install left-pad-nope'],
    ["a name rig does not export ('comand')", "import {\n  definePlaybook,\n  comand,\n} from 'R';\nexport default definePlaybook({ hosts: 'all', tasks: [comand({ cmd: ['true'] })] });\n", 'playbooks/site.ts:3', "did you mean 'command'?"],
  ])('%s (rig run, exit 5)', (_name, source, where, hint) => {
    const dir = tree({
      'package.json': '{ "name": "ops", "version": "1.0.0", "type": "module" }\n',
      'playbooks/site.ts': source.replace("'R'", `'${rig}'`),
      'hosts.yml': 'all:\n  hosts: { h1: }\n',
    });
    const r = cli(dir, 'playbooks/site.ts');
    expect(r.status).toBe(5);
    expect(r.stderr).toContain(`  ${where}: cannot load playbook: `);
    expect(r.stderr).toContain(hint);
  });

  it('a relative import of a file that does not exist', async () => {
    const root = esmTree({ 'playbooks/pb.ts': "import web from '../roles/nope/index.ts';\nexport default web;\n" });
    const e = await loadError(path.join(root, 'playbooks/pb.ts'));
    expect(e.problems[0]!.where).toBe(`${rel(path.join(root, 'playbooks/pb.ts'))}:1`);
    expect(e.problems[0]!.message).toContain("Cannot find module '../roles/nope/index.ts'");
    expect(e.problems[0]!.hint).toContain('fix the import path');
  });
  it('a package that is not installed', async () => {
    const root = esmTree({ 'playbooks/pb.ts': "import x from '@acme/rig-roles/web';\nexport default x;\n" });
    const e = await loadError(path.join(root, 'playbooks/pb.ts'));
    expect(e.problems[0]!.where).toBe(`${rel(path.join(root, 'playbooks/pb.ts'))}:1`);
    expect(e.problems[0]!.hint).toContain('npm install @acme/rig-roles');
    expect(e.problems[0]!.where).not.toMatch(/tsx|node_modules/);
  });
});
