/** A scratch playbook project with its own HOME: no ~/.ssh/config, default keys, agent or ~/.ansible.cfg, a private fact cache. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../support/temp-dir.ts';
import { repoPath } from './cli.ts';

/** An isolated project: `dir` (an ESM package), `home`, the `env` to run rig with, and `RIG`, rig's entry as a JS string literal for imports. */
export function isolatedProject(prefix: string): { dir: string; home: string; env: { HOME: string; XDG_CACHE_HOME: string; SSH_AUTH_SOCK: string }; RIG: string } {
  const dir = tempDir(prefix);
  const home = path.join(dir, 'home');
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  mkdirSync(home);
  // only what the test passes counts
  const env = { HOME: home, XDG_CACHE_HOME: path.join(dir, 'cache'), SSH_AUTH_SOCK: '' };
  return { dir, home, env, RIG: JSON.stringify(repoPath('src/index.ts')) };
}
