/** Every module's args are a strict schema with a JSON Schema, documented field by field, and docs/modules.md is generated from them. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { moduleFactories, moduleJsonSchema, moduleReference, referencePath } from '../../../scripts/module-reference.ts';

const factories = moduleFactories();

describe('module schemas', () => {
  it('covers every task factory rig exports (generic and cluster modules)', () => {
    expect(factories.length).toBeGreaterThanOrEqual(35);
    expect(factories.map((f) => f.name)).toEqual(expect.arrayContaining(['command', 'copy', 'template', 'sysctl', 'user', 'dockerDaemonJson', 'nftRuleset', 'swarmJoin']));
  });
  it.each(factories.map((f) => [f.name, f] as const))('%s: a strict object schema, every arg described', (_name, f) => {
    const s = moduleJsonSchema(f.module);
    expect(s.type).toBe('object');
    expect(s.additionalProperties).toBe(false);
    expect(typeof s.description === 'string' && s.description.length > 0).toBe(true);
    for (const [k, p] of Object.entries((s.properties ?? {}) as Record<string, { description?: string }>)) {
      expect(p.description, `${f.name}.${k} has no description`).toBeTruthy();
    }
  });
  it.each(factories.map((f) => [f.name, f] as const))('%s: an unknown key is refused with the known keys', (_name, f) => {
    const r = f.module.args['~standard'].validate({ surelyNotAnArg: 1 });
    expect('issues' in r && r.issues?.map((i) => i.message).join('\n')).toContain("unknown key 'surelyNotAnArg'");
  });
});

describe('docs/modules.md', () => {
  it('is what the schemas generate (run npm run docs after changing a module)', () => {
    expect(readFileSync(referencePath, 'utf8')).toBe(moduleReference());
  });
});
