/** rig as a user gets it: `npm pack` of this checkout, and user projects that install the tarball. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { tempDir } from './temp-dir.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// npm as in CI: no prompts, no audit/fund calls, the cache first (the registry only for what `npm ci` did not fetch)
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
const base = { quiet: true, env: { ...process.env, npm_config_yes: 'true', CI: 'true' } };
const quiet = $(base);
const inDir = (cwd: string): typeof quiet => $({ ...base, cwd });

/** Path of rig's packed tarball (prepack builds dist/), made once per test file. */
export async function packRig(): Promise<string> {
  const out = tempDir('rig-pack-');
  await inDir(repo)`npm pack --silent --pack-destination ${out}`;
  const tgz = readdirSync(out).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack wrote no tarball into ${out}`);
  return path.join(out, tgz);
}

/** A project scaffolded by the packed rig's own `rig init` (run through npx from the tarball, as the README says; init
 *  depends on the tarball it was run from), then `npm install`ed. */
export async function initProject(tgz: string): Promise<string> {
  const dir = path.join(tempDir('rig-user-'), 'infra');
  await quiet`npx --yes ${NPM_FLAGS} --package=${tgz} rig init ${dir}`;
  await inDir(dir)`npm install ${NPM_FLAGS}`;
  return dir;
}

/** `npm init -y` (CommonJS, as npm makes it) plus `npm install <tarball>`: the project a user who skipped init has. */
export async function plainProject(tgz: string): Promise<string> {
  const dir = path.join(tempDir('rig-plain-'), 'plain');
  mkdirSync(dir, { recursive: true });
  await inDir(dir)`npm init -y`;
  await inDir(dir)`npm install ${NPM_FLAGS} ${tgz}`;
  return dir;
}

/** Write `files` (path relative to `dir` → content) into a project. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/** The installed CLI of a project (its node_modules/rig/bin/rig.js). */
export function projectRig(dir: string): string {
  return path.join(dir, 'node_modules', 'rig', 'bin', 'rig.js');
}
