/** Find and read the case files: every test/cases/<kind>/<subject>/<case>.json, checked against its schema. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecOutput } from '../../src/core/index.ts';
import { captureSchema, type CaseOutput, factCaseSchema, moduleCaseSchema, parseCase, type FactCase, type ModuleCase } from './schema.ts';

/** The repository root, for file names in messages. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CASES = fileURLToPath(new URL('./', import.meta.url));
const CAPTURES = fileURLToPath(new URL('../fixtures/facts/', import.meta.url));

/** One case file: where it is, what it is about (its directory) and its content. */
export interface CaseFile<C> {
  /** Path from the repository root, e.g. test/cases/modules/sysctl/fresh-host.json. */
  readonly file: string;
  /** The directory name: the module's name or the fact's `<file>.<export>`. */
  readonly subject: string;
  /** The file name without .json. */
  readonly name: string;
  readonly content: C;
}

function load<C>(kind: 'modules' | 'facts', parse: (value: unknown, file: string) => C): CaseFile<C>[] {
  const out: CaseFile<C>[] = [];
  const base = join(CASES, kind);
  for (const subject of readdirSync(base).sort()) {
    for (const entry of readdirSync(join(base, subject)).sort()) {
      const file = relative(ROOT, join(base, subject, entry));
      if (!entry.endsWith('.json')) throw new Error(`${file}: only <case>.json files belong in ${relative(ROOT, base)}/<subject>/`);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
      } catch (e) {
        throw new Error(`${file}: not JSON: ${(e as Error).message}`);
      }
      out.push({ file, subject, name: entry.slice(0, -'.json'.length), content: parse(json, file) });
    }
  }
  return out;
}

/** Every module case, schema-checked (a malformed file throws naming the file and the path in it). */
export const moduleCases = (): CaseFile<ModuleCase>[] => load('modules', (v, f) => parseCase(moduleCaseSchema, v, f));
/** Every fact case, schema-checked. */
export const factCases = (): CaseFile<FactCase>[] => load('facts', (v, f) => parseCase(factCaseSchema, v, f));

const joinText = (t: string | readonly string[] | undefined): string => (t === undefined ? '' : typeof t === 'string' ? t : t.map((l) => `${l}\n`).join(''));
const capture = (name: string, file: string, where: string): string => {
  try {
    return readFileSync(join(CAPTURES, name), 'utf8');
  } catch (e) {
    throw new Error(`${file}: ${where}: cannot read the capture test/fixtures/facts/${name}: ${(e as Error).message}`);
  }
};

/** The ExecOutput a case's output stands for (captures read from test/fixtures/facts/); `command`, when known, must be
 *  the one a JSON capture was taken with. */
export function execOutput(o: CaseOutput, file: string, where: string, command?: string): ExecOutput {
  if (o.captureFile !== undefined) {
    const c = parseCase(captureSchema, JSON.parse(capture(o.captureFile, file, `${where}.captureFile`)), `test/fixtures/facts/${o.captureFile}`);
    if (command !== undefined && c.command !== command) {
      throw new Error(`${file}: ${where}.captureFile: test/fixtures/facts/${o.captureFile} was captured with another command than the case runs: capture it again`);
    }
    return { stdout: c.stdout, stderr: c.stderr, code: c.code };
  }
  return {
    stdout: o.stdoutFile === undefined ? joinText(o.stdout) : capture(o.stdoutFile, file, `${where}.stdoutFile`),
    stderr: o.stderrFile === undefined ? joinText(o.stderr) : capture(o.stderrFile, file, `${where}.stderrFile`),
    code: o.code ?? 0,
  };
}

/** A fact's argument from a `reads` key: '' is none, a key starting with { [ or " is JSON, any other key the string itself. */
export function argOfKey(key: string): unknown {
  if (key === '') return undefined;
  return /^[[{"]/.test(key) ? JSON.parse(key) : key;
}

/** A value as JSON can hold it: bytes become `{ utf8: text }` (or `{ base64 }` when not UTF-8), in lists and objects too. */
export function jsonValue(v: unknown): unknown {
  if (v instanceof Uint8Array) {
    try {
      return { utf8: new TextDecoder('utf-8', { fatal: true }).decode(v) };
    } catch {
      return { base64: Buffer.from(v).toString('base64') };
    }
  }
  if (Array.isArray(v)) return v.map(jsonValue);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
  return v;
}
