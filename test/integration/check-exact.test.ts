/**
 * Issue 14, part 1: check mode is EXACT, as a property over generated task sequences on real sshd hosts.
 *
 * fast-check generates sequences of 1-8 copy/template/lineinfile/blockinfile/link/directory/file tasks (some looping
 * over paths or lines) over a handful of paths (see check-exact/steps.ts). Each sequence runs in a fresh empty directory
 * of one host, in-process through runPlaybook:
 *   1. `--check --diff`: nothing on the host changes (fingerprint before/after);
 *   2. the real run (with diff): per task and per loop item, the same status (ok/changed/failed/skipped; the
 *      `predicted` flag aside) and the same diffs (path, before, after) as check mode said; a failure at the same task;
 *   3. on the state it left, `--check --diff` again (nothing changes) and the real run again: exact again; and when the
 *      first run did not fail and no two task items touch overlapping paths (check-exact/build.ts `independent`),
 *      every task of the second run is ok (changed=0);
 *   4. every task (loop item) twice in a row, on the state left: each repeat is ok (up to the first failing task).
 * Stream 0 first runs the counterexamples found before (check-exact/steps.ts `KNOWN`).
 * Sequences run in parallel: one fast-check stream per host, each with its own seed (base seed + stream index).
 *
 * Env: RIG_PROP_RUNS (sequences in all, default 200), RIG_PROP_SEED (base seed, printed at start), RIG_PROP_PATH
 * (replay one shrunk counterexample: give the seed and path a failure printed; runs one stream), RIG_PROP_VERBOSE
 * (fast-check verbosity 0-2).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connect, definePlaybook, loadInventory, runPlaybook, type Inventory, type RunSummary } from '../../src/index.ts';
import type { Connection, Host } from '../../src/core/index.ts';
import { sshdAvailability, startTestHosts, type TestHosts } from './harness/index.ts';
import { tempDir } from '../support/temp-dir.ts';
import { doubled, independent, toTask } from './check-exact/build.ts';
import { mismatches, outcomesOf, table, type Outcome } from './check-exact/outcome.ts';
import { KNOWN, sequenceArb, type Sequence, type Step } from './check-exact/steps.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED check-exact property test: ${avail.reason}`);

const HOSTS = 4;
const RUNS = Number(process.env.RIG_PROP_RUNS ?? 200);
const SEED = process.env.RIG_PROP_SEED !== undefined ? Number(process.env.RIG_PROP_SEED) : Math.floor(Math.random() * 0x7fffffff);
if (!Number.isSafeInteger(SEED) || !Number.isSafeInteger(RUNS) || RUNS < 1) throw new Error(`RIG_PROP_SEED must be an integer and RIG_PROP_RUNS a positive one`);
const PATH = process.env.RIG_PROP_PATH;
const VERBOSE = Number(process.env.RIG_PROP_VERBOSE ?? 0) as fc.VerbosityLevel;

let lab: TestHosts;
let inventory: Inventory;
let templates: string;
let noSshConfig: string;
let counter = 0;
const stats = { runs: 0, runMs: 0, sequences: 0, failedRuns: 0, independent: 0, tasks: 0, changedTasks: 0 };
const failures = new Map<string, number>();
const factCacheWas = process.env.RIG_FACT_CACHE;

/** A property violation: its message says it all (no stack trace inside fast-check's report). */
class PropertyFailure extends Error {
  constructor(message: string) {
    super(message);
    this.stack = `error: ${message}`;
  }
}

/** Everything under `dir` on the host: type, mode, owner, size, times, link target, and every file's sha256 (after `setup`). */
async function fingerprint(host: string, dir: string, setup = 'true'): Promise<string> {
  const r = await lab.exec(
    host,
    `${setup} && cd ${dir} && find . -xdev -printf '%p %y %m %u %g %s %T@ %C@ %l\\n' | LC_ALL=C sort && find . -xdev -type f -exec sha256sum {} + | LC_ALL=C sort`,
  );
  if (r.code !== 0) throw new Error(`fingerprint of ${host}:${dir} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * One SSH connection per host, kept across runs (a handshake costs more than a whole run's execs); runPlaybook's close
 * is a no-op on it. A run that found the host unreachable drops it.
 */
const kept = new Map<string, Promise<Connection>>();
const opened: Connection[] = [];
function keptConnection(host: Host): Promise<Connection> {
  const had = kept.get(host.name);
  if (had) return had;
  const c = connect({ host, sshConfigPath: noSshConfig }).then((conn): Connection => {
    opened.push(conn);
    return {
      host: conn.host,
      exec: (script, opts) => conn.exec(script, opts),
      reconnect: (opts) => conn.reconnect(opts),
      close: async () => undefined,
      get execCount() {
        return conn.execCount;
      },
    };
  });
  c.catch(() => kept.delete(host.name));
  kept.set(host.name, c);
  return c;
}

async function run(steps: readonly Step[], host: string, base: string, check: boolean): Promise<RunSummary | Error> {
  const playbook = definePlaybook({ hosts: host, become: true, gatherFacts: false, tasks: steps.map((s, i) => toTask(s, i, { base, templates })) });
  const started = Date.now();
  try {
    const summary = await runPlaybook(playbook, inventory, { check, diff: true, reporter: {}, connect: keptConnection });
    if (summary.recap[host]?.unreachable) kept.delete(host);
    return summary;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  } finally {
    stats.runs += 1;
    stats.runMs += Date.now() - started;
  }
}

/** Check mode, then the real run: exact; check mode changed nothing. Returns the real outcomes. */
async function checkThenReal(seq: Sequence, host: string, base: string, phase: string, setup?: string): Promise<Outcome[]> {
  const before = await fingerprint(host, base, setup);
  const check = outcomesOf(await run(seq.steps, host, base, true), host);
  const after = await fingerprint(host, base);
  const fail = (what: string, lines: string[]): never => {
    throw new PropertyFailure(`${phase}: ${what} on ${host}:${base}\n${lines.join('\n')}`.replaceAll(base, '<base>'));
  };
  if (after !== before) fail('--check changed the host', ['before:', before, 'after:', after, 'check said:', table(check)]);
  const real = outcomesOf(await run(seq.steps, host, base, false), host);
  // bad args from the generator, or an engine crash: either way not a comparison to make
  if ([...check, ...real].some((o) => o.status === 'threw')) fail('runPlaybook threw', ['check:', table(check), 'real:', table(real)]);
  const diff = mismatches(check, real);
  if (diff.length) fail('check mode was not exact', [...diff, 'check:', table(check), 'real:', table(real)]);
  return real;
}

/** The property for one sequence on one host, in a fresh directory (left there: the hosts go away at the end). */
async function exact(seq: Sequence, host: string): Promise<void> {
  counter += 1;
  const base = `/srv/prop/${counter}`;
  const first = await checkThenReal(seq, host, base, 'first run', `rm -rf ${base} && mkdir -p ${base}`);
  const failed = first.some((o) => o.status === 'failed');
  stats.sequences += 1;
  stats.tasks += first.length;
  stats.changedTasks += first.filter((o) => o.status === 'changed').length;
  if (failed) {
    stats.failedRuns += 1;
    const f = first.find((o) => o.status === 'failed')!;
    const why = `${f.task.replace(/^\d+: (\w+).*/, '$1')}: ${(f.msg ?? '').replaceAll(base, '<base>').replace(/\/(?:\w|\/)*/g, '…').slice(0, 60)}`;
    failures.set(why, (failures.get(why) ?? 0) + 1);
  }
  const second = await checkThenReal(seq, host, base, 'second run');
  if (!failed && independent(seq)) {
    stats.independent += 1;
    const changed = second.filter((o) => o.status !== 'ok');
    if (changed.length) throw new PropertyFailure(`second run: not idempotent on ${host}:${base}\n${table(second)}`.replaceAll(base, '<base>'));
  }
  // every task (loop item) run twice in a row on the state left: each repeat is ok, up to the first task that fails
  const twice = doubled(seq);
  const rerun = outcomesOf(await run(twice.steps, host, base, false), host);
  const units = rerun.flatMap((o, t) => (o.items ? o.items.map((it, j) => ({ o: it, role: twice.role(t, j) })) : [{ o, role: twice.role(t) }]));
  // a first application may fail (its state depends on the tasks before it): nothing after it is looked at
  const stop = units.findIndex((u) => u.role === 'first' && u.o.status === 'failed');
  const bad = units.slice(0, stop === -1 ? undefined : stop).filter((u) => u.role === 'repeat' && u.o.status !== 'ok');
  if (bad.length) throw new PropertyFailure(`each task twice: a repeat was not ok on ${host}:${base}\n${table(rerun)}`.replaceAll(base, '<base>'));
}

describe.skipIf(!avail.ok)('check mode is exact (property over generated task sequences)', () => {
  beforeAll(async () => {
    process.env.RIG_FACT_CACHE = '0'; // facts of earlier runs only guess reads: keep replays independent of them
    lab = await startTestHosts({ count: HOSTS, prefix: 'ce' });
    const dir = tempDir('rig-check-exact-');
    inventory = await loadInventory(await lab.writeInventory(path.join(dir, 'inventory')));
    templates = path.join(dir, 'templates');
    mkdirSync(templates);
    writeFileSync(path.join(templates, 't1.hbs'), '{{v}}\n');
    writeFileSync(path.join(templates, 't2.hbs'), '# t\n{{v}}');
    noSshConfig = path.join(dir, 'no-ssh-config');
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
    if (factCacheWas === undefined) delete process.env.RIG_FACT_CACHE;
    else process.env.RIG_FACT_CACHE = factCacheWas;
    await lab?.dispose();
  });

  it(`${RUNS} generated sequences: check predicts exactly what the real run does, and changes nothing`, { timeout: 30 * 60_000 }, async () => {
    const streams = PATH !== undefined ? 1 : Math.min(HOSTS, RUNS);
    console.log(
      `check-exact: seed ${SEED}, ${RUNS} sequences over ${streams} host(s) (stream i uses seed ${SEED}+i; replay the whole run: RIG_PROP_SEED=${SEED}` +
        `${PATH !== undefined ? `, path ${PATH}` : ''})`,
    );
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: streams }, (_, i) => {
        const host = lab.hosts[i]!.name;
        const numRuns = Math.floor(RUNS / streams) + (i < RUNS % streams ? 1 : 0);
        const seed = (SEED + i) | 0;
        return fc.assert(
          fc.asyncProperty(sequenceArb, (seq) => exact(seq, host)),
          {
            numRuns,
            seed,
            verbose: VERBOSE,
            includeErrorInReport: true,
            ...(PATH !== undefined ? { path: PATH } : i === 0 ? { examples: KNOWN.map((k): [Sequence] => [k]) } : {}),
          },
        );
      }),
    );
    console.log(
      `check-exact: ${stats.sequences} sequences run, shrinking included (${stats.tasks} tasks, ${stats.changedTasks} changed; ${stats.failedRuns} stopped at a failing task; ` +
        `${stats.independent} checked for changed=0) in ${((Date.now() - started) / 1000).toFixed(1)} s; ${stats.runs} runPlaybook calls, ` +
        `${(stats.runMs / Math.max(stats.runs, 1)).toFixed(0)} ms each on average`,
    );
    console.log(`check-exact: first runs stopped by: ${JSON.stringify(Object.fromEntries([...failures].sort((a, b) => b[1] - a[1])), null, 1)}`);
    const failed = results.flatMap((r, i) => {
      if (r.status === 'fulfilled') return [];
      const msg = r.reason instanceof Error ? r.reason.message : String(r.reason);
      const at = /\{ seed: (-?\d+), path: "([\d:]+)"/.exec(msg);
      const replay = at ? `replay: RIG_PROP_SEED=${at[1]} RIG_PROP_PATH=${at[2]} npx vitest run --project integration test/integration/check-exact.test.ts\n` : '';
      return [`stream ${i} (host ${lab.hosts[i]!.name}, seed ${(SEED + i) | 0}):\n${replay}${msg}`];
    });
    if (failed.length) throw new PropertyFailure(failed.join('\n\n'));
  });
});
