#!/usr/bin/env node
// rig's entry: run rig's own code as plain JS built from src/ (rebuilt when src/ changed); a playbook's TypeScript is
// loaded through tsx only when a command loads one (src/cli/ts-loader.ts).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuild } from './build.js';

const build = await ensureBuild(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
const { main } = await import(pathToFileURL(path.join(build, 'cli/main.js')).href);
process.exitCode = await main(process.argv.slice(2));
