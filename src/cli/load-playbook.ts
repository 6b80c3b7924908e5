/** Import a playbook .ts file and check its default export. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ValidationError, type Playbook } from '../core/index.ts';
import { enableTypeScript } from './ts-loader.ts';

// rig's own code: src/ when running from source, the build of it (bin/build.js: <root>/.build/<stamp>/) and its src/
const rigCode = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rigDirs = [rigCode, ...(path.basename(path.dirname(rigCode)) === '.build' ? [path.resolve(rigCode, '../../src')] : [])];

const shownPath = (file: string): string => path.relative(process.cwd(), file) || file;

/**
 * file:line of the first stack frame in the user's files (not rig's, not node's, not node_modules), if any. Frames from
 * loadPlaybook's own import() on are its callers (rig's CLI, bin/rig.js, a test), never the culprit.
 */
export function userFrame(stack: string | undefined): string | undefined {
  for (const frame of stack?.split('\n') ?? []) {
    // "    at fn (/x/y.ts:3:7)", "    at /x/y.ts:3:7", "    at async file:///x/y.ts:3:7"; never node:internal/…
    const m = /^\s+at (?:.*\(|async )?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/.exec(frame);
    if (!m?.[1] || !m[2]) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    const rigs = rigDirs.some((d) => file.startsWith(d + path.sep));
    if (rigs && path.basename(file).startsWith('load-playbook.')) return undefined;
    if (rigs || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return `${shownPath(file)}:${m[2]}`;
  }
  return undefined;
}

/** Where and what of a TypeScript syntax error: tsx (esbuild) says "/x/pb.ts:3:7: ERROR: Expected …", vite (vitest)
 *  "[PARSE_ERROR] Unexpected token" then "[ ../x/pb.ts:3:7 ]". */
function syntaxError(message: string): { at: string; message: string } | undefined {
  const text = message.replace(/\u001b\[[0-9;]*m/g, '');
  const esbuild = /^(\/[^\n]*?):(\d+):\d+: ERROR: (.*)$/m.exec(text);
  if (esbuild) return { at: `${shownPath(esbuild[1]!)}:${esbuild[2]}`, message: esbuild[3]! };
  const vite = /\[[A-Z_]+\] ([^\n]*)[\s\S]*?\[ ([^\]\n]+?):(\d+):\d+ \]/.exec(text);
  if (vite) return { at: `${shownPath(path.resolve(vite[2]!))}:${vite[3]}`, message: vite[1]!.trim() };
  return undefined;
}

// Node loads a .ts file outside an ESM package (no "type": "module" in the nearest package.json) as CommonJS, which
// cannot import rig's ES modules: "Cannot require() ES Module /x/pb.ts in a cycle", or esbuild's top-level await error.
const NOT_ESM = [/Cannot require\(\) ES Module (\/.+?) in a cycle/, /(\/[^\n]*?):\d+:\d+: ERROR: Top-level await is currently not supported with the "cjs" output format/];

/** The package.json Node reads for `file`'s module type: the nearest one in its directory or above, if any. */
export function nearestPackageJson(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** What to do when `message` says a playbook file was loaded as CommonJS; undefined for any other error. */
export function esmHint(message: string, playbook: string): string | undefined {
  const m = NOT_ESM.map((re) => re.exec(message)).find((x) => x !== null);
  if (!m) return undefined;
  const file = m[1] ?? playbook;
  const pkg = nearestPackageJson(file);
  if (!pkg) {
    return `${file} is loaded as CommonJS, which cannot import rig: there is no package.json in ${path.dirname(file)} or any directory above it; create ${path.join(path.dirname(file), 'package.json')} containing {"type": "module"}`;
  }
  let type: unknown;
  try {
    type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type;
  } catch {
    return `${file} is loaded as CommonJS, which cannot import rig: ${pkg} (the package.json nearest to it) is not valid JSON; fix it and add "type": "module"`;
  }
  if (type === 'module') return undefined;
  const says = type === undefined ? 'has no "type"' : `has "type": ${JSON.stringify(type)}`;
  return `${file} is loaded as CommonJS, which cannot import rig: ${pkg} (the package.json nearest to it) ${says}; add "type": "module" to it`;
}

/** Load `file`; errors name the file (and the line of the user code that threw while loading) and say what to do. */
export async function loadPlaybook(file: string): Promise<Playbook> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new ValidationError({ where: file, message: 'playbook file not found', hint: 'pass the path of a .ts file whose default export is definePlaybook(...)' });
  let mod: { default?: unknown };
  try {
    await enableTypeScript();
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    if (!(e instanceof Error)) throw new ValidationError({ where: file, message: `cannot load playbook: it threw ${JSON.stringify(e) ?? String(e)}` });
    const syntax = syntaxError(e.message);
    const msg = syntax ? `syntax error: ${syntax.message}` : e.name && e.name !== 'Error' && !e.message.startsWith(e.name) ? `${e.name}: ${e.message}` : e.message;
    const at = syntax?.at ?? userFrame(e.stack);
    // the message names the playbook when the line is in another file (a role, a helper)
    const elsewhere = at !== undefined && at.replace(/:\d+$/, '') !== shownPath(abs);
    const hint = esmHint(e.message, abs);
    throw new ValidationError({ where: at ?? file, message: `cannot load playbook${elsewhere ? ` ${file}` : ''}: ${msg}`, ...(hint !== undefined && { hint }) });
  }
  const pb = mod.default as Playbook | undefined;
  if (!pb || pb.kind !== 'playbook') {
    throw new ValidationError({ where: file, message: 'the default export is not a playbook', hint: 'end the file with: export default definePlaybook({ hosts: ..., tasks: [...] })' });
  }
  return pb;
}
