/**
 * Segments over real SSH (issue 18): a first run applies a task and the tasks after it in one exec per host, with the
 * same results and the same files as one exec per task; a connection cut inside a segment's exec leaves no half-written
 * file, and the re-run converges and runs the handler notified before the cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFileName } from '../../src/core/pending-records.ts';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { rig, type CliRun } from './engine/cli.ts';
import { tempDir } from '../support/temp-dir.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED segment integration tests: ${avail.reason}`);

const PLAYBOOK = 'test/fixtures/playbooks/segment-cut.ts';
let lab: TestHosts;
let inv: string;

/** Every path under /srv/seg with mode, owner, size and checksum, and any temp file a write left. */
const tree = async (host: string) =>
  (await lab.exec(host, 'cd /srv/seg 2>/dev/null && find . -path ./handler.log -prune -o -printf "%p %m %u %g %s\\n" | sort && find . -type f ! -name handler.log -exec sha256sum {} + | sort')).stdout;

/** Status of every task of the run on `host`, by task id. */
const statuses = (run: CliRun, host: string): Record<string, string> =>
  Object.fromEntries((run.report?.plays ?? []).flatMap((p) => p.tasks.filter((t) => t.results[host]).map((t) => [t.id, t.results[host]!.status])));

describe.skipIf(!avail.ok)('segments over real SSH', () => {
  beforeAll(async () => {
    lab = await startTestHosts({ count: 3, prefix: 'seg' });
    inv = await lab.writeInventory(tempDir('rig-seg-inv-'));
  });
  afterAll(async () => lab?.dispose());

  it('a first run applies the play in one exec after the facts, with the results and files of one exec per task', async () => {
    const [a, b] = [lab.hosts[0]!.name, lab.hosts[1]!.name];
    const seg = await rig(['run', PLAYBOOK, '-i', inv, '-l', a]);
    const per = await rig(['run', PLAYBOOK, '-i', inv, '-l', b, '--no-segments']);
    expect(seg.code, seg.stdout + seg.stderr).toBe(0);
    expect(per.code, per.stdout + per.stderr).toBe(0);
    console.log(`first run execs: segments ${seg.report?.recap[a]?.execs}, --no-segments ${per.report?.recap[b]?.execs}`);
    // facts; the 7 tasks in one exec; the handler, which also drops its pending record
    const execs = Object.fromEntries((seg.report?.plays ?? []).flatMap((p) => p.tasks.map((t) => [t.id, (t.results[a] as { execs?: number } | undefined)?.execs])));
    expect(execs).toMatchObject({ 'segment/dir': 1, 'segment/a': 0, 'segment/big': 0, 'segment/line': 0, 'segment/second line': 0, 'segment/cut': 0, 'segment/after': 0, 'segment/handlers/segment handler': 1 });
    expect(seg.report?.recap[a]?.execs).toBe(3);
    expect(per.report?.recap[b]?.execs).toBeGreaterThan(6);
    expect(statuses(seg, a)).toEqual(statuses(per, b));
    expect(Object.values(statuses(seg, a)).filter((s) => s === 'changed')).toHaveLength(7); // 6 tasks + the handler
    expect(await tree(a)).toBe(await tree(b));
    expect(await tree(a)).toContain('./settings.ini 644 root root 27');
    expect((await lab.exec(a, 'cat /srv/seg/settings.ini')).stdout).toBe('mode=production\nlevel=info\n');
    const again = await rig(['run', PLAYBOOK, '-i', inv, '-l', `${a},${b}`]);
    expect(again.code).toBe(0);
    expect(again.report?.recap[a]).toMatchObject({ changed: 0, execs: 1 });
    expect(again.report?.recap[b]).toMatchObject({ changed: 0, execs: 1 });
  });

  it('a connection cut inside a segment: no half-written file, the re-run converges and runs the pending handler', async () => {
    const victim = lab.hosts[2]!.name;
    const cut = await rig(['run', PLAYBOOK, '-i', inv, '-l', victim, '-e', '{"cut": true}']);
    expect(cut.code, cut.stdout + cut.stderr).toBe(4);
    expect(cut.report?.recap[victim]?.unreachable).toBe(1);
    // the tasks before the cut ran in the same exec: their files are whole, no temp file is left, the notification is recorded
    expect(await tree(victim)).not.toContain('.rig-');
    expect((await lab.exec(victim, 'cat /srv/seg/a.conf; wc -c < /srv/seg/big.bin; cat /srv/seg/settings.ini')).stdout).toBe(`a\n${4 << 20}\nmode=production\nlevel=info\n`);
    expect((await lab.exec(victim, 'test -e /srv/seg/after.conf && echo yes || echo no')).stdout.trim()).toBe('no');
    expect((await lab.exec(victim, `cat /var/lib/rig/pending-handlers.d/${recordFileName(victim)}`)).stdout).toContain('segment handler');
    expect((await lab.exec(victim, 'cat /srv/seg/handler.log 2>/dev/null | wc -l')).stdout.trim()).toBe('0');

    const rerun = await rig(['run', PLAYBOOK, '-i', inv, '-l', victim]);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(Object.entries(statuses(rerun, victim)).filter(([, s]) => s === 'changed').map(([id]) => id).sort()).toEqual(['segment/after', 'segment/handlers/segment handler']);
    expect((await lab.exec(victim, 'cat /srv/seg/handler.log | wc -l')).stdout.trim()).toBe('1');
    expect((await lab.exec(victim, `test -e /var/lib/rig/pending-handlers.d/${recordFileName(victim)} && echo yes || echo no`)).stdout.trim()).toBe('no');
    const third = await rig(['run', PLAYBOOK, '-i', inv, '-l', victim]);
    expect(third.report?.recap[victim]).toMatchObject({ changed: 0, execs: 1 });
  });
});
