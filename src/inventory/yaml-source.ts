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

/** Result of parsing one YAML text: the root node (undefined when empty) and every problem found. */
export interface YamlParse {
  readonly root: YNode | undefined;
  readonly problems: readonly Problem[];
}

// PyYAML (what Ansible uses) reads YAML 1.1 but only yes/no/on/off/true/false as booleans, never y/n.
const pyBool = (value: boolean, test: RegExp): ScalarTag => ({
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (v) => v === value,
  test,
  resolve: () => value,
});

const vaultTag: ScalarTag = {
  tag: '!vault',
  resolve(_str, onError) {
    onError(
      'ansible-vault values (!vault) are not supported by rig. Use `!secret_env NAME` (value read from the ' +
        'environment variable NAME and redacted from all output), or `!secret value` in a file kept out of git',
    );
    return '';
  },
};

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

const rigTags: ScalarTag[] = [
  { tag: '!secret', resolve: (str) => secret(str) },
  envTag('!env', false),
  envTag('!secret_env', true),
  vaultTag,
  // Ansible's marker for "do not template"; rig does not template inventory values, so it is a plain string.
  { tag: '!unsafe', resolve: (str) => str },
];

// PyYAML needs a dot and a signed exponent for a float in exponent form: `1e3` stays a string, `1.0e+3` is a number
const PY_FLOAT_EXP = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)[eE][-+][0-9]+$/;

function customTags(tags: Tags): Tags {
  const kept = tags
    .filter((t) => {
      const id = typeof t === 'string' ? t : t.tag;
      // timestamps stay strings (Ansible prints them as text in --list)
      return id !== 'tag:yaml.org,2002:bool' && id !== 'tag:yaml.org,2002:timestamp';
    })
    .map((t) => (typeof t !== 'string' && 'format' in t && t.format === 'EXP' && t.tag === 'tag:yaml.org,2002:float' ? ({ ...t, test: PY_FLOAT_EXP } as ScalarTag) : t));
  return [
    pyBool(true, /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/),
    pyBool(false, /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/),
    ...kept,
    ...rigTags,
  ];
}

function problemOf(file: string, e: YAMLError, fallback: 'error' | 'warning'): Problem {
  const pos = e.linePos?.[0];
  const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
  // the library appends "at line X, column Y:" and a code excerpt; the position is in `where` already
  const message = e.message.split(/ at line \d+, column \d+/)[0]!.trim();
  const unresolved = /^Unresolved tag: (.*)$/.exec(message);
  const ours = unresolved && rigTags.some((t) => t.tag === unresolved[1]);
  return {
    where,
    message: unresolved ? (ours ? `${unresolved[1]} applies to a single value, not a list or mapping` : `unknown YAML tag ${unresolved[1]}`) : message,
    hint: unresolved
      ? 'rig understands !secret, !env, !secret_env and !unsafe'
      : fallback === 'warning'
        ? undefined
        : 'fix the YAML syntax',
  };
}

/** Parse YAML text as Ansible does (YAML 1.1, PyYAML booleans) plus rig's tags; `file` names it in messages. */
export function parseYaml(text: string, file: string): YamlParse {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', merge: true, customTags, lineCounter, prettyErrors: true });
  const problems: Problem[] = [
    ...doc.errors.map((e) => problemOf(file, e, 'error')),
    ...doc.warnings.map((e) => problemOf(file, e, 'warning')),
  ];
  if (doc.errors.length > 0 || doc.contents === null) return { root: undefined, problems };
  const where = (n: YamlAstNode | null | undefined): string => {
    const offset = n?.range?.[0];
    return offset === undefined ? file : `${file}:${lineCounter.linePos(offset).line}`;
  };
  try {
    return { root: toNode(doc, doc.contents, where, file), problems };
  } catch (e) {
    return { root: undefined, problems: [...problems, { where: file, message: (e as Error).message }] };
  }
}

/** Read and parse a YAML file (named `shown` in messages); an unreadable file is a problem, not an exception. */
export async function readYaml(file: string, shown = file): Promise<YamlParse> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { root: undefined, problems: [{ where: shown, message: `cannot read: ${(e as Error).message}` }] };
  }
  return parseYaml(text, shown);
}

function toNode(doc: Document, node: unknown, where: Where, fallback: string): YNode {
  const target = isAlias(node) ? node.resolve(doc) : node;
  const ast = target as YamlAstNode | null | undefined;
  const at = ast?.range ? where(ast) : fallback;
  if (isMap(ast)) return { kind: 'map', where: at, value: ast.toJS(doc, toJs), entries: mapEntries(doc, ast, where) };
  if (isSeq(ast)) return { kind: 'seq', where: at, value: ast.toJS(doc, toJs), entries: [] };
  return { kind: 'scalar', where: at, value: isScalar(ast) ? ast.toJS(doc, toJs) : null, entries: [] };
}

type Where = (n: YamlAstNode | null | undefined) => string;
const toJs = { maxAliasCount: 1000 };

function mapEntries(doc: Document, map: YamlAstNode, where: Where): YEntry[] {
  if (!isMap(map)) return [];
  const byKey = new Map<unknown, YEntry>();
  const own: YEntry[] = [];
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    const keyNode = pair.key as YamlAstNode | null;
    const key: unknown = isScalar(keyNode) ? keyNode.value : keyNode === null ? null : String(keyNode);
    // `<<: *anchor` merges the anchored map's entries first, as PyYAML does; explicit keys override their values
    if (isScalar(keyNode) && keyNode.source === '<<' && typeof key !== 'string') {
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const src of sources) {
        const resolved = isAlias(src) ? src.resolve(doc) : src;
        for (const e of mapEntries(doc, resolved as YamlAstNode, where)) if (!byKey.has(e.key)) byKey.set(e.key, e);
      }
      continue;
    }
    const keyWhere = where(keyNode);
    own.push({ key, where: keyWhere, node: toNode(doc, pair.value, where, keyWhere) });
  }
  for (const e of own) byKey.set(e.key, e);
  return [...byKey.values()];
}
