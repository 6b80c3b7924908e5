/** What case files name: facts by `<src/facts file>.<export>` (as pyinfra's `apt.AptSources`), modules by their name. */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as rig from '../../src/index.ts';
import type { Fact, Module } from '../../src/index.ts';

const FACTS_DIR = fileURLToPath(new URL('../../src/facts/', import.meta.url));
const ROLES_DIR = fileURLToPath(new URL('../../roles/', import.meta.url));

/** The files facts are defined in, with the prefix of their references: src/facts/<file>.ts as `<file>`, a role's
 *  roles/<role>/library/<file>.ts as `<role>.<file>`. */
function factFiles(): { readonly path: string; readonly prefix: string }[] {
  const out = readdirSync(FACTS_DIR).filter((f) => f.endsWith('.ts')).sort().map((f) => ({ path: join(FACTS_DIR, f), prefix: basename(f, '.ts') }));
  for (const role of readdirSync(ROLES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const lib = join(ROLES_DIR, role, 'library');
    if (!existsSync(lib)) continue;
    for (const f of readdirSync(lib).filter((n) => n.endsWith('.ts')).sort()) out.push({ path: join(lib, f), prefix: `${role}.${basename(f, '.ts')}` });
  }
  return out;
}

const isFact = (v: unknown): v is Fact<unknown, unknown> =>
  typeof v === 'object' && v !== null && typeof (v as Fact<unknown>).name === 'string' && typeof (v as Fact<unknown>).command === 'function' && typeof (v as Fact<unknown>).parse === 'function';

/**
 * Every fact exported by src/facts/*.ts, by `<file>.<export>` (e.g. `sysctl.sysctlLive`), and by the roles' library
 * files, by `<role>.<file>.<export>` (e.g. `kernel.grub-facts.grubDefaults`). Not by `fact.name`: that is the read
 * cache's label, and facts printing the same thing share it (three facts are `files.content`).
 */
export async function factsByRef(): Promise<FactRegistry> {
  const facts = new Map<string, Fact<unknown, unknown>>();
  const aliases = new Map<string, string>();
  const refOf = new Map<Fact<unknown, unknown>, string>();
  for (const file of factFiles()) {
    const mod = (await import(file.path)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (!isFact(value)) continue;
      const ref = `${file.prefix}.${name}`;
      // a re-export (sysctlConfFile = fileContent) is one fact: cases name it one way, where it is defined
      const first = refOf.get(value);
      if (first) aliases.set(ref, first);
      else (refOf.set(value, ref), facts.set(ref, value));
    }
  }
  return {
    facts,
    get(ref, where) {
      const fact = facts.get(ref);
      if (fact) return fact;
      const canonical = aliases.get(ref);
      throw new Error(`${where}: ${canonical ? `${ref} is ${canonical}: name it so` : `no fact ${ref}; facts are named <src/facts file>.<export> or <role>.<library file>.<export>: ${[...facts.keys()].join(', ')}`}`);
    },
  };
}

/** Facts by reference; `get` throws naming `where` (file: path) for an unknown or aliased name. */
export interface FactRegistry {
  readonly facts: ReadonlyMap<string, Fact<unknown, unknown>>;
  get(ref: string, where: string): Fact<unknown, unknown>;
}

/** Every module behind a task factory of the public API, by `module.name` (`apt`, `sysctl`, `file`, `directory`...). */
export function modulesByName(): ReadonlyMap<string, Module<unknown, unknown, unknown>> {
  const out = new Map<string, Module<unknown, unknown, unknown>>();
  for (const value of Object.values(rig)) {
    const m = typeof value === 'function' ? (value as { module?: Module<unknown, unknown, unknown> }).module : undefined;
    if (m && typeof m.name === 'string') out.set(m.name, m);
  }
  return out;
}
