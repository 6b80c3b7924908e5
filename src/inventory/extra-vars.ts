/** `-e` extra vars as ansible-playbook reads them: `k=v k2='v 2'`, `@file.yml`, or inline YAML/JSON `{...}`. */
import { resolve } from 'node:path';
import { ValidationError, type Problem } from '../core/errors.ts';
import type { Vars } from '../core/host.ts';
import type { VaultSecret } from './vault.ts';
import { parseYaml, readYaml, type YamlParse } from './yaml-source.ts';

/** Split a key=value string on whitespace outside quotes and Jinja blocks, like Ansible's split_args. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let jinja = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (!quote && (two === '{{' || two === '{%' || two === '{#')) {
      jinja++;
      cur += two;
      i++;
      continue;
    }
    if (!quote && jinja > 0 && (two === '}}' || two === '%}' || two === '#}')) {
      jinja--;
      cur += two;
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[++i];
      continue;
    }
    if ((c === '"' || c === "'") && jinja === 0) {
      if (!quote) quote = c;
      else if (quote === c) quote = '';
    }
    if (/\s/.test(c) && !quote && jinja === 0) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function decodeEscapes(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[\\'"abfnrtv])/g, (_m, e: string) =>
    e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : ESCAPES[e]!,
  );
}

function unquote(v: string): string {
  const q = v[0];
  return v.length > 1 && (q === '"' || q === "'") && v.at(-1) === q && v.at(-2) !== '\\' ? v.slice(1, -1) : v;
}

/** Parse `k=v` pairs (values stay strings, as in Ansible); a token without `=` is a problem. */
export function parseKeyValues(text: string, problems: Problem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of splitArgs(text)) {
    const token = decodeEscapes(raw);
    const eq = token.search(/(?<!\\)=/);
    if (eq <= 0) {
      problems.push({ where: `-e ${text}`, message: `"${raw}" is not key=value`, hint: 'use -e key=value, -e @vars.yml or -e \'{"key": "value"}\'' });
      continue;
    }
    out[token.slice(0, eq).trim()] = unquote(token.slice(eq + 1).trim());
  }
  return out;
}

function mapOf(parsed: YamlParse, spec: string, problems: Problem[]): Record<string, unknown> {
  problems.push(...parsed.problems);
  const value = parsed.root?.value;
  if (parsed.problems.length > 0) return {};
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ where: `-e ${spec}`, message: 'extra vars must be a mapping of names to values', hint: 'e.g. -e \'{"key": "value"}\'' });
    return {};
  }
  return value as Record<string, unknown>;
}

/**
 * Merge every -e spec, later ones winning per top-level key; throws ValidationError listing every bad spec. `!vault`
 * values and vault-encrypted `@files` are decrypted with `options.vaultSecrets` (secrets, tried in order).
 */
export async function parseExtraVars(specs: readonly string[], cwd: string, options: { readonly vaultSecrets?: readonly VaultSecret[] } = {}): Promise<Vars> {
  const opts = { vault: options.vaultSecrets ?? [] };
  const problems: Problem[] = [];
  let vars: Record<string, unknown> = {};
  for (const spec of specs) {
    if (!spec) continue;
    let data: Record<string, unknown>;
    if (spec.startsWith('@')) data = mapOf(await readYaml(resolve(cwd, spec.slice(1)), spec.slice(1), opts), spec, problems);
    else if (spec[0] === '/' || spec[0] === '.') {
      problems.push({ where: `-e ${spec}`, message: 'looks like a file name', hint: `prepend it with @: -e @${spec}` });
      continue;
    } else if (spec[0] === '{' || spec[0] === '[') data = mapOf(parseYaml(spec, '-e', opts), spec, problems);
    else data = parseKeyValues(spec, problems);
    vars = { ...vars, ...data };
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return vars;
}
