/** bench/RESULTS.md from the raw samples: environment, medians per tool × hosts × scenario, the issue's targets. */
import type { RunResult, Tool } from './tools.ts';
import { median } from './measure.ts';

/** One measured run. */
export interface SampleRow extends RunResult {
  readonly tool: Tool;
  readonly n: number;
  readonly scenario: 'first' | 'noop' | 'probe';
  readonly run: number;
  /** --forks given to rig (and -f to ansible). */
  readonly forks?: number;
  /** The rig commit this sample was taken at (results appended over several sessions can span commits). */
  readonly rigCommit?: string;
}

/** Everything a bench run recorded (bench/out/results.json). */
export interface Results {
  date: string;
  mode: string;
  env: Record<string, string>;
  config: { sizes: number[]; big: number[]; runs: number; bigRuns: number; tools: Tool[] };
  loadStart: number[];
  loadEnd: number[];
  samples: SampleRow[];
  startup: { help: number[]; listTasks: number[] };
  /** Free-text remarks about this data set (e.g. samples dropped and why). */
  notes?: string[];
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '–'); // NaN/±Infinity: no valid sample

function pick(r: Results, tool: Tool, n: number, scenario: string): SampleRow[] {
  return r.samples.filter((s) => s.tool === tool && s.n === n && (s.scenario === scenario || (tool === 'floor' && s.scenario === 'probe')));
}

// a run that exited non-zero (unreachable hosts) is counted under "failed runs", never in a median
const med = (rows: SampleRow[], k: 'wallS' | 'cpuS' | 'rssMB' | 'execsPerHost' | 'connsPerHost' | 'changed' | 'hostCpuS'): number =>
  median(rows.filter((s) => s.code === 0).map((s) => (s[k] as number | undefined) ?? NaN));

function table(r: Results, scenario: 'first' | 'noop'): string {
  const lines = [
    '| hosts | tool | runs | wall s (median) | × rig | controller CPU s | hosts\' CPU s | peak RSS MB | changed (all hosts) | failed runs | rig execs/host | rig conns/host |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const ns = [...new Set(r.samples.map((s) => s.n))].sort((a, b) => a - b);
  for (const n of ns) {
    const rigWall = med(pick(r, 'rig', n, scenario), 'wallS');
    const groups: [string, Tool, SampleRow[]][] = [];
    for (const tool of ['rig', 'ansible', 'pyinfra', 'floor'] as Tool[]) {
      const all = pick(r, tool, n, scenario);
      const forks = [...new Set(all.map((s) => s.forks))];
      // rig runs with different --forks at one size are shown apart
      if (tool === 'rig' && forks.length > 1) for (const k of forks) groups.push([`rig -f ${k}`, tool, all.filter((s) => s.forks === k)]);
      else groups.push([tool, tool, all]);
    }
    for (const [label, tool, rows] of groups) {
      if (rows.length === 0) continue;
      const wall = med(rows, 'wallS');
      const failed = rows.filter((s) => s.code !== 0).length;
      lines.push(
        `| ${n} | ${label} | ${rows.length} | ${f(wall)} | ${tool === 'rig' ? '1' : f(wall / rigWall)} | ${f(med(rows, 'cpuS'))} | ${f(med(rows, 'hostCpuS'))} | ${f(med(rows, 'rssMB'), 0)} | ` +
          `${tool === 'floor' ? 'n/a' : f(med(rows, 'changed'), 0)} | ${failed} | ${tool === 'rig' ? f(med(rows, 'execsPerHost'), 0) + ` (max ${f(Math.max(...rows.filter((s) => s.code === 0).map((s) => s.execsMax ?? NaN)), 0)})` : ''} | ${tool === 'rig' ? f(med(rows, 'connsPerHost')) : ''} |`,
      );
    }
  }
  return lines.join('\n');
}

function targets(r: Results): string {
  const w = (tool: Tool, n: number, sc = 'noop'): number => med(pick(r, tool, n, sc), 'wallS');
  const rows: [string, string, string][] = [];
  const ok = (b: boolean): string => (Number.isNaN(Number(b)) ? '–' : b ? 'met' : '**missed**');
  if (pick(r, 'rig', 20, 'noop').length) {
    const a = w('ansible', 20) / w('rig', 20);
    const p = w('pyinfra', 20) / w('rig', 20);
    const fl = w('rig', 20) / w('floor', 20);
    rows.push(['no-op, 20 hosts: ansible-playbook / rig ≥ 15×', f(a, 1) + '×', Number.isFinite(a) ? ok(a >= 15) : '–']);
    rows.push(['no-op, 20 hosts: pyinfra / rig ≥ 3×', f(p, 1) + '×', Number.isFinite(p) ? ok(p >= 3) : '–']);
    rows.push(['no-op, 20 hosts: rig / floor ≤ 1.5×', f(fl, 2) + '×', Number.isFinite(fl) ? ok(fl <= 1.5) : '–']);
  }
  // issue 18: first runs as fast as no-op runs
  for (const n of [20, 100]) {
    if (!pick(r, 'rig', n, 'first').length) continue;
    const p = w('pyinfra', n, 'first') / w('rig', n, 'first');
    const a = w('ansible', n, 'first') / w('rig', n, 'first');
    const firstRig = pick(r, 'rig', n, 'first').filter((s) => s.code === 0);
    const execs = Math.max(...firstRig.map((s) => s.execsMax ?? NaN));
    const cpu = (tool: Tool) => med(pick(r, tool, n, 'first'), 'hostCpuS');
    const fl = w('rig', n) / w('floor', n);
    rows.push([`first run, ${n} hosts: pyinfra / rig ≥ 3×`, f(p, 1) + '×', Number.isFinite(p) ? ok(p >= 3) : '–']);
    rows.push([`first run, ${n} hosts: ansible-playbook / rig ≥ 40×`, f(a, 1) + '×', Number.isFinite(a) ? ok(a >= 40) : '–']);
    rows.push([`first run, ${n} hosts: execs per host ≤ 3`, `max ${execs}`, ok(execs <= 3)]);
    rows.push([
      `first run, ${n} hosts: hosts' CPU, rig below pyinfra`,
      `rig ${f(cpu('rig'))} s, pyinfra ${f(cpu('pyinfra'))} s, ansible ${f(cpu('ansible'))} s`,
      Number.isFinite(cpu('pyinfra')) && Number.isFinite(cpu('rig')) ? ok(cpu('rig') < cpu('pyinfra')) : '–',
    ]);
    rows.push([`no-op, ${n} hosts: rig / floor ≤ 1.1×`, f(fl, 2) + '×', Number.isFinite(fl) ? ok(fl <= 1.1) : '–']);
  }
  const noopRig = r.samples.filter((s) => s.tool === 'rig' && s.scenario === 'noop' && s.code === 0);
  if (noopRig.length) {
    const maxExecs = Math.max(...noopRig.map((s) => s.execsMax ?? NaN));
    rows.push(['exec round trips per host in a no-op = 1', `max ${maxExecs}`, ok(maxExecs <= 1)]);
    const maxConns = Math.max(...noopRig.map((s) => s.connsPerHost ?? NaN));
    rows.push(['connections per host (by design 1; sshd "Accepted publickey" lines / hosts)', `max ${f(maxConns)}`, ok(maxConns <= 1.0001)]);
  }
  const big = Math.max(...r.samples.filter((s) => s.tool === 'rig').map((s) => s.n));
  if (big >= 500) {
    const rss = med(pick(r, 'rig', big, 'noop'), 'rssMB');
    rows.push([`${big} hosts no-op: controller peak RSS < 200 MB`, `${f(rss, 0)} MB`, ok(rss < 200)]);
    const ns = [...new Set(noopRig.map((s) => s.n))].sort((a, b) => a - b);
    rows.push([`${big} hosts no-op: wall time linear (s per host at each N)`, ns.map((n) => `${n}: ${f((w('rig', n) / n) * 1000, 1)} ms`).join(', '), 'see plot']);
  }
  const help = median(r.startup.help);
  const list = median(r.startup.listTasks);
  if (r.startup.help.length) rows.push(['`rig --help` ≤ 300 ms', `${f(help * 1000, 0)} ms`, ok(help <= 0.3)]);
  if (r.startup.listTasks.length) rows.push(['loading the playbook (`run … --list-tasks`) ≤ 600 ms', `${f(list * 1000, 0)} ms`, ok(list <= 0.6)]);
  return ['| target | measured | |', '|---|---|---|', ...rows.map((x) => `| ${x.join(' | ')} |`)].join('\n');
}

/** The markdown page. */
export function renderResults(r: Results): string {
  const env = Object.entries(r.env).map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  const la = (x: number[]): string => x.map((v) => v.toFixed(1)).join(' / ');
  const commits = new Map<string, number>();
  for (const x of r.samples) commits.set(x.rigCommit ?? '?', (commits.get(x.rigCommit ?? '?') ?? 0) + 1);
  const commitRow = [...commits].map(([c, k]) => `${c} (${k} samples)`).join(', ');
  return `# rig benchmark results

Generated by \`npm run bench${r.mode === 'quick' ? ' -- --quick' : ''}\` on ${r.date} (${r.mode}: hosts ${r.config.sizes.join(', ')} for all tools${r.config.big.length ? `, ${r.config.big.join(', ')} for rig and the floor` : ''}; ${r.config.runs} rounds).
Method: [README.md](README.md). Medians of the rounds; tools alternate within each round. The plot: [plot.png](plot.png).

| environment | |
|---|---|
${env}
| load average (1/5/15 min) at start | ${la(r.loadStart)} |
| load average at end | ${la(r.loadEnd)} |
| rig commit | ${commitRow} |

All "hosts" are aliases of one sshd on 127.0.0.1, so the sshd side of every connection runs on the same CPUs as the
controller: wall times include the hosts' work. The load average shows what else ran on the machine.

## Targets (issues 5 and 18; reported, not asserted)

${targets(r)}

## No-op re-run (converged hosts; the floor is one batched \`stat\`+\`cat\` probe per host over plain ssh)

${table(r, 'noop')}

## First run (fresh state directories: all 25 tasks change on every host)

${table(r, 'first')}

![wall time vs hosts](plot.png)
${r.notes?.length ? `\n## Notes on this data set\n\n${r.notes.map((x) => `- ${x}`).join('\n')}\n` : ''}`;
}
