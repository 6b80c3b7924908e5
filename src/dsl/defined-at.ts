/** Find the file:line of the user code that called into the DSL. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// rig's own frames: src/ when running from source, the build of it (bin/build.js: <root>/.build/<stamp>/), or the
// package's dist/src/ (its roles are in dist/roles/, outside)
const rigCode = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rigDirs = [rigCode, ...(path.basename(path.dirname(rigCode)) === '.build' ? [path.resolve(rigCode, '../../src')] : [])];

/** A V8 stack frame's file and line, when it is a file on disk (not node:internal, native or eval code). */
const FRAME = /^\s*at (?:.*? \(|async )?((?:file:\/\/)?\/.+?):(\d+):\d+\)?\s*$/;

/** File and line of a V8 stack frame ("    at fn (/x/y.ts:3:7)", "    at file:///x/y.ts:3:7"); undefined for node:internal/…,
 *  native and eval frames. */
export function frameLocation(frame: string): { readonly file: string; readonly line: string } | undefined {
  const m = FRAME.exec(frame);
  if (!m?.[1] || !m[2]) return undefined;
  return { file: m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1], line: m[2] };
}

/** Is `file` rig's engine code (not a role, not the user's)? */
export function isRigEngineFile(file: string): boolean {
  return rigDirs.some((d) => file.startsWith(d + path.sep));
}

/**
 * The first stack frame outside rig's engine (the playbook or role line that declared something). Only the engine's own
 * directory is skipped: a role shipped in a package (rig's dist/roles, a role package in node_modules) is user code.
 */
export function callSite(): string {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of stack) {
    const at = frameLocation(frame);
    if (!at || isRigEngineFile(at.file)) continue;
    return `${path.relative(process.cwd(), at.file) || at.file}:${at.line}`;
  }
  return '<unknown>';
}

/** Directory of the file in a file:line string. */
export function dirOf(definedAt: string): string {
  const file = definedAt.replace(/:\d+$/, '');
  return path.resolve(path.dirname(file));
}
