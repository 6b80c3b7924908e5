/**
 * `npm run bench [-- --quick] [--append] [--sizes 5,20,100] [--big 500,1000] [--runs 5] [--tools rig,ansible,pyinfra,floor] [--report-only]`
 * Installs what it needs, starts one sshd on 127.0.0.1, runs every tool in alternation, writes bench/RESULTS.md and bench/plot.png.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages, ensureVenv, rigCommit, startSshd, VENV, versions } from './lib/env.ts';
import { resetState, seedFrom, STATE, writeInventory } from './lib/hosts.ts';
import { timed } from './lib/measure.ts';
import { renderResults, type Results, type SampleRow } from './lib/report.ts';
import { runTool, type Tool } from './lib/tools.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(repo, 'bench/out');
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : dflt;
};
const nums = (s: string): number[] => s.split(',').filter(Boolean).map(Number);

const quick = flag('quick');
const sizes = nums(opt('sizes', quick ? '5,20' : '5,20,100'));
const big = nums(opt('big', quick ? '' : '500,1000'));
const runs = Number(opt('runs', quick ? '3' : '5'));
const bigRuns = Number(opt('big-runs', String(runs)));
const tools = opt('tools', 'rig,ansible,pyinfra,floor').split(',') as Tool[];
const port = Number(opt('port', '2299'));
const rigForks = opt('rig-forks', '') ? Number(opt('rig-forks', '')) : undefined;

async function main(): Promise<void> {
  mkdirSync(path.join(out, 'logs'), { recursive: true });
  const resultsFile = path.join(out, 'results.json');
  if (flag('report-only')) return finish(JSON.parse(readFileSync(resultsFile, 'utf8')) as Results);

  ensureSystemPackages();
  ensureVenv();
  const sshd = startSshd(out, port);
  const fresh: Results = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    env: versions(),
    config: { sizes, big, runs, bigRuns, tools },
    loadStart: loadavg(),
    loadEnd: [],
    samples: [],
    startup: { help: [], listTasks: [] },
  };
  // --append: add these samples to the previous results.json (e.g. the 500/1000-host rig runs after a --quick)
  const results: Results = flag('append') && existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Results) : fresh;
  if (results !== fresh) {
    results.config.sizes = [...new Set([...results.config.sizes, ...sizes])];
    results.config.big = [...new Set([...results.config.big, ...big])];
    results.mode = `${results.mode} + appended (${argv.join(' ')})`;
  }
  const commit = rigCommit(repo);
  const save = (): void => writeFileSync(resultsFile, JSON.stringify(results, null, 1));
  // bin/rig.js builds rig's JS from src/ when src/ changed: do it now, not inside the first timed run
  execFileSync(process.execPath, ['bin/rig.js', '--help'], { cwd: repo, stdio: 'ignore' });
  try {
    // round-major (every size in each round) so an interrupted run still has a balanced matrix
    const inventories = new Map([1, ...sizes, ...big].map((n) => [n, writeInventory(out, n, sshd)]));
    for (let run = 1; run <= Math.max(runs, big.length ? bigRuns : 0); run++) {
      for (const n of [...sizes, ...big]) {
        const isBig = !sizes.includes(n);
        if (run > (isBig ? bigRuns : runs)) continue;
        const inventory = inventories.get(n) as string;
        const order = tools.filter((t) => !isBig || t === 'rig' || t === 'floor');
        // A B A B…: every tool once per round, first run then its no-op re-run; the floor probes a converged host
        for (const tool of order) {
          // big sizes: the first run is optional (--big-first); otherwise hosts are seeded from a converged host
          const seed = isBig && !flag('big-first') && tool === 'rig';
          const scenarios = tool === 'floor' ? (['probe'] as const) : seed ? (['noop'] as const) : (['first', 'noop'] as const);
          if (seed) {
            resetState();
            await runTool({ tool: 'rig', n: 1, inventory: inventories.get(1) as string, sshd, repo, outDir: out, tag: `seed-${n}-${run}` });
            seedFrom(path.join(STATE, 'bench-0001'), n);
          } else if (tool !== 'floor') resetState();
          for (const scenario of scenarios) {
            const tag = `${tool}-${n}-${scenario}-${run}`;
            const r = await runTool({ tool, n, inventory, sshd, repo, outDir: out, tag, rigForks });
            const row: SampleRow = { tool, n, scenario, run, rigCommit: commit, ...r, forks: tool === 'rig' ? Math.min(n, rigForks ?? n) : tool === 'ansible' ? n : undefined };
            results.samples.push(row);
            save();
            const extra = r.execsPerHost !== undefined ? ` execs/host=${r.execsPerHost} conns/host=${r.connsPerHost?.toFixed(2)}` : '';
            console.log(`[bench] ${tag}: ${r.wallS.toFixed(2)}s cpu=${r.cpuS.toFixed(2)}s rss=${r.rssMB.toFixed(0)}MB changed=${r.changed ?? '?'} exit=${r.code}${extra}`);
          }
        }
      }
    }
    // rig's own start-up: --help and loading the playbook (--list-tasks) against the 20-host inventory
    const inv20 = writeInventory(out, 20, sshd);
    for (let i = 0; i < (flag('no-startup') ? 0 : Math.max(runs, 5)); i++) {
      results.startup.help.push((await timed(process.execPath, ['bin/rig.js', '--help'], { cwd: repo, logFile: path.join(out, 'logs/help.log') })).wallS);
      const lt = await timed(process.execPath, ['bin/rig.js', 'run', 'bench/workload/rig/playbook.ts', '-i', inv20, '--list-tasks'], {
        cwd: repo,
        logFile: path.join(out, 'logs/list-tasks.log'),
      });
      results.startup.listTasks.push(lt.wallS);
    }
  } finally {
    sshd.stop();
    results.loadEnd = loadavg();
    save();
  }
  finish(results);
}

function finish(results: Results): void {
  writeFileSync(path.join(repo, 'bench/RESULTS.md'), renderResults(results));
  execFileSync(path.join(VENV, 'bin/python'), [path.join(repo, 'bench/plot.py'), path.join(out, 'results.json'), path.join(out, 'plot.png')], {
    stdio: 'inherit',
  });
  if (existsSync(path.join(out, 'plot.png'))) copyFileSync(path.join(out, 'plot.png'), path.join(repo, 'bench/plot.png'));
  console.log('[bench] wrote bench/RESULTS.md and bench/plot.png');
}

await main();
