/**
 * The bad-input corpus (issue 13): every case runs the real CLI (`rig run <playbook> -i <inventory> …`) against two
 * real sshd hosts and proves one of:
 * - load: bad input known without any host (static module args, task options, role variables from inventory / play
 *   vars / -e, inventory connection variables, controller files, --json, a playbook that throws) exits 5, names the
 *   key and the file:line (or "host X, variable Y"), and opened NO SSH connection (counted in each sshd's log, which
 *   the harness writes at LogLevel VERBOSE: one "Connection from" line per TCP connection);
 * - host: bad input that depends on the host (args computed by a function, setFact, loop/when functions) exits 5,
 *   names key, task file:line and host, and changed NOTHING on any host (fingerprints before/after), not even the
 *   tasks before the bad one;
 * - ok: positive controls (coercion of `-e`, warnings that let the run go on) exit 0 and do what they say.
 * The cases are data tables (bad-input/cases-load.ts, cases-host.ts, cases-ok.ts, and cases-probes.ts with the
 * penetration test's probes of all three kinds; their type, the shared fixtures and the helpers in bad-input/corpus.ts):
 * a playbook source (files written into a temp dir), inventory tweaks, CLI args, the exit code and the fragments the
 * output must contain. In sources, 'RIG' is rig's src/index.ts, 'ROLES/' the repo's roles/,
 * SLUG the case's slug, and a `// <-` (or `// <-NAME`) comment marks the line `{at}` (`{at:NAME}`) stands for.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailability } from './harness/index.ts';
import { rig } from './engine/cli.ts';
import { connectionCount, expected, fingerprints, prepare, slugOf, startCorpus, stopCorpus, substitute, type Case } from './bad-input/corpus.ts';
import { loadCases } from './bad-input/cases-load.ts';
import { hostCases } from './bad-input/cases-host.ts';
import { okCases } from './bad-input/cases-ok.ts';
import { probeCases } from './bad-input/cases-probes.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED bad-input corpus: ${avail.reason}`);

/** The corpus, in table order: load-time failures, host-dependent failures, positive controls, then the penetration
 *  test's probes (all three kinds). */
const cases: readonly Case[] = [...loadCases, ...hostCases, ...okCases, ...probeCases];

describe.skipIf(!avail.ok)('bad-input corpus (issue 13): real CLI, real sshd hosts', () => {
  beforeAll(startCorpus);
  afterAll(stopCorpus);

  it('the corpus has at least 137 failure cases, each named once', () => {
    const failures = cases.filter((c) => c.kind !== 'ok');
    expect(failures.length).toBeGreaterThanOrEqual(137);
    expect(new Set(cases.map((c) => slugOf(c.name))).size).toBe(cases.length);
  });

  for (const c of cases) {
    it(`[${c.kind}] ${c.name}`, async () => {
      const p = await prepare(c);
      c.setup?.(p);
      const beforeConn = connectionCount();
      const beforeFp = c.kind === 'host' || c.kind === 'ok' ? await fingerprints() : undefined;
      const args = ['run', p.playbook, '-i', p.inv, ...(c.args ?? []).map((a) => substitute(a, p.dir, p.slug).replaceAll('{pb}', path.basename(p.playbook)))];
      const run = await rig(args, {}, { json: !c.ownJson });
      const output = `${run.stdout}\n${run.stderr}`;
      const shown = `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
      // a connection in flight when the CLI exited has reached sshd by now
      await new Promise((r) => setTimeout(r, 150));
      const connections = connectionCount() - beforeConn;
      // RIG_CORPUS_LOG=file: every case's output, for reading what users see
      if (process.env.RIG_CORPUS_LOG) writeFileSync(process.env.RIG_CORPUS_LOG, `=== [${c.kind}] ${c.name} (connections: ${connections})\n${shown}\n`, { flag: 'a' });

      expect(run.code, shown).toBe(c.code ?? (c.kind === 'ok' ? 0 : 5));
      expect(output, shown).not.toContain('ERROR (unexpected)');
      for (const f of c.expect) {
        const alts = (typeof f === 'string' ? [f] : f).map((x) => expected(c, p, x));
        expect(alts.some((a) => output.includes(a)), `output lacks ${alts.map((a) => JSON.stringify(a)).join(' or ')}\n${shown}`).toBe(true);
      }
      for (const f of c.absent ?? []) {
        expect(output, shown).not.toContain(expected(c, p, f));
        expect(run.reportText, `the --json report contains ${JSON.stringify(f)}`).not.toContain(expected(c, p, f));
      }
      if (!c.loadFails) expect(output, shown).not.toContain('cannot load playbook');

      if (c.kind === 'load') expect(connections, `SSH connections opened by a load-time failure\n${shown}`).toBe(0);
      if (c.kind === 'host') expect(await fingerprints(), `a host changed\n${shown}`).toEqual(beforeFp);
      if (c.kind === 'ok') {
        if (c.connects) {
          // the instruments themselves: a run that works connects and changes something
          expect(connections, shown).toBeGreaterThan(0);
          expect(await fingerprints(), shown).not.toEqual(beforeFp);
        } else expect(connections, shown).toBe(0);
      }
      await c.check?.(run, { ...p, output });
    });
  }
});
