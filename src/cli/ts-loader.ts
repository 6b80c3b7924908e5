/** Let `import()` load a user's TypeScript playbook and roles when rig itself runs as built JS (dist/ or bin/build.js). */
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let enabled = false;

/**
 * Register tsx for the playbook's files only, plus a resolve hook that sends the playbook's imports of rig's src/ to
 * the already loaded build: one instance of every rig module (secrets registry, error classes) whatever the import path.
 */
export async function enableTypeScript(): Promise<void> {
  if (enabled) return;
  enabled = true;
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return; // running from source: a TypeScript loader (tsx, vitest) is already active
  const buildDir = path.resolve(path.dirname(here), '..');
  // rig's whole public API is loaded before the hooks exist: once registered, every import of every module still to
  // load is a round trip to the hooks' thread (the playbook's import of rig then finds it loaded)
  await import(new URL('../index.js', import.meta.url).href);
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // the installed package (dist/) has no src/: a playbook reaches rig only through its exports, already the running build
  const info = path.join(buildDir, 'build-info.json');
  if (!existsSync(info)) return;
  const { srcDir } = JSON.parse(readFileSync(info, 'utf8')) as { srcDir: string };
  // registered last, so it runs first and sees tsx's answer
  register(new URL('./src-redirect-hook.js', import.meta.url), { data: { srcDir, buildDir } });
}
