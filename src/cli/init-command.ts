/** `rig init [dir]`: a new infra repo from rig's scaffold/ (package.json, tsconfig, inventories, a role, playbooks). */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { palette, useColor } from '../reporters/colors.ts';
import { ExitCode, ValidationError } from '../core/index.ts';

/** Options of `rig init`. */
export interface InitFlags {
  /** Version spec of the `rig` dependency. @default the tarball this rig was installed from, else ^ this rig's version */
  rig?: string;
  /** Overwrite files of the scaffold that exist. */
  force?: boolean;
}

/** rig's package: its root directory (holding scaffold/) and version. */
export interface RigPackage {
  root: string;
  version: string;
}

/**
 * The nearest directory at or above `from` whose package.json is named "rig": src/cli/ when running from source, the
 * build in <root>/.build/<stamp>/cli/ (whose own package.json has no name), or <root>/dist/src/cli/ in the package.
 */
export function rigPackage(from: string = fileURLToPath(import.meta.url)): RigPackage {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'rig' && typeof pkg.version === 'string') return { root: dir, version: pkg.version };
      } catch {
        // not rig's (an unreadable package.json of something else): keep looking above
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find rig's package.json above ${from}`);
  }
}

// scaffold/ names that cannot be shipped as they are: npm pack leaves out .gitignore, and a package.json there would make
// scaffold/ a package of its own (its files could no longer import 'rig' inside rig's repository)
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore', 'package.template.json': 'package.json' };

/** Every file of `scaffoldDir`, as [path in scaffold/, path in the new project], sorted by the project path. */
export function scaffoldFiles(scaffoldDir: string): [from: string, to: string][] {
  const out: [string, string][] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(scaffoldDir, rel), { withFileTypes: true })) {
      const from = path.join(rel, e.name);
      if (e.isDirectory()) walk(from);
      else out.push([from, path.join(rel, RENAMED[e.name] ?? e.name)]);
    }
  };
  walk('');
  return out.sort((a, b) => a[1].localeCompare(b[1]));
}

/** An npm package name from a directory name: lowercase, URL-safe characters, no leading dot or underscore. */
export function packageName(dir: string): string {
  const name = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '')
    .slice(0, 214)
    .replace(/[._-]+$/, '');
  // names npm refuses (its blocklist), and core module names
  return !name || ['node_modules', 'favicon.ico'].includes(name) || builtinModules.includes(name) ? 'infra' : name;
}

/** The scaffold's package.json with the project's name and the rig dependency spec filled in. */
function packageJson(template: string, name: string, rigSpec: string): string {
  const pkg = JSON.parse(template) as { name: string; dependencies?: Record<string, string> };
  pkg.name = name;
  pkg.dependencies = { ...pkg.dependencies, rig: rigSpec };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/**
 * An existing package.json (`npm init -y`'s, a repo's own) with what a rig project needs added: `"type": "module"`, the
 * scaffold's scripts and devDependencies it lacks, rig as a dependency (a rig it already depends on is kept). Every field
 * and value already there stays. `{ conflict }` when it cannot be merged: not a JSON object, or a "type" other than
 * "module" (rig's playbooks are ES modules; changing it could break the project's other files).
 */
export function mergedPackageJson(existing: string, template: string, rigSpec: string): { text: string; added: string[] } | { conflict: string } {
  let pkg: unknown;
  try {
    pkg = JSON.parse(existing);
  } catch {
    return { conflict: 'not valid JSON' };
  }
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) return { conflict: 'not a JSON object' };
  const p = pkg as Record<string, unknown>;
  if (p.type !== undefined && p.type !== 'module') return { conflict: `"type": ${JSON.stringify(p.type)}, where rig's playbooks need "module"` };
  const t = JSON.parse(template) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
  const added: string[] = [];
  const record = (key: string): Record<string, unknown> | undefined => {
    const v = p[key];
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : v === undefined ? (p[key] = {}) as Record<string, unknown> : undefined;
  };
  if (p.type === undefined) (p.type = 'module'), added.push('"type": "module"');
  const scripts = record('scripts');
  if (!scripts) return { conflict: '"scripts" is not an object' };
  for (const [k, v] of Object.entries(t.scripts)) if (scripts[k] === undefined) (scripts[k] = v), added.push(`scripts.${k}`);
  const deps = record('dependencies');
  const devDeps = record('devDependencies');
  if (!deps || !devDeps) return { conflict: '"dependencies" or "devDependencies" is not an object' };
  if (deps.rig === undefined && devDeps.rig === undefined) (deps.rig = rigSpec), added.push(`dependencies.rig (${rigSpec})`);
  for (const [k, v] of Object.entries(t.devDependencies)) if (deps[k] === undefined && devDeps[k] === undefined) (devDeps[k] = v), added.push(`devDependencies.${k}`);
  for (const key of ['scripts', 'dependencies', 'devDependencies']) if (Object.keys(p[key] as object).length === 0) delete p[key];
  const indent = /^([ \t]+)"/m.exec(existing)?.[1] ?? 2;
  return { text: `${JSON.stringify(p, null, indent)}\n`, added };
}

/**
 * `spec` as package.json should hold it: a local path that exists (./x, ../x, /x, file:x, or a bare name such as the
 * rig-0.1.0.tgz that npm pack prints), e.g. a tarball, becomes `file:` + its path relative to the project, as
 * `npm install PATH` writes it; anything else (a version range, a git or https URL) is kept as given.
 * @throws ValidationError for a path-like spec (file:…, ./…, /…, *.tgz, *.tar.gz) that does not exist.
 */
export function dependencySpec(spec: string, projectDir: string): string {
  const local = spec.startsWith('file:') ? spec.slice('file:'.length) : spec;
  const pathLike = spec.startsWith('file:') || /^\.{0,2}\//.test(spec) || /\.(tgz|tar\.gz)$/.test(spec);
  if (existsSync(path.resolve(local)) && (pathLike || !/^[\^~<>=]|^\d|^[\w-]+:/.test(spec))) {
    return `file:${path.relative(projectDir, path.resolve(local)) || '.'}`;
  }
  if (pathLike) throw new ValidationError({ where: '--rig', message: `${spec}: no such file or directory (from ${process.cwd()})`, hint: 'give the path of the tarball npm pack wrote, e.g. --rig ./rig-0.1.0.tgz' });
  return spec;
}

/**
 * The tarball this rig was installed from (`npx --package ./rig-0.1.0.tgz rig init`, `npm install ./rig-0.1.0.tgz`), as
 * npm recorded it in the lockfile beside the install; undefined for a registry install or a checkout of rig.
 */
export function installedFromTarball(rigRoot: string): string | undefined {
  const nodeModules = path.dirname(rigRoot);
  if (path.basename(nodeModules) !== 'node_modules') return undefined;
  const project = path.dirname(nodeModules);
  for (const lock of [path.join(nodeModules, '.package-lock.json'), path.join(project, 'package-lock.json')]) {
    try {
      const data = JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { resolved?: unknown }> };
      const resolved = data.packages?.[`node_modules/${path.basename(rigRoot)}`]?.resolved;
      if (typeof resolved !== 'string' || !resolved.startsWith('file:')) continue;
      const tgz = path.resolve(project, resolved.slice('file:'.length));
      if (tgz.endsWith('.tgz') && existsSync(tgz)) return tgz;
    } catch {
      // no lockfile there, or not npm's: try the next, else the registry range
    }
  }
  return undefined;
}

const fail = (message: string, hint?: string): number => {
  process.stderr.write(`${palette(useColor(process.stderr)).error(`ERROR: ${message}`)}\n${hint ? `  → ${hint}\n` : ''}`);
  return ExitCode.badInput;
};

/** Create the project in `dir`; resolves to the exit code (5 when a file would be overwritten without --force). */
export async function initCommand(dir: string, flags: InitFlags = {}): Promise<number> {
  const rig = rigPackage();
  const scaffoldDir = path.join(rig.root, 'scaffold');
  if (!existsSync(scaffoldDir)) return fail(`rig's scaffold is missing: ${scaffoldDir} does not exist`, 'reinstall rig');
  if (flags.rig !== undefined && !flags.rig.trim()) return fail('--rig needs a version spec, e.g. --rig ^0.1.0 or --rig /path/to/rig-0.1.0.tgz');
  const target = path.resolve(dir);
  let given: string | undefined;
  try {
    given = flags.rig === undefined ? undefined : dependencySpec(flags.rig, target);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return fail(e.problems[0]!.message, e.problems[0]!.hint);
  }
  const tarball = flags.rig === undefined ? installedFromTarball(rig.root) : undefined;
  const rigSpec = given !== undefined ? given : tarball ? dependencySpec(`file:${tarball}`, target) : `^${rig.version}`;
  const shown = (rel: string): string => path.relative(process.cwd(), path.join(target, rel)) || '.';
  if (existsSync(target) && !statSync(target).isDirectory()) return fail(`${shown('')} exists and is not a directory`, 'pick another directory');

  const files = scaffoldFiles(scaffoldDir);
  const exists = (p: string): boolean => {
    try {
      lstatSync(p);
      return true;
    } catch {
      return false;
    }
  };
  // a package.json already there (npm init's, the repo's own) gets what rig needs added, all else kept
  const pkgFile = path.join(target, 'package.json');
  const template = readFileSync(path.join(scaffoldDir, 'package.template.json'), 'utf8');
  const readable = (f: string): string | undefined => {
    try {
      return lstatSync(f).isFile() ? readFileSync(f, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
  const pkgText = readable(pkgFile);
  const merge = pkgText !== undefined ? mergedPackageJson(pkgText, template, rigSpec) : undefined;
  const merged = merge && 'text' in merge ? merge : undefined;
  const existing = files.map(([, to]) => to).filter((to) => exists(path.join(target, to)) && !(to === 'package.json' && merged));
  if (existing.length > 0 && !flags.force) {
    process.stderr.write(`${palette(useColor(process.stderr)).error(`ERROR: rig init would overwrite ${existing.length} existing file${existing.length === 1 ? '' : 's'}; nothing was written`)}\n`);
    for (const f of existing) process.stderr.write(`  ${shown(f)}${f === 'package.json' && merge && 'conflict' in merge ? ` (cannot add rig to it: ${merge.conflict})` : ''}\n`);
    process.stderr.write('  → pick an empty directory (rig init DIR), or use --force to overwrite these files\n');
    return ExitCode.badInput;
  }
  for (const to of existing) {
    const st = lstatSync(path.join(target, to));
    if (st.isSymbolicLink()) return fail(`${shown(to)} is a symbolic link; rig init does not write through links, even with --force`, 'remove the link, then run rig init again');
    if (st.isDirectory()) return fail(`${shown(to)} is a directory, where rig init writes a file`, 'move it away');
  }

  const written: string[] = [];
  for (const [from, to] of files) {
    const content = readFileSync(path.join(scaffoldDir, from), 'utf8');
    const dest = path.join(target, to);
    try {
      mkdirSync(path.dirname(dest), { recursive: true });
      // atomic: a file is either the scaffold's or what was there before
      const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.rig-init-${process.pid}`);
      writeFileSync(tmp, to === 'package.json' ? (merged?.text ?? packageJson(content, packageName(target), rigSpec)) : content);
      renameSync(tmp, dest);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'ENOTDIR' ? 'a path component is a file, not a directory' : err.message;
      return fail(
        `cannot write ${shown(to)}: ${why}${written.length ? `; ${written.length} file${written.length === 1 ? '' : 's'} already written (${written.join(', ')})` : ''}`,
        written.length ? 'fix it, then run rig init again with --force (it overwrites only the scaffold\'s files)' : 'pick a directory you can write to',
      );
    }
    written.push(shown(to));
    const c = palette(useColor(process.stdout));
    if (to === 'package.json' && merged) process.stdout.write(`${c.changed('updated')} ${shown(to)}${merged.added.length ? ` (added ${merged.added.join(', ')})` : ' (it had all rig needs)'}\n`);
    else process.stdout.write(`${existing.includes(to) ? c.changed('overwrote') : c.ok('created')} ${shown(to)}\n`);
  }

  const cd = path.relative(process.cwd(), target);
  const steps = [
    ...(cd ? [`cd ${/^[\w./-]+$/.test(cd) ? cd : JSON.stringify(cd)}`] : []),
    'npm install',
    'npx tsc --noEmit                                           # type-check playbooks and roles',
    'npx rig run playbooks/site.ts -i inventory --check --diff  # after putting your host in inventory/hosts.yml',
  ];
  if (/^[\^~]?\d/.test(rigSpec) && (!merged || merged.added.some((a) => a.startsWith('dependencies.rig')))) {
    // npm's registry has an unrelated, older package named rig: say where this dependency would come from
    process.stdout.write(`\n${palette(useColor(process.stdout)).changed(`note: package.json depends on rig@${rigSpec} from the npm registry; if rig is not published there (npm's "rig" is an unrelated package), point it at a packed rig before npm install: npm pkg set dependencies.rig=file:/path/to/rig-${rig.version}.tgz`)}\n`);
  }
  process.stdout.write(`\nNext steps:\n${steps.map((s) => `  ${s}\n`).join('')}\nThe cluster (Docker Swarm + Consul): playbooks/cluster.ts with inventory-cluster/ (see README.md).\n`);
  return ExitCode.ok;
}
