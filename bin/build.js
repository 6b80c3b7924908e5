// rig's own code as plain JS, so the CLI starts without a TypeScript loader (issue 5: start-up time). One output file per
// source file, imports rewritten .ts → .js: module identity stays one-to-one with src/ (secrets registry, error classes),
// and a playbook's imports of src/ files can be redirected to their built twin. Rebuilt when src/ changes.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Source files and a stamp of their state (newest mtime of files and directories, and the count). */
function scan(srcDir) {
  const files = [];
  let newest = 0;
  const walk = (dir) => {
    newest = Math.max(newest, statSync(dir).mtimeMs);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        files.push(p);
        newest = Math.max(newest, statSync(p).mtimeMs);
      }
    }
  };
  walk(srcDir);
  return { files, stamp: `${Math.floor(newest)}-${files.length}` };
}

/** Directory holding the build of `root`/src (built now if missing); builds are kept under `root`/.build. */
export async function ensureBuild(root) {
  const srcDir = path.join(root, 'src');
  const { files, stamp } = scan(srcDir);
  const base = path.join(root, '.build');
  const out = path.join(base, stamp);
  if (existsSync(path.join(out, 'build-info.json'))) return out;
  const { build } = await import('esbuild');
  const tmp = `${out}.tmp-${process.pid}`;
  await build({
    entryPoints: files,
    outdir: tmp,
    outbase: srcDir,
    bundle: true, // with every import external (below): one output per input, specifiers rewritten
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    plugins: [
      {
        name: 'rig-one-to-one',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (a) => {
            if (a.kind === 'entry-point') return undefined;
            return { path: a.path.startsWith('.') ? a.path.replace(/\.ts$/, '.js') : a.path, external: true };
          });
        },
      },
    ],
  });
  writeFileSync(path.join(tmp, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(path.join(tmp, 'build-info.json'), `${JSON.stringify({ srcDir, stamp })}\n`);
  try {
    renameSync(tmp, out);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another rig process built the same stamp first
  }
  prune(base, stamp);
  return out;
}

/** Drop builds of older sources once nothing can still be loading them (an hour old). */
function prune(base, keep) {
  mkdirSync(base, { recursive: true });
  for (const name of readdirSync(base)) {
    const p = path.join(base, name);
    if (name !== keep && Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
  }
}
