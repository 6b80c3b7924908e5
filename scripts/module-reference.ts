/**
 * The module reference (docs/modules.md) generated from the modules' args schemas: `npm run docs` writes it, and a unit
 * test fails when the checked-in file differs from what the schemas say.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as dsl from '../src/dsl/modules.ts';
import * as consulTasks from '../roles/consul/library/tasks.ts';
import * as dockerTasks from '../roles/docker/library/tasks.ts';
import * as firewallTasks from '../roles/firewall/library/tasks.ts';
import * as kernelTasks from '../roles/kernel/library/tasks.ts';
import * as swarmTasks from '../roles/swarm/library/tasks.ts';
import { isZodSchema, jsonSchema } from '../src/schema/index.ts';
import type { Module } from '../src/core/index.ts';

type Json = Record<string, unknown>;

// the cluster roles' own modules (roles/*/library/tasks.ts), documented after the engine's
const cluster = { ...kernelTasks, ...firewallTasks, ...dockerTasks, ...consulTasks, ...swarmTasks };

/** Every task factory rig exports, and those of the cluster roles' libraries, by its exported name, with its module. */
export function moduleFactories(): { readonly name: string; readonly module: Module<unknown, unknown, unknown>; readonly cluster: boolean }[] {
  const out: { name: string; module: Module<unknown, unknown, unknown>; cluster: boolean }[] = [];
  for (const [set, isCluster] of [[dsl, false], [cluster, true]] as const) {
    for (const [name, v] of Object.entries(set)) {
      const m = (v as { module?: Module<unknown, unknown, unknown> }).module;
      if (typeof v === 'function' && m) out.push({ name, module: m, cluster: isCluster });
    }
  }
  return out.sort((a, b) => Number(a.cluster) - Number(b.cluster) || a.name.localeCompare(b.name));
}

/** JSON Schema (draft 2020-12) of a module's args. */
export function moduleJsonSchema(m: Module<unknown, unknown, unknown>): Json {
  if (!isZodSchema(m.args)) throw new TypeError(`module ${m.name}: its args schema is not a zod schema`);
  return jsonSchema(m.args);
}

function typeOf(s: Json): string {
  if (Array.isArray(s.enum)) return s.enum.map((e) => JSON.stringify(e)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (alts) return alts.map(typeOf).join(' | ');
  if (s.type === 'array') return `${typeOf((s.items as Json | undefined) ?? {})}[]`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return `map of ${typeOf(s.additionalProperties as Json)}`;
  if (s.type === 'object' && s.properties) return `{ ${Object.keys(s.properties as Json).join(', ')} }`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  // zod's int() adds the safe-integer bounds: not worth a reader's attention
  const bound = (v: unknown): boolean => v !== undefined && Math.abs(Number(v)) !== Number.MAX_SAFE_INTEGER;
  const limits = [bound(s.minimum) ? `≥ ${String(s.minimum)}` : '', bound(s.exclusiveMinimum) ? `> ${String(s.exclusiveMinimum)}` : '', bound(s.maximum) ? `≤ ${String(s.maximum)}` : ''].filter(Boolean).join(', ');
  return `${String(s.type ?? 'any')}${limits ? ` (${limits})` : ''}`;
}

const cell = (t: string): string => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The whole reference as Markdown. */
export function moduleReference(): string {
  const lines = [
    '# Module reference',
    '',
    '<!-- generated from the modules\' args schemas by `npm run docs` (scripts/module-reference.ts); a unit test checks it is current -->',
    '',
    'Every module takes its args as the first argument of its task factory (a value or `(ctx) => value`) and task options as',
    "the second. Args are strict: an unknown key is an error with a suggestion, checked at load for static args and on every",
    'host before the first change for computed ones. Modes are octal strings (`\'0644\'`).',
    '',
  ];
  let clusterHeading = false;
  for (const { name, module, cluster: isCluster } of moduleFactories()) {
    if (isCluster && !clusterHeading) {
      lines.push('# Cluster modules (used by the cluster roles)', '');
      clusterHeading = true;
    }
    const s = moduleJsonSchema(module);
    lines.push(`## ${name}`, '', String(s.description ?? ''), '');
    const props = (s.properties ?? {}) as Record<string, Json>;
    const required = new Set((s.required as string[] | undefined) ?? []);
    if (!Object.keys(props).length) continue;
    lines.push('| arg | type | required | description |', '|---|---|---|---|');
    for (const [k, p] of Object.entries(props)) lines.push(`| \`${k}\` | ${cell(typeOf(p))} | ${required.has(k) ? 'yes' : ''} | ${cell(String(p.description ?? ''))} |`);
    lines.push('');
  }
  return lines.join('\n');
}

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/modules.md');

/** Path of the checked-in reference. */
export const referencePath = target;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = moduleReference();
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== text) {
      process.stderr.write('docs/modules.md is out of date: run npm run docs\n');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
    process.stdout.write(`wrote ${path.relative(process.cwd(), target)} (${moduleFactories().length} modules)\n`);
  }
}
