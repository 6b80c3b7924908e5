/** expectIdempotent: converge, converge again, changed=0 — and it really fails on a non-idempotent playbook. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../src/connection/local.ts';
import { copy, definePlaybook, shell } from '../../../src/index.ts';
import { expectIdempotent } from '../../../src/testing/index.ts';
import { localWorld } from '../runner/local-run.ts';

describe('expectIdempotent', () => {
  it('passes for an idempotent playbook and returns both runs', async () => {
    const world = await localWorld(['a']);
    const { loadInventory } = await import('../../../src/inventory/index.ts');
    const pb = definePlaybook({ hosts: 'all', tasks: [copy((ctx) => ({ dest: path.join(String(ctx.vars.work), 'f'), content: 'x\n' }))] });
    const runs = await expectIdempotent(pb, await loadInventory(world.inventory), { connect: async (h) => new LocalConnection(h.name) });
    expect(runs.first.recap.a!.changed).toBe(1);
    expect(runs.second.recap.a!.changed).toBe(0);
  });

  it('fails for a playbook that changes something every run', async () => {
    const world = await localWorld(['a']);
    const { loadInventory } = await import('../../../src/inventory/index.ts');
    const pb = definePlaybook({ hosts: 'all', tasks: [shell({ cmd: 'true' }, { name: 'always changes' })] });
    await expect(expectIdempotent(pb, await loadInventory(world.inventory), { connect: async (h) => new LocalConnection(h.name) })).rejects.toThrow(/not idempotent/);
  });
});
