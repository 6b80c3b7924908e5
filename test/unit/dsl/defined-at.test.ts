import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callSite } from '../../../src/dsl/defined-at.ts';

/** A module at `rel` inside a fresh directory whose top level calls callSite() on line 2 (as a role's declaration does). */
async function declaredIn(rel: string): Promise<{ at: string; file: string }> {
  const root = mkdtempSync(path.join(tmpdir(), 'rig-callsite-'));
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '// a role\nexport const at = globalThis.__rigCallSite();\n');
  const g = globalThis as { __rigCallSite?: () => string };
  g.__rigCallSite = callSite;
  const mod = (await import(pathToFileURL(file).href)) as { at: string };
  return { at: mod.at, file };
}

describe('callSite: the declaring file:line wherever the role lives', () => {
  it.each([
    ['a role in the user repo', 'infra/roles/web/index.mjs'],
    ['a role inside node_modules (a role package)', 'infra/node_modules/rig-roles/roles/web/index.mjs'],
    ["rig's own packaged roles (dist/roles)", 'infra/node_modules/rig/dist/roles/consul/index.mjs'],
    ['a scoped package', 'infra/node_modules/@acme/roles/web.mjs'],
  ])('%s', async (_what, rel) => {
    const { at, file } = await declaredIn(rel);
    expect(path.resolve(at.replace(/:\d+$/, ''))).toBe(file);
    expect(at).toMatch(/:2$/);
  });

  it('never answers with a node:internal frame', async () => {
    const { at } = await declaredIn('x/node_modules/y/z.mjs');
    expect(at).not.toMatch(/module_job|node:internal|^\/modules\//);
  });
});
