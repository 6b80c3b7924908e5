#!/usr/bin/env node
// rig's entry. Installed from the package: the JavaScript of dist/ (built by prepack; nothing is written into the package
// at run time). In a checkout of rig's repository (src/ present): a build of src/ kept in .build/, rebuilt when src/
// changed (bin/build.js), so the CLI starts without a TypeScript loader. A playbook's TypeScript is loaded through tsx
// only when a command loads one (src/cli/ts-loader.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fromSource = existsSync(path.join(root, 'src', 'index.ts'));
const build = fromSource ? await (await import('./build.js')).ensureBuild(root) : path.join(root, 'dist', 'src');
const { main } = await import(pathToFileURL(path.join(build, 'cli/main.js')).href);
process.exitCode = await main(process.argv.slice(2));
