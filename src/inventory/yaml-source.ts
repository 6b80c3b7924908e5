/** YAML reading for inventories: the only file that imports `yaml`. Values keep their file:line. */
import { readFile } from 'node:fs/promises';
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlAstNode,
  type ScalarTag,
  type Tags,
  type YAMLError,
} from 'yaml';
import type { Problem } from '../core/errors.ts';
import { secret } from '../core/secret.ts';
import { PyFloat, UnsafeValue, VaultValue } from './tagged-values.ts';
import { pyTimestamp, PY_TIMESTAMP } from './yaml-timestamp.ts';
import { LockedVault, openVaultFile, registerSecretStrings, vaultProblem } from './vault-load.ts';
import { decryptVault, VaultError, type VaultSecret } from './vault.ts';
import { markUnsafe } from '../core/unsafe.ts';

/** One entry of a YAML mapping, with the position of its key. */
export interface YEntry {
  readonly key: unknown;
  /** file:line of the key. */
  readonly where: string;
  readonly node: YNode;
}

/** A parsed YAML node: its plain JS value plus, for mappings, positioned entries. */
export interface YNode {
  readonly kind: 'map' | 'seq' | 'scalar';
  /** file:line of the node. */
  readonly where: string;
  /** Plain JS value (objects, arrays, scalars; `!secret` strings are registered secrets). */
  readonly value: unknown;
  /** Mapping entries in document order (merge keys expanded); empty for non-maps. */
  readonly entries: readonly YEntry[];
}

/** Result of parsing one YAML text: the root node (undefined when empty), every problem found, and warnings. */
export interface YamlParse {
  readonly root: YNode | undefined;
  readonly problems: readonly Problem[];
  /** What Ansible warns about and goes on: a duplicate key (the last value is kept). */
  readonly warnings: readonly Problem[];
}

/** How to read YAML: vault secrets for `!vault` values and encrypted files, and display mode (see tagged-values.ts). */
export interface YamlOptions {
  /** Secrets tried on `!vault` values and encrypted files, in order. @default [] */
  readonly vault?: readonly VaultSecret[] | undefined;
  /** Keep `!vault`, `!unsafe` and integral floats as markers, as ansible-inventory prints them. @default false */
  readonly display?: boolean | undefined;
}

// PyYAML (what Ansible uses) reads YAML 1.1 but only yes/no/on/off/true/false as booleans, never y/n.
const pyBool = (value: boolean, test: RegExp): ScalarTag => ({
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (v) => v === value,
  test,
  resolve: () => value,
});

// `!vault |` values: decrypted into a registered secret (or kept encrypted in display mode); one no secret opens is kept
// locked (an error only when used, as Ansible decrypts lazily); bad vault data is a problem at once, its hint looked up
// by message, since the YAML library only passes the message on
function vaultTag(opts: YamlOptions, hints: Map<string, string | undefined>): ScalarTag {
  return {
    tag: '!vault',
    resolve(str, onError) {
      if (opts.display) return new VaultValue(str);
      const secrets = opts.vault ?? [];
      try {
        return secret(decryptVault(str, secrets).plaintext.toString('utf8'));
      } catch (e) {
        const p = vaultProblem(e, '', secrets, 'vault value', str);
        if (e instanceof VaultError && (e.kind === 'no-secrets' || e.kind === 'failed')) return new LockedVault(str, p);
        hints.set(p.message, p.hint);
        onError(p.message);
        return '';
      }
    },
  };
}

function envTag(tag: string, asSecret: boolean): ScalarTag {
  return {
    tag,
    resolve(str, onError) {
      const name = str.trim();
      const value = process.env[name];
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        onError(`${tag} needs an environment variable name, got ${JSON.stringify(str)}`);
        return '';
      }
      if (value === undefined) {
        onError(`${tag} ${name}: environment variable ${name} is not set (export it before running rig)`);
        return '';
      }
      return asSecret ? secret(value) : value;
    },
  };
}

const RIG_TAGS = ['!secret', '!env', '!secret_env', '!vault', '!unsafe'];

function rigTags(opts: YamlOptions, hints: Map<string, string | undefined>): ScalarTag[] {
  return [
    { tag: '!secret', resolve: (str) => secret(str) },
    envTag('!env', false),
    envTag('!secret_env', true),
    vaultTag(opts, hints),
    // Ansible's marker for "do not template"; rig does not template inventory values, so it is a plain string.
    { tag: '!unsafe', resolve: (str) => (opts.display ? new UnsafeValue(str) : markUnsafe(str)) },
  ];
}

// PyYAML's timestamps: Ansible sees a datetime/date, and prints its isoformat(); rig keeps that text
const timestampTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:timestamp',
  default: true,
  identify: () => false,
  test: PY_TIMESTAMP,
  resolve: (str) => pyTimestamp(str),
};

// PyYAML needs a dot and a signed exponent for a float in exponent form: `1e3` stays a string, `1.0e+3` is a number
const PY_FLOAT_EXP = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)[eE][-+][0-9]+$/;

function customTags(opts: YamlOptions, hints: Map<string, string | undefined>): (tags: Tags) => Tags {
  return (tags) => {
    const kept = tags
      .filter((t) => {
        const id = typeof t === 'string' ? t : t.tag;
        return id !== 'tag:yaml.org,2002:bool' && id !== 'tag:yaml.org,2002:timestamp';
      })
      .map((t) => {
        if (typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:float') return t;
        const tag = ('format' in t && t.format === 'EXP' ? { ...t, test: PY_FLOAT_EXP } : t) as ScalarTag;
        if (!opts.display) return tag;
        // display: a float stays a float in the output (3.0, not 3)
        return {
          ...tag,
          resolve: (str: string, onError: (m: string) => void, o: Parameters<ScalarTag['resolve']>[2]) => {
            const r: unknown = tag.resolve(str, onError, o);
            // the library's `1.50` float resolves to a Scalar node (to keep its digits)
            const v = isScalar(r) ? r.value : r;
            return typeof v === 'number' && Number.isInteger(v) ? new PyFloat(v) : v;
          },
        } as ScalarTag;
      });
    return [
      pyBool(true, /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/),
      pyBool(false, /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/),
      timestampTag,
      ...kept,
      ...rigTags(opts, hints),
    ];
  };
}

function problemOf(file: string, e: YAMLError, fallback: 'error' | 'warning', hints: ReadonlyMap<string, string | undefined>): Problem {
  const pos = e.linePos?.[0];
  const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
  // the library appends "at line X, column Y:" and a code excerpt; the position is in `where` already
  const message = e.message.split(/ at line \d+, column \d+/)[0]!.trim();
  const unresolved = /^Unresolved tag: (.*)$/.exec(message);
  const ours = unresolved && RIG_TAGS.includes(unresolved[1]!);
  if (hints.has(message)) return { where, message, hint: hints.get(message) };
  return {
    where,
    message: unresolved ? (ours ? `${unresolved[1]} applies to a single value, not a list or mapping` : `unknown YAML tag ${unresolved[1]}`) : message,
    hint: unresolved
      ? 'rig understands !secret, !env, !secret_env, !vault and !unsafe'
      : fallback === 'warning'
        ? undefined
        : 'fix the YAML syntax',
  };
}

/** Parse YAML text as Ansible does (YAML 1.1, PyYAML booleans) plus rig's tags; `file` names it in messages. */
export function parseYaml(text: string, file: string, opts: YamlOptions = {}): YamlParse {
  const lineCounter = new LineCounter();
  const hints = new Map<string, string | undefined>();
  // duplicate keys: PyYAML (and so Ansible) keeps the last value, Ansible warns; mapEntries warns
  const doc = parseDocument(text, { version: '1.1', merge: true, uniqueKeys: false, customTags: customTags(opts, hints), lineCounter, prettyErrors: true });
  const problems: Problem[] = [
    ...doc.errors.map((e) => problemOf(file, e, 'error', hints)),
    ...doc.warnings.map((e) => problemOf(file, e, 'warning', hints)),
  ];
  const warnings: Problem[] = [];
  if (doc.errors.length > 0 || doc.contents === null) return { root: undefined, problems, warnings };
  const where = (n: YamlAstNode | null | undefined): string => {
    const offset = n?.range?.[0];
    return offset === undefined ? file : `${file}:${lineCounter.linePos(offset).line}`;
  };
  try {
    return { root: toNode({ doc, where, warnings }, doc.contents, file), problems, warnings };
  } catch (e) {
    return { root: undefined, problems: [...problems, { where: file, message: (e as Error).message }], warnings };
  }
}

/**
 * Read and parse a YAML file (named `shown` in messages); an unreadable file is a problem, not an exception. A whole
 * vault-encrypted file is decrypted first, and its string values are registered as secrets.
 */
export async function readYaml(file: string, shown = file, opts: YamlOptions = {}): Promise<YamlParse> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { root: undefined, problems: [{ where: shown, message: `cannot read: ${(e as Error).message}` }], warnings: [] };
  }
  const problems: Problem[] = [];
  const opened = openVaultFile(text, shown, opts.vault ?? [], problems);
  if (!opened) return { root: undefined, problems, warnings: [] };
  const parsed = parseYaml(opened.text, shown, opts);
  if (opened.encrypted) registerSecretStrings(parsed.root?.value);
  return parsed;
}

type Where = (n: YamlAstNode | null | undefined) => string;
interface Ctx {
  readonly doc: Document;
  readonly where: Where;
  readonly warnings: Problem[];
}
const toJs = { maxAliasCount: 1000 };

function toNode(ctx: Ctx, node: unknown, fallback: string): YNode {
  const target = isAlias(node) ? node.resolve(ctx.doc) : node;
  const ast = target as YamlAstNode | null | undefined;
  const at = ast?.range ? ctx.where(ast) : fallback;
  if (isMap(ast)) return { kind: 'map', where: at, value: ast.toJS(ctx.doc, toJs), entries: mapEntries(ctx, ast, true) };
  if (isSeq(ast)) return { kind: 'seq', where: at, value: ast.toJS(ctx.doc, toJs), entries: [] };
  return { kind: 'scalar', where: at, value: isScalar(ast) ? ast.toJS(ctx.doc, toJs) : null, entries: [] };
}

function mapEntries(ctx: Ctx, map: YamlAstNode, own: boolean): YEntry[] {
  if (!isMap(map)) return [];
  const byKey = new Map<unknown, YEntry>();
  const explicit: YEntry[] = [];
  const seen = new Set<unknown>();
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    const keyNode = pair.key as YamlAstNode | null;
    const key: unknown = isScalar(keyNode) ? keyNode.value : keyNode === null ? null : String(keyNode);
    // `<<: *anchor` merges the anchored map's entries first, as PyYAML does; explicit keys override their values
    if (isScalar(keyNode) && keyNode.source === '<<' && typeof key !== 'string') {
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const src of sources) {
        const resolved = isAlias(src) ? src.resolve(ctx.doc) : src;
        for (const e of mapEntries(ctx, resolved as YamlAstNode, false)) if (!byKey.has(e.key)) byKey.set(e.key, e);
      }
      continue;
    }
    const keyWhere = ctx.where(keyNode);
    if (own && seen.has(key)) {
      ctx.warnings.push({ where: keyWhere, message: `duplicate key ${JSON.stringify(key)}: the last value is used (Ansible warns "Found duplicate mapping key" and does the same)`, hint: 'remove one of them' });
    }
    seen.add(key);
    explicit.push({ key, where: keyWhere, node: toNode(ctx, pair.value, keyWhere) });
  }
  for (const e of explicit) byKey.set(e.key, e);
  return [...byKey.values()];
}
