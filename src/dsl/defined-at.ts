/** Find the file:line of the user code that called into the DSL. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// rig's own frames: src/ when running from source, and the build of it (bin/build.js: <root>/.build/<stamp>/)
const rigCode = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rigDirs = [rigCode, ...(path.basename(path.dirname(rigCode)) === '.build' ? [path.resolve(rigCode, '../../src')] : [])];
let nextId = 0;

/** A process-unique task id. */
export function newId(prefix: string): string {
  nextId += 1;
  return `${prefix}${nextId}`;
}

/** The first stack frame outside rig's own src/ (the playbook or role line that declared something). */
export function callSite(): string {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of stack) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/.exec(frame);
    if (!m?.[1] || !m[2]) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (rigDirs.some((d) => file.startsWith(d + path.sep)) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return `${path.relative(process.cwd(), file) || file}:${m[2]}`;
  }
  return '<unknown>';
}

/** Directory of the file in a file:line string. */
export function dirOf(definedAt: string): string {
  const file = definedAt.replace(/:\d+$/, '');
  return path.resolve(path.dirname(file));
}
