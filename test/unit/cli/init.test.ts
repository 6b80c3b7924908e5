import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependencySpec, packageName, rigPackage, scaffoldFiles } from '../../../src/cli/init-command.ts';
import { tempDir } from '../../support/temp-dir.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repo, 'bin/rig.js');
const scaffold = path.join(repo, 'scaffold');
const version = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string }).version;

/** `rig <args>` as a user runs it (built JS), in `cwd`. */
const rig = (args: readonly string[], cwd: string) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' } });

const read = (...p: string[]): string => readFileSync(path.join(...p), 'utf8');
const json = (...p: string[]): Record<string, unknown> => JSON.parse(read(...p)) as Record<string, unknown>;

/** What a project made by rig init holds, by path (package.json aside: it is filled in). */
const PROJECT_FILES = [
  '.gitignore',
  'inventory-cluster/group_vars/all.yml',
  'inventory-cluster/hosts.yml',
  'inventory/group_vars/all.yml',
  'inventory/hosts.yml',
  'package.json',
  'playbooks/cluster.ts',
  'playbooks/site.ts',
  'README.md',
  'roles/web/index.ts',
  'roles/web/templates/index.html.hbs',
  'roles/web/templates/site.conf.hbs',
  'tsconfig.json',
];

describe('rig init', () => {
  it('creates the project: every scaffold file, package.json filled in, and says what to do next', () => {
    const parent = tempDir('rig-init-');
    const r = rig(['init', 'My Infra'], parent);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const dir = path.join(parent, 'My Infra');
    expect(scaffoldFiles(scaffold).map(([, to]) => to)).toEqual(PROJECT_FILES);
    for (const f of PROJECT_FILES) expect(r.stdout).toContain(`created My Infra/${f}\n`);
    for (const [from, to] of scaffoldFiles(scaffold)) {
      if (to !== 'package.json') expect(read(dir, to), to).toBe(read(scaffold, from));
    }
    expect(r.stdout).toContain('Next steps:\n  cd "My Infra"\n  npm install\n  npx tsc --noEmit');
    expect(r.stdout).toContain('npx rig run playbooks/site.ts -i inventory --check --diff');

    const pkg = json(dir, 'package.json');
    expect(pkg).toMatchObject({
      name: 'my-infra',
      private: true,
      type: 'module',
      dependencies: { rig: `^${version}` },
      devDependencies: { typescript: expect.stringMatching(/^~5\.9/), '@types/node': expect.any(String) },
      scripts: { check: 'rig run playbooks/site.ts -i inventory --check --diff', typecheck: 'tsc --noEmit' },
    });
    expect(read(dir, 'package.json')).toMatch(/^\{\n {2}"name": "my-infra",\n[\s\S]*\}\n$/);
    // the tsconfig a project needs for rig: ES modules, .ts imports of its own roles, type-check only
    const tsconfig = read(dir, 'tsconfig.json');
    for (const opt of ['"module": "NodeNext"', '"moduleResolution": "NodeNext"', '"strict": true', '"allowImportingTsExtensions": true', '"noEmit": true', '"verbatimModuleSyntax": true', '"skipLibCheck": true']) {
      expect(tsconfig).toContain(opt);
    }
    // the scaffold's TypeScript imports rig by its package name only (it is copied out of rig's repository)
    for (const f of PROJECT_FILES.filter((p) => p.endsWith('.ts'))) {
      for (const m of read(dir, f).matchAll(/from '([^']+)'/g)) expect(m[1], f).toMatch(/^(rig|rig\/roles|\.\.\/roles\/web\/index\.ts)$/);
    }
  });

  it('into the current directory by default, named after it', () => {
    const dir = path.join(tempDir('rig-init-'), '_Ops.Team');
    mkdirSync(dir);
    const r = rig(['init'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('created package.json\n');
    expect(r.stdout).toContain('Next steps:\n  npm install\n');
    expect(json(dir, 'package.json').name).toBe('ops.team');
  });

  it('refuses to overwrite files (exit 5, listing them, writing nothing); --force overwrites only the scaffold files', () => {
    const dir = tempDir('rig-init-');
    writeFileSync(path.join(dir, 'package.json'), '{ "name": "mine" }\n');
    mkdirSync(path.join(dir, 'roles/web'), { recursive: true });
    writeFileSync(path.join(dir, 'roles/web/index.ts'), '// mine\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'mine\n');
    const r = rig(['init', dir], dir);
    expect(r.status).toBe(5);
    expect(r.stdout).toBe('');
    // a package.json is not overwritten but added to (below); roles/web/index.ts would be
    expect(r.stderr).toBe(
      'ERROR: rig init would overwrite 1 existing file; nothing was written\n  roles/web/index.ts\n' +
        '  → pick an empty directory (rig init DIR), or use --force to overwrite these files\n',
    );
    expect(existsSync(path.join(dir, 'tsconfig.json'))).toBe(false);
    expect(read(dir, 'package.json')).toBe('{ "name": "mine" }\n');

    const forced = rig(['init', '.', '--force'], dir);
    expect(forced.stderr).toBe('');
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain('updated package.json (added "type": "module", scripts.check');
    expect(forced.stdout).toContain('overwrote roles/web/index.ts\n');
    expect(forced.stdout).toContain('created tsconfig.json\n');
    expect(json(dir, 'package.json')).toMatchObject({ name: 'mine', type: 'module', dependencies: { rig: `^${version}` } });
    expect(read(dir, 'roles/web/index.ts')).toBe(read(scaffold, 'roles/web/index.ts'));
    expect(read(dir, 'notes.txt')).toBe('mine\n');
  });

  it("into an existing npm project (npm init -y, npm install rig first): package.json keeps every field, gains what rig needs", () => {
    const dir = tempDir('rig-init-');
    const npmInit = {
      name: 'ops',
      version: '1.2.3',
      description: '',
      main: 'index.js',
      scripts: { test: 'echo "Error: no test specified" && exit 1', check: 'my own check' },
      keywords: [],
      author: '',
      license: 'ISC',
      dependencies: { rig: 'file:../rig-0.1.0.tgz', lodash: '^4.17.21' },
    };
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(npmInit, null, 4)}\n`);
    const r = rig(['init'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('updated package.json (added "type": "module", scripts.apply, scripts.hosts, scripts.cluster:check, scripts.typecheck, devDependencies.@types/node, devDependencies.typescript)\n');
    expect(r.stdout).not.toContain('dependencies.rig');
    expect(r.stdout).not.toContain('from the npm registry');
    const pkg = json(dir, 'package.json');
    expect(pkg).toEqual({
      ...npmInit,
      type: 'module',
      scripts: { ...npmInit.scripts, ...Object.fromEntries(Object.entries((json(scaffold, 'package.template.json') as { scripts: Record<string, string> }).scripts).filter(([k]) => k !== 'check')) },
      devDependencies: (json(scaffold, 'package.template.json') as { devDependencies: Record<string, string> }).devDependencies,
    });
    expect(read(dir, 'package.json')).toMatch(/^\{\n {4}"name": "ops"/);
    // run again: nothing left to add, and the other files now exist (refused without --force)
    expect(rig(['init', '--force'], dir).stdout).toContain('updated package.json (it had all rig needs)');
  });

  it('a package.json it cannot add to is refused with the reason (exit 5); --force replaces it', () => {
    for (const [text, why] of [
      ['{ "name": "cjs", "type": "commonjs" }\n', '"type": "commonjs", where rig\'s playbooks need "module"'],
      ['{ "name": "broken", }\n', 'not valid JSON'],
      ['["a list"]\n', 'not a JSON object'],
      ['{ "scripts": "build" }\n', '"scripts" is not an object'],
    ] as const) {
      const dir = tempDir('rig-init-');
      writeFileSync(path.join(dir, 'package.json'), text);
      const r = rig(['init'], dir);
      expect(r.status, text).toBe(5);
      expect(r.stderr).toContain(`  package.json (cannot add rig to it: ${why})\n`);
      expect(read(dir, 'package.json')).toBe(text);
      expect(existsSync(path.join(dir, 'tsconfig.json'))).toBe(false);
      const forced = rig(['init', '--force'], dir);
      expect(forced.status).toBe(0);
      expect(forced.stdout).toContain('overwrote package.json\n');
      expect(json(dir, 'package.json')).toMatchObject({ type: 'module' });
    }
  });

  it('--rig sets the dependency spec; a local tarball becomes file: relative to the project, as npm writes it', () => {
    const parent = tempDir('rig-init-');
    expect(rig(['init', 'a', '--rig', '~0.1.2'], parent).status).toBe(0);
    expect(json(parent, 'a', 'package.json').dependencies).toEqual({ rig: '~0.1.2' });
    writeFileSync(path.join(parent, 'rig-0.1.0.tgz'), '');
    expect(rig(['init', 'b', '--rig', './rig-0.1.0.tgz'], parent).status).toBe(0);
    expect(json(parent, 'b', 'package.json').dependencies).toEqual({ rig: 'file:../rig-0.1.0.tgz' });
    expect(rig(['init', 'c', '--rig', `file:${path.join(parent, 'rig-0.1.0.tgz')}`], parent).status).toBe(0);
    expect(json(parent, 'c', 'package.json').dependencies).toEqual({ rig: 'file:../rig-0.1.0.tgz' });
    const empty = rig(['init', 'd', '--rig', ''], parent);
    expect(empty.status).toBe(5);
    expect(empty.stderr).toContain('--rig needs a version spec');
    expect(existsSync(path.join(parent, 'd'))).toBe(false);
  });

  it('--rig: the bare tarball name npm pack prints is a path too; a tarball that does not exist is refused (exit 5)', () => {
    const parent = tempDir('rig-init-');
    writeFileSync(path.join(parent, 'rig-0.1.0.tgz'), '');
    expect(rig(['init', 'sub/a', '--rig', 'rig-0.1.0.tgz'], parent).status).toBe(0);
    expect(json(parent, 'sub', 'a', 'package.json').dependencies).toEqual({ rig: 'file:../../rig-0.1.0.tgz' });
    for (const spec of ['./nonexistent.tgz', 'rig-9.9.9.tgz', 'file:/no/such.tgz']) {
      const r = rig(['init', 'b', '--rig', spec], parent);
      expect(r.status, spec).toBe(5);
      expect(r.stderr).toContain(`${spec}: no such file or directory`);
      expect(existsSync(path.join(parent, 'b'))).toBe(false);
    }
  });

  it('never writes through a symbolic link, even with --force; a dangling link counts as an existing file', () => {
    const parent = tempDir('rig-init-');
    mkdirSync(path.join(parent, 'p'));
    writeFileSync(path.join(parent, 'precious.txt'), 'keep');
    symlinkSync('../precious.txt', path.join(parent, 'p', 'README.md'));
    symlinkSync('../nowhere', path.join(parent, 'p', '.gitignore'));
    const listed = rig(['init', 'p'], parent);
    expect(listed.status).toBe(5);
    expect(listed.stderr).toContain('p/README.md');
    expect(listed.stderr).toContain('p/.gitignore');
    const forced = rig(['init', 'p', '--force'], parent);
    expect(forced.status).toBe(5);
    expect(forced.stderr).toMatch(/p\/(README\.md|\.gitignore) is a symbolic link; rig init does not write through links/);
    expect(read(parent, 'precious.txt')).toBe('keep');
  });

  it('a directory it cannot create or write is an input error (exit 5) naming the path, not a crash', () => {
    const parent = tempDir('rig-init-');
    writeFileSync(path.join(parent, 'afile'), '');
    const r = rig(['init', 'afile/sub'], parent);
    expect(r.status).toBe(5);
    expect(r.stderr).toMatch(/cannot write afile\/sub\/\S+: a path component is a file, not a directory/);
    expect(r.stderr).not.toContain('unexpected');
  });

  it('a path that is a file is refused (exit 5)', () => {
    const parent = tempDir('rig-init-');
    writeFileSync(path.join(parent, 'taken'), '');
    const r = rig(['init', 'taken'], parent);
    expect(r.status).toBe(5);
    expect(r.stderr).toContain('taken exists and is not a directory');
  });

  // the project's playbooks load as rig loads them; 'rig' (and 'rig/roles') resolve to this checkout's source through a
  // small package in node_modules, the way an installed rig resolves to its build
  it("the project's playbooks, roles and inventories load: rig run --list-tasks, rig inventory", () => {
    const dir = path.join(tempDir('rig-init-'), 'infra');
    expect(rig(['init', dir], repo).status).toBe(0);
    const shim = path.join(dir, 'node_modules/rig');
    mkdirSync(shim, { recursive: true });
    writeFileSync(path.join(shim, 'package.json'), JSON.stringify({ name: 'rig', type: 'module', exports: { '.': './index.ts', './roles': './roles.ts' } }));
    writeFileSync(path.join(shim, 'index.ts'), `export * from ${JSON.stringify(path.join(repo, 'src/index.ts'))};\n`);
    writeFileSync(path.join(shim, 'roles.ts'), `export * from ${JSON.stringify(path.join(repo, 'roles/index.ts'))};\n`);

    const site = rig(['run', 'playbooks/site.ts', '-i', 'inventory', '--list-tasks'], dir);
    expect(site.stderr).toBe('');
    expect(site.stdout).toMatch(/^play: web servers \(1 host\)\n(    web : .+\troles\/web\/index\.ts:\d+\n){4}$/);
    expect(site.status).toBe(0);

    const cluster = rig(['run', 'playbooks/cluster.ts', '-i', 'inventory-cluster', '--list-hosts'], dir);
    expect(cluster.stderr).toBe('');
    expect(cluster.stdout).toContain('(3 hosts)\n    node1\n    node2\n    node3\n');
    expect(cluster.status).toBe(0);

    const inv = rig(['inventory', '-i', 'inventory', '--host', 'web1'], dir);
    expect(inv.stderr).toBe('');
    expect(JSON.parse(inv.stdout)).toMatchObject({ ansible_host: '192.0.2.10', ansible_user: 'deploy', web_port: 8080 });
    const nodes = rig(['inventory', '-i', 'inventory-cluster', '--list'], dir);
    expect(nodes.stderr).toBe('');
    expect(JSON.parse(nodes.stdout)).toMatchObject({ managers: { hosts: ['node1'] }, workers: { hosts: ['node2', 'node3'] } });
  });
});

describe("rig's package root, from wherever the command's code runs", () => {
  it('from src/cli (source), <root>/.build/<stamp>/cli (bin/rig.js) and <root>/dist/src/cli (the package)', () => {
    expect(rigPackage()).toEqual({ root: repo, version });
    const root = tempDir('rig-root-');
    writeFileSync(path.join(root, 'package.json'), '{ "name": "rig", "version": "9.8.7" }\n');
    // a build's own package.json has no name; a project's or a dependency's has another
    mkdirSync(path.join(root, '.build/123-45/cli'), { recursive: true });
    writeFileSync(path.join(root, '.build/123-45/package.json'), '{ "type": "module" }\n');
    mkdirSync(path.join(root, 'dist/src/cli'), { recursive: true });
    writeFileSync(path.join(root, 'dist/package.json'), '{ "name": "not-rig", "version": "1.0.0" }\n');
    for (const from of ['src/cli/init-command.ts', '.build/123-45/cli/init-command.js', 'dist/src/cli/init-command.js']) {
      expect(rigPackage(path.join(root, from)), from).toEqual({ root, version: '9.8.7' });
    }
    expect(() => rigPackage(path.join(tempDir('rig-none-'), 'x.js'))).toThrow(/cannot find rig's package.json/);
  });

  it('package names from directory names', () => {
    expect(packageName('/x/infra')).toBe('infra');
    expect(packageName('/x/My Infra!')).toBe('my-infra');
    expect(packageName('/x/.hidden')).toBe('hidden');
    expect(packageName('/x/___')).toBe('infra');
    expect(packageName('/x/node_modules')).toBe('infra');
    expect(packageName('/x/http')).toBe('infra');
    expect(packageName(`/x/${'a'.repeat(250)}`)).toHaveLength(214);
  });

  it('dependency specs: versions and tags as given, existing local paths as file: relative to the project', () => {
    const dir = tempDir('rig-spec-');
    writeFileSync(path.join(dir, 'rig.tgz'), '');
    expect(dependencySpec('^1.2.3', path.join(dir, 'p'))).toBe('^1.2.3');
    expect(dependencySpec('latest', path.join(dir, 'p'))).toBe('latest');
    expect(dependencySpec(path.join(dir, 'rig.tgz'), path.join(dir, 'p'))).toBe('file:../rig.tgz');
    expect(() => dependencySpec('/no/such/rig.tgz', path.join(dir, 'p'))).toThrow(/\/no\/such\/rig\.tgz: no such file or directory/);
    expect(dependencySpec('github:acme/rig', path.join(dir, 'p'))).toBe('github:acme/rig');
  });
});
