/** --list-tasks shows the tasks a run with the same -t/--skip-tags would run, as ansible-playbook --list-tasks does. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listLines } from '../../../src/cli/list-plays.ts';
import { block, debug, definePlaybook, defineRole } from '../../../src/index.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

const role = defineRole({ name: 'r', tasks: () => [debug({ msg: 'in role' }, { name: 'role task', tags: ['db'] })] });
const pb = definePlaybook({
  hosts: 'all',
  gatherFacts: false,
  roles: [role],
  tasks: [
    debug({ msg: 'web' }, { name: 'web', tags: ['web'] }),
    debug({ msg: 'db' }, { name: 'db', tags: ['db', 'data'] }),
    debug({ msg: 'none' }, { name: 'none' }),
    debug({ msg: 'a' }, { name: 'alw', tags: ['always'] }),
    debug({ msg: 'n' }, { name: 'nev', tags: ['never', 'x'] }),
    block([debug({ msg: 'b' }, { name: 'in block' })], { tags: ['blk'] }),
  ],
});

// expected names: ansible-core 2.19.14's --list-tasks on the same tasks in YAML (no play tags; the role and block are rig's additions)
const CASES: { args: string; tags?: string[]; skipTags?: string[]; names: string[] }[] = [
  { args: '(none)', names: ['r : role task', 'web', 'db', 'none', 'alw', 'in block'] },
  { args: '-t db', tags: ['db'], names: ['r : role task', 'db', 'alw'] },
  { args: '--skip-tags db', skipTags: ['db'], names: ['web', 'none', 'alw', 'in block'] },
  { args: '-t never', tags: ['never'], names: ['alw', 'nev'] },
  { args: '-t x', tags: ['x'], names: ['alw', 'nev'] },
  { args: '-t untagged', tags: ['untagged'], names: ['none', 'alw'] },
  { args: '-t tagged', tags: ['tagged'], names: ['r : role task', 'web', 'db', 'alw', 'in block'] },
  { args: '--skip-tags always', skipTags: ['always'], names: ['r : role task', 'web', 'db', 'none', 'in block'] },
  { args: '-t nosuch', tags: ['nosuch'], names: ['alw'] },
  { args: '-t blk', tags: ['blk'], names: ['alw', 'in block'] },
  { args: '-t all --skip-tags web', tags: ['all'], skipTags: ['web'], names: ['r : role task', 'db', 'none', 'alw', 'in block'] },
];

describe('--list-tasks with -t / --skip-tags', async () => {
  const inv = tempDir('rig-list-');
  writeFileSync(path.join(inv, 'hosts.yml'), 'all:\n  hosts: { h1: , h2: }\n');
  const inventory = await loadInventory(inv);
  for (const c of CASES) {
    it(c.args, () => {
      const lines = listLines(pb, inventory, { tasks: true, ...(c.tags && { tags: c.tags }), ...(c.skipTags && { skipTags: c.skipTags }) });
      expect(lines[0]).toMatch(/^play: .* \(2 hosts\)$/);
      expect(lines.slice(1).map((l) => l.trim().split('\t')[0])).toEqual(c.names);
    });
  }
  it('--list-hosts alone lists the hosts, no tasks; each task line carries file:line and TAGS', () => {
    expect(listLines(pb, inventory, { hosts: true, limit: 'h2' }).slice(1)).toEqual(['    h2']);
    const db = listLines(pb, inventory, { tasks: true, tags: ['data'] }).find((l) => l.includes('db'))!;
    expect(db).toMatch(/^ {4}db\t.*list-plays\.test\.ts:\d+\tTAGS: \[db, data\]$/);
  });
});
