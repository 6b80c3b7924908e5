/**
 * Host patterns (play `hosts:` and --limit) evaluated as Ansible's InventoryManager does: split on `,` (or `:`),
 * union the plain patterns, then apply `&intersections`, then `!exclusions`. Each pattern is a host name, a group
 * name, a glob (`web*`), a regex (`~web\d+`), optionally with a subscript (`web[0]`, `web[1:3]`, `web[2:]`).
 * Hosts come in Ansible's order, which decides `serial` batches and the host `runOnce` picks: pattern by pattern, a
 * group's hosts in Group.get_hosts order (own hosts, then child groups level by level), matching host names in inventory
 * order. `localhost`, `127.0.0.1` and `::1` match the implicit localhost when the inventory has no such host (Ansible's
 * implicit localhost, `ansible_connection: local`). Difference, on purpose: where Ansible's order depends on set
 * iteration (several groups with children at one level), rig's is fixed (the order the children were declared in).
 */
import { ValidationError, type Problem } from '../core/errors.ts';
import { globToRegExp } from '../core/glob.ts';
import { parseAddress } from './host-pattern.ts';
import type { Inventory } from './types.ts';
import { groupWalk, IMPLICIT_LOCALHOST } from './group-walk.ts';

/** Split a pattern string as Ansible's split_host_pattern does. */
export function splitHostPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else {
    try {
      parseAddress(pattern);
      parts = [pattern];
    } catch {
      // ':' as separator is legacy Ansible syntax; brackets keep ranges like web[1:2] whole
      parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
    }
  }
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

const SUBSCRIPT_HINT = 'a subscript ends the pattern and is [i], [-i], [start:end] (inclusive) or [start:]: web[0], web[-1], web[1:3], web[2:]';
const IPV6_ADDRESS = /^\[[0-9a-f:.]+\](?::[0-9]+)?$/i;

/** Bracket problems of one pattern term (regexes excepted): unbalanced, nested or empty `[...]`, and a `[...]` with a ':'
 *  that is not a whole trailing subscript (`web[1:x]`, `db[a:c]`, `web[1:2].example.com`: Ansible would read those as
 *  character classes of a glob, which is never what was meant). */
function bracketProblem(term: string): string | undefined {
  const bare = term[0] === '!' || term[0] === '&' ? term.slice(1) : term;
  if (bare[0] === '~' || IPV6_ADDRESS.test(bare)) return undefined;
  let open = -1;
  for (let i = 0; i < bare.length; i++) {
    const c = bare[i];
    if (c === '[') {
      if (open >= 0) return `"${bare}" has a "[" inside "[...]"`;
      open = i;
    } else if (c === ']') {
      if (open < 0) return `"${bare}" has a "]" without a "[" before it`;
      const body = bare.slice(open + 1, i);
      if (body.trim() === '') return `"${bare}" has an empty subscript "[]"`;
      if (body.includes(':') && (i !== bare.length - 1 || !SUBSCRIPT.test(bare))) return `"${bare}": "[${body}]" is not a valid subscript`;
      open = -1;
    }
  }
  return open >= 0 ? `"${bare}" has a "[" without a closing "]"` : undefined;
}

/**
 * Syntax problems of a whole pattern, found before any matching: an empty pattern (or one of only separators and
 * whitespace), which Ansible refuses and which must never mean "all hosts"; a `!`/`&` with nothing after it; malformed
 * brackets, including stray ones the `:` splitter would silently drop (`web[`, `]`).
 */
export function patternSyntaxProblems(pattern: string): Problem[] {
  const where = `pattern ${JSON.stringify(pattern)}`;
  const parts = splitHostPattern(pattern);
  if (parts.length === 0) {
    const shown = pattern.trim() === '' ? 'is empty' : /[[\]]/.test(pattern) ? 'has an unpaired "[" or "]" and no host or group' : 'has only separators and whitespace, no host or group';
    // an empty pattern must never select every host (as it did when it fell through to "all")
    return [{ where, message: `the host pattern ${shown}`, hint: 'name hosts or groups (web1,db*), or write "all" for every host' }];
  }
  const problems: Problem[] = [];
  const say = (message: string, hint: string): void => void problems.push({ where, message, hint });
  // with ',' the terms are taken as written; without, the ':' splitter keeps only what it understands: compare
  const terms = pattern.includes(',') ? pattern.split(',').map((t) => t.trim()).filter((t) => t.length > 0) : parts;
  if (!pattern.includes(',')) {
    const dropped = [...pattern.replace(/[\s:]/g, '')].filter((c) => c === '[' || c === ']').length - [...parts.join('').replace(/[\s:]/g, '')].filter((c) => c === '[' || c === ']').length;
    if (dropped > 0) return [{ where, message: `"${pattern}" has a "[" or "]" without its pair`, hint: SUBSCRIPT_HINT }];
  }
  for (const t of terms) {
    if (t === '!' || t === '&') {
      say(`"${t}" needs a host or group after it`, `write ${t}NAME, e.g. ${t === '!' ? 'all:!db1' : 'web:&prod'}`);
      continue;
    }
    const bad = bracketProblem(t);
    if (bad) say(bad, `${SUBSCRIPT_HINT}; host ranges like web[01:03] are for inventory files, patterns use globs (web0*) or regexes (~web0[1-3])`);
  }
  return problems;
}

/** Plain patterns first, then `&` ones, then `!` ones; only modifiers means "all" plus them. */
export function orderPatterns(patterns: readonly string[]): string[] {
  const regular = patterns.filter((p) => p[0] !== '!' && p[0] !== '&');
  const inter = patterns.filter((p) => p[0] === '&');
  const excl = patterns.filter((p) => p[0] === '!');
  return [...(regular.length ? regular : ['all']), ...inter, ...excl];
}

function splitSubscript(p: string): { expr: string; sub?: [number, number | undefined] } {
  if (p[0] === '~') return { expr: p };
  const m = SUBSCRIPT.exec(p);
  if (!m) return { expr: p };
  if (m[2] !== undefined) return { expr: m[1]!, sub: [Number(m[2]), undefined] };
  return { expr: m[1]!, sub: [Number(m[3]), m[5] ? Number(m[5]) : -1] };
}

function compile(expr: string): RegExp {
  try {
    return expr[0] === '~' ? new RegExp(`^(?:${expr.slice(1)})`) : globToRegExp(expr);
  } catch {
    throw new ValidationError({ message: `invalid host pattern regex: ${expr}`, hint: 'a pattern starting with ~ is a regular expression' });
  }
}

/** Hosts matched by one pattern (without its &/! prefix), or undefined when it matches no host and no group. */
function matchOne(inv: Inventory, pattern: string): string[] | undefined {
  const { expr, sub } = splitSubscript(pattern);
  const re = compile(expr);
  const found = new Set<string>();
  const groups = [...inv.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) for (const h of groupWalk(inv.groups, g)) found.add(h);
  // a group match hides a host of the same name unless the pattern is a regex or glob, as in Ansible
  if (groups.length === 0 || expr[0] === '~' || /[.?*[]/.test(expr)) {
    for (const h of inv.hosts) if (re.test(h.name)) found.add(h.name);
  }
  if (found.size === 0 && IMPLICIT_LOCALHOST.has(expr) && inv.host(expr)) found.add(expr);
  if (found.size === 0 && groups.length === 0 && expr !== 'all') return undefined;
  const ordered = [...found];
  if (!sub || ordered.length === 0) return ordered;
  const [start, end] = sub;
  if (end === undefined) {
    const one = ordered.at(start);
    if (one === undefined) throw new ValidationError({ message: `no host at index ${start} of "${expr}" (it has ${ordered.length})` });
    return [one];
  }
  return ordered.slice(start, (end === -1 ? ordered.length - 1 : end) + 1);
}

function hintFor(inv: Inventory, pattern: string, bare: string): string {
  if (pattern.includes(',') && bare.includes(':')) return 'in a list with "," the ":" is not a separator: use "," throughout';
  const names = [...inv.groups.keys()];
  const shown = names.length > 20 ? `${names.slice(0, 20).join(', ')}, … (${names.length} groups)` : names.join(', ');
  return `groups: ${shown}; use a glob (web*) or a regex (~web\\d+) for partial names`;
}

/** The hosts a pattern selects, in Ansible's order, and a problem for each of its terms that matches no host and no
 *  group (Ansible: "Could not match supplied host pattern, ignoring: NAME"). */
export interface PatternMatch {
  readonly hosts: readonly string[];
  readonly unmatched: readonly Problem[];
}

/** Evaluate `pattern` as Ansible's InventoryManager does (terms matching nothing are reported, not fatal); throws
 *  ValidationError for a malformed or empty pattern (see patternSyntaxProblems) or a subscript out of range. */
export function matchHosts(inv: Inventory, pattern: string): PatternMatch {
  const syntax = patternSyntaxProblems(pattern);
  if (syntax.length > 0) throw new ValidationError(syntax);
  const unmatched: Problem[] = [];
  let selected: string[] = [];
  for (const p of orderPatterns(splitHostPattern(pattern))) {
    const bare = p[0] === '!' || p[0] === '&' ? p.slice(1) : p;
    const matched = inv.host(p) && !IMPLICIT_LOCALHOST.has(p) ? [p] : matchOne(inv, bare);
    if (matched === undefined) {
      unmatched.push({ where: `pattern "${pattern}"`, message: `"${bare}" matches no host and no group`, hint: hintFor(inv, pattern, bare) });
    }
    const set = new Set(matched ?? []);
    if (p[0] === '!') selected = selected.filter((h) => !set.has(h));
    else if (p[0] === '&') selected = selected.filter((h) => set.has(h));
    else selected = [...new Set([...selected, ...set])];
  }
  return { hosts: selected, unmatched };
}

/** Host names selected by `pattern`, in Ansible's order; throws ValidationError for a malformed or empty pattern and
 *  naming every term that matches nothing (for --limit, where a typo must not quietly narrow a run). */
export function selectHosts(inv: Inventory, pattern: string): readonly string[] {
  const { hosts, unmatched } = matchHosts(inv, pattern);
  if (unmatched.length > 0) throw new ValidationError(unmatched);
  return hosts;
}
