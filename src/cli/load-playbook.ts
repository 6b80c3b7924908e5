/** Import a playbook .ts file and check its default export. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ValidationError, type Playbook } from '../core/index.ts';
import { frameLocation, isRigEngineFile } from '../dsl/defined-at.ts';
import { suggest } from '../schema/suggest.ts';
import { enableTypeScript } from './ts-loader.ts';

const shownPath = (file: string): string => path.relative(process.cwd(), file) || file;

/**
 * file:line of the first stack frame in the user's files (not rig's engine, not node's), if any; a role package in
 * node_modules is the user's. Frames from loadPlaybook's own import() on are its callers (rig's CLI, bin/rig.js, a
 * test), never the culprit.
 */
export function userFrame(stack: string | undefined): string | undefined {
  for (const frame of stack?.split('\n') ?? []) {
    const at = frameLocation(frame);
    if (!at) continue;
    const rigs = isRigEngineFile(at.file);
    if (rigs && path.basename(at.file).startsWith('load-playbook.')) return undefined;
    // rig's engine and the TypeScript loader (tsx) are never the culprit
    if (rigs || at.file.includes(`${path.sep}node_modules${path.sep}tsx${path.sep}`)) continue;
    return `${shownPath(at.file)}:${at.line}`;
  }
  return undefined;
}

/** Where and what of a TypeScript syntax error: tsx (esbuild) says "/x/pb.ts:3:7: ERROR: Expected …", vite (vitest)
 *  "[PARSE_ERROR] Unexpected token" then "[ ../x/pb.ts:3:7 ]". */
/** The line of `importer` whose import names `target` (the absolute path Node resolved a relative import to, or a
 *  package name): Node's message names both files but no line. */
function importLine(importer: string, target: string, kind: 'module' | 'package'): number | undefined {
  let text: string;
  try {
    text = readFileSync(importer, 'utf8');
  } catch {
    return undefined;
  }
  const names = (spec: string) =>
    kind === 'package'
      ? spec === target || spec.startsWith(`${target}/`)
      : spec === target || (spec.startsWith('.') && path.resolve(path.dirname(importer), spec) === target);
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    for (const m of line.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"\n]+)\1/g)) if (names(m[2]!)) return i + 1;
    // `import { a } from` at the end of one line, the specifier on the next
    const next = lines[i + 1];
    if (/\b(from|import)\s*\(?\s*$/.test(line) && next !== undefined) {
      const m = /^\s*(['"])([^'"\n]+)\1/.exec(next);
      if (m && names(m[2]!)) return i + 2;
    }
  }
  return undefined;
}

/** "did you mean" for a named import rig does not export (the message names the module: rig's index, or 'rig'). */
async function exportHint(message: string, name: string): Promise<string | undefined> {
  const from = /The requested module '([^']+)'/.exec(message)?.[1] ?? '';
  if (!(from === 'rig' || /(^|\/)src\/index\.(ts|js)$/.test(from))) return undefined;
  const known = Object.keys(await import('../index.ts'));
  const close = suggest(name, known);
  return close ? `did you mean '${close}'? (rig exports it)` : `rig has no export '${name}': its exports are listed in the README (Modules)`;
}

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

/** `npm pkg set type=module`, run where `pkg` is (a `cd` first when that is not the current directory). */
function setTypeModule(pkg: string): string {
  const dir = path.dirname(pkg);
  if (dir === process.cwd()) return 'npm pkg set type=module';
  return `cd ${/^[\w./-]+$/.test(dir) ? dir : JSON.stringify(dir)} && npm pkg set type=module`;
}

/**
 * Why Node would load the playbook `abs` as CommonJS (which cannot import rig, an ES module), and what to change; undefined
 * when it is loaded as an ES module. `.mts`/`.mjs` always are, `.cts`/`.cjs` never; `.ts`/`.js` (and .tsx/.jsx) follow
 * the "type" of the nearest package.json, CommonJS when it is not "module" or when there is no package.json at all.
 */
export function commonJsProblem(abs: string): { message: string; hint: string } | undefined {
  const ext = path.extname(abs);
  const esmName = `${path.basename(abs, ext)}.m${ext.includes('t') ? 'ts' : 'js'}`;
  if (ext === '.cts' || ext === '.cjs') {
    return {
      message: `a ${ext} file is CommonJS, which cannot import rig (an ES module)`,
      hint: `rename it to ${esmName}, or to ${path.basename(abs, ext)}.${ext === '.cts' ? 'ts' : 'js'} in a package whose package.json has "type": "module"`,
    };
  }
  if (!['.ts', '.tsx', '.js', '.jsx'].includes(ext)) return undefined;
  const pkg = nearestPackageJson(abs);
  const why = 'which cannot import rig (an ES module)';
  const orRename = `or rename the playbook to ${esmName} (an ES module in any package; so must be the files it imports: .mts too)`;
  if (!pkg) {
    const dir = path.dirname(abs);
    return {
      message: `this playbook would be loaded as CommonJS, ${why}: there is no package.json in ${dir} or any directory above it`,
      hint: `playbooks live in a project that has rig installed: rig init ${dir} makes one (package.json with "type": "module"), then npm install there; or create ${path.join(dir, 'package.json')} containing {"type": "module"} and npm install rig`,
    };
  }
  let type: unknown;
  try {
    type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown } | null)?.type;
  } catch {
    return { message: `${pkg}, the package.json nearest to this playbook, is not valid JSON`, hint: `fix it, with "type": "module" in it` };
  }
  if (type === 'module') return undefined;
  const has = type === undefined ? 'has no "type"' : `has "type": ${JSON.stringify(type)}`;
  return {
    message: `this playbook would be loaded as CommonJS, ${why}: ${pkg}, the package.json nearest to it, ${has}`,
    hint: `add "type": "module" to ${pkg} (${setTypeModule(pkg)}), ${orRename}`,
  };
}

/** Load `file`; errors name the file (and the line of the user code that threw while loading) and say what to do. */
export async function loadPlaybook(file: string): Promise<Playbook> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new ValidationError({ where: file, message: 'playbook file not found', hint: 'pass the path of a .ts file whose default export is definePlaybook(...)' });
  // an Ansible YAML playbook: Node would say only "Unknown file extension"
  if (/\.(ya?ml|json|ini|cfg)$/i.test(abs)) {
    throw new ValidationError({
      where: file,
      message: 'rig playbooks are TypeScript modules, not Ansible YAML playbooks',
      hint: "write the plays in a .ts file whose default export is definePlaybook(...) (README: Writing playbooks); inventories, group_vars and vault files are read as they are, and `rig adhoc` runs single modules",
    });
  }
  // before importing: Node's own error for it ("Cannot require() ES Module … in a cycle") says nothing of the cause
  const cjs = commonJsProblem(abs);
  if (cjs) throw new ValidationError({ where: file, ...cjs });
  let mod: { default?: unknown };
  try {
    await enableTypeScript();
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    if (!(e instanceof Error)) throw new ValidationError({ where: file, message: `cannot load playbook: it threw ${JSON.stringify(e) ?? String(e)}` });
    const syntax = syntaxError(e.message);
    const msg = syntax ? `syntax error: ${syntax.message}` : e.name && e.name !== 'Error' && !e.message.startsWith(e.name) ? `${e.name}: ${e.message}` : e.message;
    // a missing import: Node names the importing file in the message (the stack is the loader's, not the user's)
    const missing = /^Cannot find (module|package) '([^']+)' imported from (\/.+?)\s*$/m.exec(e.message);
    const importer = missing ? (missing[3]!.startsWith('file://') ? fileURLToPath(missing[3]!) : missing[3]!) : undefined;
    const importAt = missing && importer ? importLine(importer, missing[2]!, missing[1] as 'module' | 'package') : undefined;
    // a named import the module does not export: the linker's stack starts with the importing file:line
    const badExport = /does not provide an export named '([^']+)'/.exec(e.message);
    const linkFrame = badExport ? /^(?:file:\/\/)?(\/[^\n]+?):(\d+)\n/.exec(e.stack ?? '') : null;
    const at =
      syntax?.at ??
      (importer ? `${shownPath(importer)}${importAt ? `:${importAt}` : ''}` : linkFrame ? `${shownPath(linkFrame[1]!)}:${linkFrame[2]}` : userFrame(e.stack));
    // the message names the playbook when the line is in another file (a role, a helper)
    const elsewhere = at !== undefined && at.replace(/:\d+$/, '') !== shownPath(abs);
    const hint =
      esmHint(e.message, abs) ??
      (missing?.[1] === 'package'
        ? `install it in the project (npm install ${missing[2]!.split('/').slice(0, missing[2]!.startsWith('@') ? 2 : 1).join('/')}), or fix the import`
        : missing
          ? `fix the import path in ${shownPath(missing[3]!)} (a relative import names the file, with its extension: ../roles/web/index.ts)`
          : badExport
            ? await exportHint(e.message, badExport[1]!)
            : undefined);
    // Node rejects the same failed CommonJS load once more, in a promise nobody awaits (it would crash rig after the message)
    if (hint !== undefined) {
      process.on('unhandledRejection', (r) => {
        if (!(r instanceof Error && NOT_ESM.some((re) => re.test(r.message)))) throw r;
      });
    }
    throw new ValidationError({ where: at ?? file, message: `cannot load playbook${elsewhere ? ` ${file}` : ''}: ${msg}`, ...(hint !== undefined && { hint }) });
  }
  const pb = mod.default as Playbook | undefined;
  if (!pb || pb.kind !== 'playbook') {
    throw new ValidationError({ where: file, message: 'the default export is not a playbook', hint: 'end the file with: export default definePlaybook({ hosts: ..., tasks: [...] })' });
  }
  return pb;
}
