/** Last run's read-only outputs guess which reads a waiting task needs: the no-op stays one exec per host, a stale guess
 *  costs one exec more and nothing else, secrets and noLog outputs never reach the cache. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debug, defineModule, definePlaybook, read, secret, z } from '../../../src/index.ts';
import type { Fact, TaskContext } from '../../../src/core/index.ts';
import { taskFactory } from '../../../src/dsl/task.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { localWorld } from './local-run.ts';

const w = (ctx: TaskContext<unknown>, p = '') => path.join(String(ctx.vars.work), p);

/** The first line of a file, read by a command the model cannot follow (so only a real read, or a guess, fetches it). */
const firstLine: Fact<string, string> = {
  name: 'test.firstLine',
  command: (p) => `head -n 1 ${JSON.stringify(p)} 2>/dev/null || true`,
  parse: (out) => out.stdout.trim(),
};

/** Read-only: which "backend" the host's choice file names (like the firewall role's backend decision). */
const choose = taskFactory(
  defineModule<{ file: string; secretToo?: boolean }, { line: string }, { backend: string; key?: string }>({
    name: 'testChoose',
    args: z.object({ file: z.string(), secretToo: z.boolean().optional() }),
    readOnly: true,
    probe: (a) => ({ line: read(firstLine, a.file) }),
    plan: (a, s) => ({ changes: [], output: { backend: s.line || 'none', ...(a.secretToo ? { key: secret(`k-${s.line}-0123456789`) } : {}) }, msg: s.line }),
  }),
);

/** Read-only, reads a backend's state: stands for `nft list table` and the like. */
const backendState = taskFactory(
  defineModule<{ file: string }, { line: string }, { state: string }>({
    name: 'testBackendState',
    args: z.object({ file: z.string() }),
    readOnly: true,
    probe: (a) => ({ line: read(firstLine, a.file) }),
    plan: (_a, s) => ({ changes: [], output: { state: s.line }, msg: s.line }),
  }),
);

/** Read-only, args built from the decision's secret (like the consul config from the gossip key): reads follow the
 *  file, the output says whether the file holds the key the args were given. */
const keyed = taskFactory(
  defineModule<{ file: string; key: string }, { line: string }, { same: boolean }>({
    name: 'testKeyed',
    args: z.object({ file: z.string(), key: z.string() }),
    readOnly: true,
    probe: (a) => ({ line: read(firstLine, a.file) }),
    plan: (a, s) => ({ changes: [], output: { same: s.line === a.key }, msg: s.line === a.key ? 'same key' : 'other key' }),
  }),
);

function playbook(opts: { noLog?: boolean; secretToo?: boolean } = {}) {
  const decision = choose((ctx) => ({ file: w(ctx, 'choice'), secretToo: opts.secretToo }), { name: 'backend', noLog: opts.noLog });
  const on = (b: string) => (ctx: TaskContext<unknown>) => ctx.result(decision).output?.backend === b;
  return definePlaybook({
    hosts: 'all',
    tasks: [
      decision,
      backendState((ctx) => ({ file: w(ctx, 'nft') }), { name: 'nft state', when: on('nft') }),
      backendState((ctx) => ({ file: w(ctx, 'ufw') }), { name: 'ufw state', when: on('ufw') }),
      // args built from the decision (the consul config from the gossip key)
      backendState((ctx) => ({ file: w(ctx, `${ctx.result(decision).output?.backend ?? 'none'}.conf`) }), { name: 'backend config' }),
    ],
  });
}

let cache: string;
let was: string | undefined;
beforeAll(() => {
  was = process.env.XDG_CACHE_HOME;
  cache = tempDir('rig-guess-cache-');
  process.env.XDG_CACHE_HOME = cache;
});
afterAll(() => {
  if (was === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = was;
});

describe('guesses from the last run', () => {
  it('a task waiting for a read-only decision is prefetched from last run’s output: the re-run is ONE exec per host', async () => {
    const world = await localWorld(['g1', 'g2']);
    for (const h of ['g1', 'g2']) {
      writeFileSync(path.join(world.dir, h, 'choice'), 'nft\n');
      writeFileSync(path.join(world.dir, h, 'nft'), `table of ${h}\n`);
    }
    const pb = playbook();
    const first = await world.run(pb);
    expect(first.summary.exitCode).toBe(0);
    expect(first.rec.results('g1').map((r) => r.status)).toEqual(['ok', 'ok', 'skipped', 'ok']);
    // nothing to guess from yet: the decision's exec, then the reads that wait for it
    expect(first.summary.recap.g1!.execs).toBe(2);
    const again = await world.run(pb);
    expect(again.rec.results('g2').map((r) => [r.status, r.msg])).toEqual([['ok', 'nft'], ['ok', 'table of g2'], ['skipped', 'conditional result was false'], ['ok', '']]);
    expect(again.summary.recap.g1!.execs).toBe(1);
    expect(again.summary.recap.g2!.execs).toBe(1);
  });

  it('a stale guess costs one exec more and the tasks see the real decision', async () => {
    const world = await localWorld(['s1']);
    const dir = path.join(world.dir, 's1');
    writeFileSync(path.join(dir, 'choice'), 'nft\n');
    writeFileSync(path.join(dir, 'ufw'), 'ufw rules\n');
    writeFileSync(path.join(dir, 'ufw.conf'), 'ufw conf\n');
    const pb = playbook();
    expect((await world.run(pb)).summary.exitCode).toBe(0);
    writeFileSync(path.join(dir, 'choice'), 'ufw\n');
    const changed = await world.run(pb);
    expect(changed.rec.results('s1').map((r) => [r.status, r.msg])).toEqual([['ok', 'ufw'], ['skipped', 'conditional result was false'], ['ok', 'ufw rules'], ['ok', 'ufw conf']]);
    expect(changed.summary.recap.s1!.execs).toBe(2);
    // and the next run guesses the new decision
    expect((await world.run(pb)).summary.recap.s1!.execs).toBe(1);
  });

  it('keeps no secret and nothing of a noLog task on the controller', async () => {
    const world = await localWorld(['k1']);
    writeFileSync(path.join(world.dir, 'k1', 'choice'), 'nft\n');
    expect((await world.run(playbook({ secretToo: true }))).summary.exitCode).toBe(0);
    const saved = readdirSync(path.join(cache, 'rig', 'decisions')).filter((f) => f.startsWith('k1@'));
    expect(saved).toHaveLength(1);
    const text = readFileSync(path.join(cache, 'rig', 'decisions', saved[0]!), 'utf8');
    // an output holding a secret in a string is kept with it redacted (the backends' states as they are)
    expect(text).not.toContain('k-nft-0123456789');
    expect(text).toContain('{"backend":"nft","key":"********"}');
    expect(text).toContain('"state"');

    const hidden = await localWorld(['k2']);
    writeFileSync(path.join(hidden.dir, 'k2', 'choice'), 'nft\n');
    expect((await hidden.run(playbook({ noLog: true }))).summary.exitCode).toBe(0);
    const k2 = readdirSync(path.join(cache, 'rig', 'decisions')).filter((f) => f.startsWith('k2@'));
    // the backends' states are kept; the noLog decision is not
    expect(readFileSync(path.join(cache, 'rig', 'decisions', k2[0]!), 'utf8')).not.toContain('"backend"');
  });

  it('a task whose args read a secret decided earlier rides on the first exec, and runs with the real secret', async () => {
    const world = await localWorld(['c1', 'c2']);
    for (const h of ['c1', 'c2']) {
      writeFileSync(path.join(world.dir, h, 'choice'), 'nft\n');
      writeFileSync(path.join(world.dir, h, 'agent.json'), 'k-nft-0123456789\n');
    }
    const decision = choose((ctx) => ({ file: w(ctx, 'choice'), secretToo: true }), { name: 'gossip key (once)', runOnce: true });
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [decision, keyed((ctx) => ({ file: w(ctx, 'agent.json'), key: ctx.result(decision).output?.key ?? '' }), { name: 'agent config' })],
    });
    const first = await world.run(pb);
    expect(first.summary.recap.c1!.execs).toBe(2);
    const again = await world.run(pb);
    // the guess ('********') only chose the read; the task saw the real key
    expect(again.rec.results('c1').map((r) => [r.status, r.output])).toEqual([['ok', { backend: 'nft', key: 'k-nft-0123456789' }], ['ok', { same: true }]]);
    expect(again.summary.recap.c1!.execs).toBe(1);
    expect(again.summary.recap.c2!.execs).toBe(1);
  });

  it('RIG_FACT_CACHE=0 keeps nothing and guesses nothing', async () => {
    const world = await localWorld(['n1']);
    writeFileSync(path.join(world.dir, 'n1', 'choice'), 'nft\n');
    process.env.RIG_FACT_CACHE = '0';
    try {
      const pb = playbook();
      expect((await world.run(pb)).summary.recap.n1!.execs).toBe(2);
      expect((await world.run(pb)).summary.recap.n1!.execs).toBe(2);
    } finally {
      delete process.env.RIG_FACT_CACHE;
    }
    expect(readdirSync(path.join(cache, 'rig', 'decisions')).filter((f) => f.startsWith('n1@'))).toEqual([]);
  });

  it("a runOnce read delegated to the host that runs it rides on that host's first exec", async () => {
    const world = await localWorld(['d1', 'd2'], { managers: ['d1'] });
    for (const h of ['d1', 'd2']) writeFileSync(path.join(world.dir, h, 'token'), `token of ${h}\n`);
    const pb = definePlaybook({
      hosts: 'all',
      tasks: [
        backendState<string>((ctx) => ({ file: w(ctx, 'token') }), { name: 'join token', runOnce: true, loop: (ctx) => ctx.groupHosts('managers'), delegateTo: (ctx) => String(ctx.item) }),
      ],
    });
    const first = await world.run(pb);
    expect(first.summary.exitCode).toBe(0);
    expect(first.rec.results('d1')[0]!.items?.map((i) => i.msg)).toEqual(['token of d1']);
    expect(first.summary.recap.d1!.execs).toBe(1);
    expect(first.summary.recap.d2!.execs).toBe(1);
  });

  it.each([
    ['not JSON', '{"oops'],
    ['a list', '[1,2]'],
    ['another shape', 'SHAPE'],
  ])('a cache file that is %s only loses the guess: same results, same exec count as without one', async (_what, content) => {
    const world = await localWorld(['c1']);
    writeFileSync(path.join(world.dir, 'c1', 'choice'), 'nft\n');
    writeFileSync(path.join(world.dir, 'c1', 'nft'), 'table\n');
    const pb = playbook();
    expect((await world.run(pb)).summary.exitCode).toBe(0);
    const dir = path.join(cache, 'rig', 'decisions');
    const file = path.join(dir, readdirSync(dir).find((f) => f.startsWith('c1@'))!);
    // the decision's output replaced by a value of another shape (a string where an object was), or the file broken
    const ids = Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object);
    writeFileSync(file, content === 'SHAPE' ? JSON.stringify(Object.fromEntries(ids.map((k) => [k, 'nft']))) : content);
    const r = await world.run(pb);
    expect(r.rec.results('c1').map((x) => [x.status, x.msg])).toEqual([['ok', 'nft'], ['ok', 'table'], ['skipped', 'conditional result was false'], ['ok', '']]);
    expect(r.summary.recap.c1!.execs).toBe(2);
    // and the run wrote a good one again
    expect((await world.run(pb)).summary.recap.c1!.execs).toBe(1);
  });

  describe('what the cache keeps (found by a break-it trial)', () => {
    const saved = (host: string): Record<string, unknown> => {
      const dir = path.join(cache, 'rig', 'decisions');
      const f = readdirSync(dir).find((x) => x.startsWith(`${host}@`));
      return f ? (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>) : {};
    };
    const allText = (): string => readdirSync(path.join(cache, 'rig', 'decisions')).map((f) => readFileSync(path.join(cache, 'rig', 'decisions', f), 'utf8')).join('\n');

    it('no secret in a task or play name, and none turned into a number', async () => {
      const world = await localWorld(['x1']);
      const who = secret('svc-NAME-SECRET-77');
      const pin = secret('987654');
      const pb = definePlaybook(
        { name: `play for ${who}`, hosts: 'all', tasks: [debug({ msg: 'hello' }, { name: 'in a secret play' })] },
        {
          name: 'open',
          hosts: 'all',
          tasks: [
            debug({ msg: 'hello' }, { name: `check account ${who}` }),
            debug({ msg: { pinNum: Number(pin), pinStr: pin } }, { name: 'secret as number' }),
            debug({ msg: 'kept' }, { name: 'plain' }),
          ],
        },
      );
      expect((await world.run(pb)).summary.exitCode).toBe(0);
      const text = allText();
      expect(text).not.toContain('svc-NAME-SECRET-77');
      expect(text).not.toContain('987654');
      expect(Object.values(saved('x1'))).toEqual([{ msg: 'kept' }]);
    });

    it('an output with a secret as a key is not kept (redacted, two keys would become one); one in a string is', async () => {
      const world = await localWorld(['q1']);
      const a = secret('key-SECRET-A1');
      const b = secret('key-SECRET-B2');
      const pb = definePlaybook({
        hosts: 'all',
        tasks: [
          debug({ msg: { [a]: 'x', [b]: 'y' } }, { name: 'secret keys' }),
          debug({ msg: { nested: [{ [a]: 1 }] } }, { name: 'nested secret key' }),
          debug({ msg: { ref: `pre-${a}-post` } }, { name: 'secret in a string' }),
        ],
      });
      expect((await world.run(pb)).summary.exitCode).toBe(0);
      expect(allText()).not.toMatch(/SECRET/);
      expect(Object.values(saved('q1'))).toEqual([{ msg: { ref: 'pre-********-post' } }]);
    });

    it('a host whose name or address is a secret is not named by it in the cache; files are the user’s alone', async () => {
      const world = await localWorld(['h1'], {}, { ansible_host: '!secret topsecret-h1.example' });
      writeFileSync(path.join(world.dir, 'h1', 'choice'), 'nft\n');
      expect((await world.run(playbook())).summary.exitCode).toBe(0);
      for (const kind of ['facts', 'decisions']) {
        const dir = path.join(cache, 'rig', kind);
        const names = readdirSync(dir);
        expect(names.join(' ')).not.toContain('topsecret');
        expect(names.filter((n) => /^[0-9a-f]{32}\.json$/.test(n)).length).toBeGreaterThan(0);
        expect(statSync(dir).mode & 0o777).toBe(0o700);
        for (const n of names) expect(statSync(path.join(dir, n)).mode & 0o777, n).toBe(0o600);
      }
    });

    it("a task made noLog, or gone, loses its entry; another play's entries stay, and both plays' saves land whole", async () => {
      const world = await localWorld(['y1']);
      const play = (name: string, noLog: boolean, extra: boolean) =>
        ({ name, hosts: 'all', tasks: [debug({ msg: `token=${name}` }, { name: 'show token', noLog }), ...(extra ? [debug({ msg: 'extra' }, { name: 'extra' })] : [])] }) as const;
      expect((await world.run(definePlaybook(play('one', false, true), play('two', false, false)))).summary.exitCode).toBe(0);
      expect(Object.keys(saved('y1')).sort()).toEqual(['one/extra', 'one/show token', 'two/show token']);
      expect((await world.run(definePlaybook(play('one', true, false), play('two', false, false)))).summary.exitCode).toBe(0);
      expect(saved('y1')).toEqual({ 'two/show token': { msg: 'token=two' } });
    });

    it('a fifo where the cache file should be is not read (it would block the run)', async () => {
      const world = await localWorld(['z1']);
      writeFileSync(path.join(world.dir, 'z1', 'choice'), 'nft\n');
      const dir = path.join(cache, 'rig', 'decisions');
      mkdirSync(dir, { recursive: true });
      expect(spawnSync('mkfifo', [path.join(dir, 'z1@z1:22.json')]).status).toBe(0);
      const r = await world.run(playbook());
      expect(r.summary.exitCode).toBe(0);
      expect(r.summary.recap.z1!.execs).toBe(2);
    });
  });
});
