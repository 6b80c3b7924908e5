#!/usr/bin/env node
// rig's entry: register tsx so playbooks, roles and rig itself load as TypeScript, then hand over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
