/** Run playbooks on "hosts" that are local processes (LocalConnection), each with its own HOME and work dir. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LocalConnection } from '../../../src/connection/local.ts';
import type { Playbook, RunSummary } from '../../../src/core/index.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { RecordingReporter } from '../../../src/reporters/index.ts';
import { runPlaybook, type RunOptions } from '../../../src/runner/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** A temp world: `dir/<host>/` is each host's work dir and HOME. */
export interface LocalWorld {
  readonly dir: string;
  readonly inventory: string;
  run(pb: Playbook, opts?: Partial<Omit<RunOptions, 'reporter' | 'connect'>>): Promise<{ summary: RunSummary; rec: RecordingReporter }>;
}

/** Make a world with `hosts` (inventory groups: `groups` maps group → hosts; `vars`: host vars every host gets). */
export async function localWorld(hosts: readonly string[], groups: Record<string, readonly string[]> = {}, vars: Record<string, string> = {}): Promise<LocalWorld> {
  const dir = tempDir('rig-runner-');
  const inv = path.join(dir, 'inventory');
  mkdirSync(inv);
  const more = Object.entries(vars).map(([k, v]) => `\n      ${k}: ${v}`).join('');
  const lines = ['all:', '  hosts:', ...hosts.map((h) => `    ${h}:\n      work: ${path.join(dir, h)}${more}`)];
  if (Object.keys(groups).length) {
    lines.push('  children:');
    for (const [g, members] of Object.entries(groups)) lines.push(`    ${g}:`, '      hosts:', ...members.map((m) => `        ${m}:`));
  }
  writeFileSync(path.join(inv, 'hosts.yml'), `${lines.join('\n')}\n`);
  for (const h of hosts) mkdirSync(path.join(dir, h));
  const inventory = await loadInventory(inv);
  return {
    dir,
    inventory: inv,
    async run(pb, opts = {}) {
      const rec = new RecordingReporter();
      const summary = await runPlaybook(pb, inventory, {
        ...opts,
        reporter: rec,
        connect: async (h) => new LocalConnection(h.name, { env: { HOME: path.join(dir, h.name) }, cwd: path.join(dir, h.name) }),
      });
      return { summary, rec };
    },
  };
}
