/**
 * The Consul gossip key under --limit, on real SSH hosts: a node added with `-l newnode` must get the key the cluster's
 * servers use (read from a server outside the limit by delegation), not a fresh one it could never join with; an
 * inventory key that differs from the cluster's stops the run before anything changes. Runs the consul role's own
 * gossipKeyTasks and writes the decided key where the test can read it (the role would write it into consul.json).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.ts';
import { rig } from './engine/cli.ts';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const KEY = 'pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=';
const OTHER = 'Ab3CzEoQe9DT+Fy2EcTVnNq0r7cRl7vG5pRIW6gLcR0=';
const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED consul gossip key under --limit: ${avail.reason}`);

describe.skipIf(!avail.ok)('consul gossip key under --limit', () => {
  let lab: TestHosts;
  let inv: string;
  let server: string;
  let newnode: string;
  const dir = tempDir('rig-gossip-pb-');
  const pb = path.join(dir, 'gossip.ts');
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  writeFileSync(
    pb,
    `import { copy, definePlaybook } from ${JSON.stringify(path.join(repo, 'src/index.ts'))};
import { gossipKeyTasks } from ${JSON.stringify(path.join(repo, 'roles/consul/index.ts'))};
const gossip = gossipKeyTasks();
export default definePlaybook({
  hosts: 'all',
  become: true,
  gatherFacts: false,
  tasks: [...gossip.tasks, copy((ctx) => ({ content: ctx.result(gossip.decision).output?.key ?? '', dest: '/srv/decided-key' }), { name: 'decided key', noLog: true })],
});
`,
  );

  beforeAll(async () => {
    lab = await startTestHosts({ count: 2, prefix: 'gsp' });
    [server, newnode] = lab.hosts.map((h) => h.name) as [string, string];
    inv = await lab.writeInventory(tempDir('rig-gossip-inv-'), { groups: { managers: [server], workers: [newnode] } });
    // the running cluster: the server's agent config holds the cluster's key
    await lab.exec(server, `mkdir -p /etc/consul.d /srv && printf '%s' '{"encrypt": "${KEY}", "server": true}' > /etc/consul.d/consul.json`);
    await lab.exec(newnode, 'mkdir -p /srv && rm -rf /etc/consul.d');
  });
  afterAll(async () => lab?.dispose());

  it('-l newnode: the key comes from the server outside the limit, every run the same', async () => {
    for (let i = 0; i < 2; i++) {
      const run = await rig(['run', pb, '-i', inv, '-l', newnode, ...(i === 0 ? ['-v'] : [])]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect((await lab.exec(newnode, 'cat /srv/decided-key')).stdout).toBe(KEY);
      expect(run.stdout + run.reportText).not.toContain(KEY);
      expect(Object.keys(run.report!.recap)).toEqual([newnode]);
    }
    expect((await lab.exec(server, 'test -e /srv/decided-key && echo yes || echo no')).stdout.trim()).toBe('no');
  });

  it('an inventory key differing from the cluster\'s stops the limited run, naming the rotation to do by hand', async () => {
    await lab.exec(newnode, 'rm -f /srv/decided-key');
    const run = await rig(['run', pb, '-i', inv, '-l', newnode, '-e', `consul_encrypt_key=${OTHER}`]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('consul_encrypt_key differs from the key the agents use');
    expect((await lab.exec(newnode, 'test -e /srv/decided-key && echo yes || echo no')).stdout.trim()).toBe('no');
  });

  it('a fresh cluster (no server has a key): one generated key for all hosts of the run', async () => {
    await lab.exec(server, 'rm -rf /etc/consul.d');
    const run = await rig(['run', pb, '-i', inv]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const keys = await Promise.all([server, newnode].map(async (h) => (await lab.exec(h, 'cat /srv/decided-key')).stdout));
    expect(keys[0]).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(keys[1]).toBe(keys[0]);
  });
});
