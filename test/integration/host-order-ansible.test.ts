/**
 * Which hosts a play targets, and in which order (it decides `serial` batches and the host `runOnce` picks): rig's
 * playHosts for a matrix of play patterns × --limit values on YAML, INI and mixed inventories against
 * `ansible-playbook --list-hosts` (same hosts: it prints a Python set, so not the order) and against ansible-core's
 * InventoryManager.get_hosts (same hosts in the same order: the list its strategies iterate, called through Ansible's
 * Python API by test/support/ansible-hosts.py). Play patterns naming nothing are skipped (Ansible warns); `localhost`
 * is the implicit localhost; `--limit @file` reads a retry file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandLimit, loadInventory, type Inventory } from '../../src/inventory/index.ts';
import { playHosts } from '../../src/runner/index.ts';
import { ansibleEnv, ansibleTool, findAnsible } from '../support/ansible-core.ts';
import { tempDir } from '../support/temp-dir.ts';

const root = join(import.meta.dirname, '../..');
const ansible = await findAnsible();
if (!ansible.bin) console.warn(`SKIPPED host-order comparison with ansible-playbook: ${ansible.reason}`);
const env = ansibleEnv();
const work = tempDir('rig-host-order-');

const sources = [
  'test/fixtures/inventory/host-order',
  'test/fixtures/inventory/ini-order',
  'test/fixtures/inventory/nested',
  'test/fixtures/inventory/ini-children',
  'test/fixtures/inventory/ini-mixed',
  'test/fixtures/inventory/multi-file',
  'inventory/prod',
];

/** Patterns for an inventory: fixed forms plus ones made from its own group and host names. */
function patternsFor(inv: Inventory): string[] {
  const groups = [...inv.groups.keys()].filter((g) => g !== 'all' && g !== 'ungrouped');
  const hosts = inv.hosts.map((h) => h.name);
  const [g1, g2 = g1] = groups;
  const out = ['all', '*', 'ungrouped', 'localhost', 'calico_rr', `${g1}:calico_rr`, `${hosts.at(-1)},${hosts[0]}`, `all:!${g1}`, `${g1}:${g2}`, `${g2}:&${g1}`, `${g1}[0]`, `${g1}[-1]`, `${g1}[1:]`, `all[1:3]`, `~.*1$`, `${hosts[0]![0]}*`];
  for (const g of groups) out.push(g, `${g}:!${hosts[0]}`);
  return [...new Set(out)];
}

interface Listed {
  readonly pattern: string;
  readonly hosts: readonly string[];
}

/** Plays of `ansible-playbook --list-hosts` output: the pattern and the hosts, in printed order. */
function parseListHosts(out: string): Listed[] {
  const plays: Listed[] = [];
  let cur: { pattern: string; hosts: string[] } | undefined;
  for (const line of out.split('\n')) {
    const play = /^\s+play #\d+ \(([^)]*)\): /.exec(line);
    if (play) {
      cur = { pattern: play[1]!, hosts: [] };
      plays.push(cur);
    } else if (cur && /^\s{6}\S/.test(line)) cur.hosts.push(line.trim());
  }
  return plays;
}

async function ansibleListHosts(source: string, patterns: readonly string[], limit?: string): Promise<Listed[]> {
  const pb = join(work, 'pb.yml');
  writeFileSync(pb, patterns.map((p, i) => `- name: p${i}\n  hosts: ${JSON.stringify(p)}\n  gather_facts: false\n  tasks: []\n`).join(''));
  const args = ['-i', join(root, source), pb, '--list-hosts', ...(limit ? ['--limit', limit] : [])];
  return parseListHosts((await ansibleTool(ansible.bin!, 'ansible-playbook', args, { cwd: work, env })).stdout);
}

const setOrdered = new Set(['test/fixtures/inventory/ini-children']);
const sorted = (plays: readonly Listed[]): Listed[] => plays.map((p) => ({ pattern: p.pattern, hosts: [...p.hosts].sort() }));

/** InventoryManager.get_hosts(pattern) after subset(limit), for every pattern and limit, from ansible-core itself. */
async function ansibleGetHosts(source: string, patterns: readonly string[], limits: readonly (string | undefined)[]): Promise<Record<string, string[][]>> {
  const spec = JSON.stringify({ patterns, limits: limits.map((l) => l ?? null) });
  const out = await ansibleTool(ansible.bin!, 'python', [join(root, 'test/support/ansible-hosts.py'), join(root, source), spec], { cwd: work, env });
  return JSON.parse(out.stdout) as Record<string, string[][]>;
}

describe.each(sources)('%s: play hosts and their order agree with ansible-playbook --list-hosts', (source) => {
  it.skipIf(!ansible.bin)('every pattern of the matrix, without and with --limit', async () => {
    const inv = await loadInventory(join(root, source));
    const patterns = patternsFor(inv);
    const names = inv.hosts.map((h) => h.name);
    writeFileSync(join(work, 'retry'), `${names.at(-1)}\n\n${names[0]}\n`);
    const limits = [undefined, [...inv.groups.keys()].filter((g) => inv.groupHosts(g).length > 0).at(-1)!, `${names.at(-1)},${names[0]},${names[1] ?? names[0]}`, '@retry', `all:!${names[0]}`];
    for (const limit of limits) {
      const theirs = await ansibleListHosts(source, patterns, limit);
      expect(theirs.map((p) => p.pattern)).toEqual(patterns);
      const expanded = limit === undefined ? undefined : await expandLimit(limit, work);
      const mine = patterns.map((pattern) => ({ pattern, hosts: playHosts(inv, pattern, expanded) }));
      expect({ limit, plays: sorted(mine) }).toEqual({ limit, plays: sorted(theirs) });
    }
    // Ansible walks the groups of one level in Python set order: where two of them have children, its order changes
    // from process to process (rig keeps declaration order), so only the hosts are compared
    if (setOrdered.has(source)) return;
    const ordered = await ansibleGetHosts(source, patterns, limits);
    for (const limit of limits) {
      const expanded = limit === undefined ? undefined : await expandLimit(limit, work);
      const mine = patterns.map((pattern) => ({ pattern, hosts: playHosts(inv, pattern, expanded) }));
      expect({ limit, plays: mine }).toEqual({ limit, plays: patterns.map((pattern, i) => ({ pattern, hosts: ordered[limit ?? '']![i] })) });
    }
  });
});
