/** Strict Handlebars rendering of controller-side template files (the only file that imports handlebars). */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import type { Vars } from '../core/host.ts';
import { callLoc, HelperError, helpers } from './helpers.ts';

/** A template that cannot be read, parsed or rendered; names the file, the line and (when known) the variable. */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    readonly reason: string,
    readonly line?: number,
    readonly variable?: string,
  ) {
    super(`${template}${line !== undefined ? `:${line}` : ''}: ${reason}`);
    this.name = 'TemplateError';
  }
}

// Loaded on first render (~30 ms), so commands that render nothing do not pay for it.
const require = createRequire(import.meta.url);
let env: typeof Handlebars | undefined;

// A private environment: roles cannot register global helpers that change what other roles render.
function handlebars(): typeof Handlebars {
  if (env) return env;
  const h = (require('handlebars') as typeof Handlebars).create();
  for (const [name, fn] of Object.entries(helpers)) h.registerHelper(name, fn);
  // `#each`/`#with` over a missing value would silently render nothing: strict like a missing variable.
  // `#if`/`#unless` stay lenient: they are how a template tests for an optional value.
  for (const name of ['each', 'with']) {
    const builtin = h.helpers[name]!;
    h.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      if (args[0] === undefined) throw new HelperError(name, 'value is undefined', callLoc(args));
      return (builtin as (...a: unknown[]) => unknown).apply(this, args);
    });
  }
  return (env = h);
}

interface Compiled {
  readonly mtimeMs: number;
  readonly size: number;
  readonly source: string;
  readonly ast: hbs.AST.Program;
  readonly fn: Handlebars.TemplateDelegate<Vars>;
}
const cache = new Map<string, Compiled>();

function load(path: string): Compiled {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new TemplateError(path, `cannot read template: ${(e as Error).message}`);
  }
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
  const source = readFileSync(path, 'utf8');
  let ast: hbs.AST.Program;
  try {
    ast = handlebars().parse(source);
  } catch (e) {
    const msg = (e as Error).message;
    const line = /^Parse error on line (\d+):/.exec(msg)?.[1];
    throw new TemplateError(path, `syntax error: ${msg.replace(/^Parse error on line \d+:\n/, '')}`, line ? Number(line) : undefined);
  }
  // strict: a missing variable throws; noEscape: config files, not HTML.
  const fn = handlebars().compile<Vars>(ast, { strict: true, noEscape: true });
  const entry: Compiled = { mtimeMs: st.mtimeMs, size: st.size, source, ast, fn };
  cache.set(path, entry);
  return entry;
}

type Node = { type: string; loc?: { start: { line: number; column: number } } | null } & Record<string, unknown>;

// Depth-first over every node of the AST (programs, blocks, params, hash values, sub-expressions).
function* walk(node: unknown): Generator<Node> {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) yield* walk(n);
    return;
  }
  const n = node as Node;
  if (typeof n.type === 'string') yield n;
  for (const [k, v] of Object.entries(n)) if (k !== 'loc' && v && typeof v === 'object') yield* walk(v);
}

function pathAt(ast: hbs.AST.Program, line: number, column: number): string | undefined {
  for (const n of walk(ast)) {
    if (n.type === 'PathExpression' && n.loc?.start.line === line && n.loc.start.column === column) return n['original'] as string;
  }
  return undefined;
}

// The first argument of the helper call that starts at (line, column): the variable a helper complained about.
function helperArgAt(ast: hbs.AST.Program, line: number, column: number): string | undefined {
  for (const n of walk(ast)) {
    if (CALLS.has(n.type) && n.loc?.start.line === line && n.loc.start.column === column) {
      const p = (n['params'] as Node[] | undefined)?.[0];
      if (p?.type === 'PathExpression') return p['original'] as string;
    }
  }
  return undefined;
}

/** Render the template file at `path` with `vars`; throws TemplateError (missing variable, syntax error, bad helper input). */
export function renderTemplate(path: string, vars: Vars): string {
  const t = load(path);
  try {
    return t.fn(vars);
  } catch (e) {
    const err = e as Error & { lineNumber?: number; column?: number };
    const missing = /^"([^"]+)" not defined in/.exec(err.message);
    if (missing && err.lineNumber !== undefined) {
      const variable = pathAt(t.ast, err.lineNumber, err.column ?? -1) ?? missing[1]!;
      throw new TemplateError(path, `variable "${variable}" is not defined (set it in vars, or write {{default ${variable} "…"}})`, err.lineNumber, variable);
    }
    if (e instanceof HelperError) {
      const variable = e.loc ? helperArgAt(t.ast, e.loc.line, e.loc.column) : undefined;
      throw new TemplateError(path, e.message + (variable ? ` ("${variable}")` : ''), e.loc?.line, variable);
    }
    throw new TemplateError(path, err.message.replace(/ - \d+:\d+$/, ''), err.lineNumber);
  }
}

const CALLS = new Set(['MustacheStatement', 'BlockStatement', 'SubExpression']);
const BUILTINS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);

/**
 * Root variables a template reads outside `#each`/`#with` bodies (their context is an item, not the vars),
 * for preflight checks; helper names, `@data`, `this` and `../` paths are left out.
 */
export function templateVariables(path: string): string[] {
  const { ast } = load(path);
  const found = new Set<string>();
  const visit = (node: unknown, scoped: boolean): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => visit(n, scoped));
    const n = node as Node;
    if (n.type === 'PathExpression') {
      const head = (n['parts'] as string[])[0];
      if (!scoped && !n['data'] && n['depth'] === 0 && !/^(this\b|\.\/)/.test(n['original'] as string) && head) found.add(head);
      return;
    }
    if (CALLS.has(n.type)) {
      const p = n['path'] as Node;
      const name = p['original'] as string;
      const hasArgs = (n['params'] as unknown[]).length > 0 || n['hash'] != null;
      // `{{name}}` is a variable unless name is a helper; with arguments the path is always a helper
      if (!hasArgs && !(name in helpers) && !BUILTINS.has(name)) visit(p, scoped);
      visit(n['params'], scoped);
      visit(n['hash'], scoped);
      visit(n['program'], scoped || (n.type === 'BlockStatement' && (name === 'each' || name === 'with')));
      visit(n['inverse'], scoped);
      return;
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'loc') visit(v, scoped);
  };
  visit(ast, false);
  return [...found].sort();
}
