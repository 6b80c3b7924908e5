#!/usr/bin/env node
// The package build (`npm run build`, run by `prepack`): dist/ = tsc's JavaScript and .d.ts of src/ and roles/, one file
// per source (module identity: one secrets registry, one set of error classes), plus the roles' templates/ and files/.
import { fileURLToPath } from 'node:url';
import { $, fs, path } from 'zx';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
$.cwd = root;
$.verbose = false;

await fs.remove(dist);
await $`npx tsc -p tsconfig.build.json`;

// tsc keeps `./x.ts` specifiers in declaration files; a user's tsc without allowImportingTsExtensions wants `./x.js`
const relTs = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+?)\.ts(['"])/g;
for (const file of await walk(dist)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = await fs.readFile(file, 'utf8');
  const fixed = text.replace(relTs, '$1$2.js$3');
  if (fixed !== text) await fs.writeFile(file, fixed);
}

// roles resolve templates/ and files/ next to their index file, wherever the role is installed; their README beside them
for (const role of await fs.readdir(path.join(root, 'roles'))) {
  if (!(await fs.pathExists(path.join(dist, 'roles', role)))) continue; // not packaged (roles/example)
  for (const assets of ['templates', 'files', 'README.md']) {
    const from = path.join(root, 'roles', role, assets);
    if (await fs.pathExists(from)) await fs.copy(from, path.join(dist, 'roles', role, assets));
  }
}
console.log(`dist/: ${(await walk(dist)).length} files`);

async function walk(dir) {
  const out = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}
