/**
 * `rig adhoc -m NAME`: Ansible's module names (short, `ansible.builtin.*`, or the collection's FQCN) mapped onto rig's
 * task factories, with Ansible's argument names (snake_case, aliases) renamed to rig's and `-a` strings typed by the
 * module's schema, as Ansible's argument spec converts them (`yes` → true, `5` → 5, `a,b` → a list).
 */
import path from 'node:path';
import type { HostFacts, Module, Task, TaskOptions, TaskResult } from '../core/index.ts';
import { globToRegExp, scalarFromString } from '../core/index.ts';
import * as dsl from '../dsl/modules.ts';
import { jsonSchema, isZodSchema, suggest } from '../schema/index.ts';
import { ansibleFacts } from '../runner/index.ts';
import type { ParsedArgs } from './adhoc-args.ts';

type Json = Record<string, unknown>;
type AnyFactory = ((args: unknown, options?: TaskOptions) => Task) & { readonly module: Module<unknown, unknown, unknown> };

/** How one Ansible module name is run by rig. */
export interface AdhocModule {
  /** Ansible's short name (`get_url`). */
  readonly name: string;
  /** The collection it belongs to in Ansible (`ansible.builtin`, `ansible.posix`, `community.general`). */
  readonly collection: string;
  /** rig's task factory that runs it. */
  readonly factory: AnyFactory;
  /** Free-form text is the command (`cmd`), as command/shell/raw take it (Ansible's check_raw). */
  readonly freeForm?: boolean;
  /** Ansible's argument names (aliases included) that rig spells differently, snake_case → camelCase aside. */
  readonly renames?: Readonly<Record<string, string>>;
  /** Args that Ansible types as lists: a `-a` string with commas becomes a list. */
  readonly lists?: readonly string[];
  /** Args naming a controller file: resolved against the current directory (a playbook's are relative to files/). */
  readonly controllerPaths?: readonly string[];
  /** Printed as `host | CHANGED | rc=0 >>` + output (Ansible's MODULE_NO_JSON), not as JSON. */
  readonly commandOutput?: boolean;
  /** The play gathers facts (setup). */
  readonly gatherFacts?: boolean;
  /** Runs on the controller only: hosts are not connected to (debug; Ansible's `_requires_connection = False`). */
  readonly controllerOnly?: boolean;
  /** Build the rig args from Ansible's (already renamed and typed); the default passes them on. */
  readonly args?: (a: Json) => { readonly args: unknown } | { readonly problems: readonly string[] };
  /** The JSON printed for a successful result (Ansible's module return values that rig has); `a`: the `-a` args. */
  readonly shape?: (r: TaskResult, a: Json) => Json | undefined;
}

const f = (factory: unknown): AnyFactory => factory as AnyFactory;
const PATH_ALIASES = { dest: 'path', destfile: 'path', name: 'path' };

/** Every module `rig adhoc` runs, by Ansible's short name. */
export const ADHOC_MODULES: readonly AdhocModule[] = [
  { name: 'command', collection: 'ansible.builtin', factory: f(dsl.command), freeForm: true, commandOutput: true, renames: { argv: 'cmd' } },
  { name: 'shell', collection: 'ansible.builtin', factory: f(dsl.shell), freeForm: true, commandOutput: true },
  // rig runs every command through the login shell over SSH, with or without a module subsystem: raw is shell
  { name: 'raw', collection: 'ansible.builtin', factory: f(dsl.shell), freeForm: true, commandOutput: true },
  {
    name: 'ping',
    collection: 'ansible.builtin',
    // a round trip that runs something as the task's user (sudo included with -b), changing nothing
    factory: f(dsl.waitFor),
    args: (a) => {
      const extra = Object.keys(a).filter((k) => k !== 'data');
      if (extra.length) return { problems: [`unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}: ping takes only data`] };
      return { args: { command: 'true', timeoutSec: 0 } };
    },
    shape: (_r, a) => ({ changed: false, ping: a.data ?? 'pong' }),
  },
  {
    name: 'setup',
    collection: 'ansible.builtin',
    gatherFacts: true,
    // the facts were gathered for the play; the task prints them (filtered by name globs)
    factory: f(dsl.debug),
    args: (a) => {
      const extra = Object.keys(a).filter((k) => k !== 'filter');
      if (extra.length) return { problems: [`unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}: rig's setup takes only filter (glob(s) on fact names); it gathers rig's core facts, no subsets`] };
      const filter = a.filter === undefined ? [] : Array.isArray(a.filter) ? a.filter : String(a.filter).split(',');
      if (!filter.every((g) => typeof g === 'string')) return { problems: ['filter: expected glob strings, e.g. filter=os,kernel or filter=mem*'] };
      const globs = (filter as string[]).map((g) => globToRegExp(g.trim()));
      // Ansible's names (ansible_hostname, ansible_default_ipv4…) and rig's own facts; not rig's pending-handler records
      const all = (facts: HostFacts): Record<string, unknown> => {
        const { pendingRecords: _p, ...own } = facts;
        return { ...Object.fromEntries(Object.entries(ansibleFacts(facts)).map(([k, v]) => [`ansible_${k}`, v])), ...own };
      };
      return { args: (ctx: { facts: HostFacts }) => ({ msg: Object.fromEntries(Object.entries(all(ctx.facts)).filter(([k]) => !globs.length || globs.some((g) => g.test(k)))) }) };
    },
    shape: (r) => ({ ansible_facts: (r.show as { msg?: unknown } | undefined)?.msg, changed: false }),
  },
  { name: 'copy', collection: 'ansible.builtin', factory: f(dsl.copy), controllerPaths: ['src'] },
  { name: 'template', collection: 'ansible.builtin', factory: f(dsl.template), controllerPaths: ['src'] },
  { name: 'file', collection: 'ansible.builtin', factory: f(dsl.file), renames: PATH_ALIASES },
  { name: 'lineinfile', collection: 'ansible.builtin', factory: f(dsl.lineinfile), renames: { ...PATH_ALIASES, regex: 'regexp', value: 'line' } },
  { name: 'blockinfile', collection: 'ansible.builtin', factory: f(dsl.blockinfile), renames: { ...PATH_ALIASES, content: 'block' } },
  { name: 'apt', collection: 'ansible.builtin', factory: f(dsl.apt), renames: { pkg: 'name', package: 'name', 'update-cache': 'updateCache' }, lists: ['name'] },
  { name: 'service', collection: 'ansible.builtin', factory: f(dsl.service) },
  { name: 'systemd', collection: 'ansible.builtin', factory: f(dsl.systemd), renames: { unit: 'name', 'daemon-reload': 'daemonReload' } },
  { name: 'systemd_service', collection: 'ansible.builtin', factory: f(dsl.systemd), renames: { unit: 'name', 'daemon-reload': 'daemonReload' } },
  { name: 'user', collection: 'ansible.builtin', factory: f(dsl.user), renames: { createhome: 'createHome', remove: 'removeHome' }, lists: ['groups'] },
  { name: 'group', collection: 'ansible.builtin', factory: f(dsl.group) },
  { name: 'reboot', collection: 'ansible.builtin', factory: f(dsl.reboot), renames: { reboot_timeout: 'rebootTimeoutSec', test_command: 'testCommand' } },
  { name: 'get_url', collection: 'ansible.builtin', factory: f(dsl.getUrl), renames: { timeout: 'timeoutSec' } },
  { name: 'wait_for', collection: 'ansible.builtin', factory: f(dsl.waitFor), renames: { timeout: 'timeoutSec', sleep: 'sleepSec' } },
  { name: 'debug', collection: 'ansible.builtin', factory: f(dsl.debug), controllerOnly: true },
  { name: 'sysctl', collection: 'ansible.posix', factory: f(dsl.sysctl), renames: { key: 'name', val: 'value', sysctl_file: 'file' } },
  { name: 'modprobe', collection: 'community.general', factory: f(dsl.modprobe) },
];

/** The names `-m` accepts for a module: short, its FQCN, and for builtins `ansible.legacy.*` too. */
export function namesOf(m: AdhocModule): string[] {
  return [m.name, `${m.collection}.${m.name}`, ...(m.collection === 'ansible.builtin' ? [`ansible.legacy.${m.name}`] : [])];
}

/** The module for `-m NAME`, or a message naming the closest supported one and listing them all. */
export function resolveAdhocModule(name: string): AdhocModule | { readonly message: string; readonly hint: string } {
  const found = ADHOC_MODULES.find((m) => namesOf(m).includes(name));
  if (found) return found;
  const short = name.replace(/^.*\./, '');
  const close = suggest(short, ADHOC_MODULES.map((m) => m.name));
  return {
    message: `rig has no module '${name}'${close ? ` (did you mean '${close}'?)` : ''}`,
    hint: `rig adhoc runs: ${ADHOC_MODULES.map((m) => m.name).join(', ')} (also as ansible.builtin.NAME); for anything else write a playbook task`,
  };
}

/** The properties of a module's args JSON Schema (rig's own names). */
function properties(m: Module<unknown, unknown, unknown>): Readonly<Record<string, Json>> {
  return isZodSchema(m.args) ? ((jsonSchema(m.args).properties ?? {}) as Record<string, Json>) : {};
}

/** The JSON types a property accepts ('any' when it says none). */
function typesOf(s: Json): Set<string> {
  const out = new Set<string>();
  const alts = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (alts) for (const a of alts) for (const t of typesOf(a)) out.add(t);
  if (Array.isArray(s.enum)) for (const e of s.enum) out.add(typeof e);
  if (typeof s.type === 'string') out.add(s.type);
  if (Array.isArray(s.type)) for (const t of s.type) out.add(String(t));
  if (out.size === 0) out.add('any');
  return out;
}

/** A `-a` string typed as Ansible's argument spec would for a rig arg of schema `s`: booleans, numbers, comma lists. */
export function typeString(v: string, s: Json | undefined, list: boolean): unknown {
  if (s === undefined) return v;
  const types = typesOf(s);
  if (list && v.includes(',') && types.has('array')) return v.split(',').map((x) => x.trim()).filter(Boolean);
  if (types.has('string') || types.has('any')) return v;
  if (types.has('boolean')) {
    const b = scalarFromString(v, 'boolean');
    if (b !== undefined) return b;
  }
  if (types.has('number') || types.has('integer')) {
    const n = scalarFromString(v, 'number');
    if (n !== undefined) return n;
  }
  if (types.has('array')) return v.split(',').map((x) => x.trim()).filter(Boolean);
  return v;
}

/** `update_cache` → `updateCache`. */
const camel = (k: string): string => k.replace(/[_-]([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/**
 * rig's args for `m` from what `-a` said: renamed, typed, free-form text as `cmd`, controller paths made absolute.
 * Unknown names are passed on unchanged, so the module's schema reports them with its own "did you mean".
 */
export function adhocArgs(m: AdhocModule, parsed: ParsedArgs, cwd: string): { readonly args: unknown; readonly given: Json } | { readonly problems: readonly string[] } {
  const props = properties(m.factory.module);
  const out: Json = {};
  const givenAs: Record<string, string> = {};
  const problems: string[] = [];
  for (const [k, v] of Object.entries(parsed.options)) {
    const key = m.renames?.[k] ?? (k in props ? k : camel(k) in props ? camel(k) : k);
    if (givenAs[key] !== undefined) {
      problems.push(`${key} is given twice (as ${givenAs[key]} and as ${k})`);
      continue;
    }
    givenAs[key] = k;
    const typed = typeof v === 'string' ? typeString(v, props[key], m.lists?.includes(key) ?? false) : v;
    const want = props[key] ? typesOf(props[key]) : undefined;
    if (typed === v && typeof v === 'string' && want && !want.has('string') && !want.has('any')) {
      const what = want.has('boolean') ? 'a boolean (yes/no, true/false, on/off, 1/0)' : want.has('number') || want.has('integer') ? 'a number' : [...want].join(' or ');
      problems.push(`${k}: expected ${what}, got ${JSON.stringify(v)}`);
    }
    out[key] = m.controllerPaths?.includes(key) && typeof typed === 'string' ? path.resolve(cwd, typed) : typed;
  }
  if (parsed.raw !== undefined) {
    if (!m.freeForm) problems.push(`free-form text ${JSON.stringify(parsed.raw)} is not an argument of ${m.name}: give key=value pairs (Ansible: does not support raw params)`);
    else if (out.cmd !== undefined) problems.push(`the command is given twice: as free-form text and as ${givenAs.cmd ?? 'cmd'}`);
    else out.cmd = parsed.raw;
  }
  if (m.freeForm && out.cmd === undefined) problems.push(`No argument passed to ${m.name} module (Ansible's words): give the command, e.g. -a 'uptime'`);
  if (problems.length) return { problems };
  const built = m.args ? m.args(out) : { args: out };
  return 'problems' in built ? built : { args: built.args, given: out };
}
