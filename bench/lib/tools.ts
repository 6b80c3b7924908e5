/** One timed run of each tool against N hosts, plus what its report says (changed count, rig's execs and connections). */
import { runProcess } from '../../test/support/local-process.ts';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { acceptedLogins, hostCpuS, sessionsDone, VENV, type SshdEnv } from './env.ts';
import { pyinfraEnv, STATE, WORKLOAD_CONTENT, WORKLOAD_PATHS } from './hosts.ts';
import { timed, type Sample } from './measure.ts';
import { quote } from '../../src/core/quote.ts';

/** The tools compared. */
export type Tool = 'rig' | 'ansible' | 'pyinfra' | 'floor';

/** A sample plus what the tool reported. */
export interface RunResult extends Sample {
  /** Tasks reported changed, summed over hosts (undefined when the tool's output was not parsed). */
  readonly changed?: number;
  /** rig only: median exec round trips per host (JSON report recap). */
  readonly execsPerHost?: number;
  /** rig only: the largest exec count of any host. */
  readonly execsMax?: number;
  /** rig only: sshd logins accepted during the run / N. */
  readonly connsPerHost?: number;
  /** CPU seconds of the hosts' side (sshd sessions and everything they ran), from the listening sshd's counters. */
  readonly hostCpuS?: number;
}

/** Everything a run needs to know. */
export interface RunSpec {
  readonly tool: Tool;
  readonly n: number;
  readonly inventory: string;
  readonly sshd: SshdEnv;
  readonly repo: string;
  readonly outDir: string;
  readonly tag: string;
  /** rig's --forks (default N: every host at once, like ansible's -f N). */
  readonly rigForks?: number;
}

const sum = (re: RegExp, text: string): number => [...text.matchAll(re)].reduce((a, m) => a + Number(m[1]), 0);

/** Run `spec.tool` once, with the CPU the hosts' side used for it. */
export async function runTool(spec: RunSpec): Promise<RunResult> {
  const before = hostCpuS(spec.sshd);
  const r = await runOnce(spec);
  await sessionsDone(spec.sshd);
  return { ...r, hostCpuS: hostCpuS(spec.sshd) - before };
}

async function runOnce(spec: RunSpec): Promise<RunResult> {
  const log = path.join(spec.outDir, 'logs', `${spec.tag}.log`);
  const wl = path.join(spec.repo, 'bench/workload');
  switch (spec.tool) {
    case 'rig': {
      const json = path.join(spec.outDir, 'logs', `${spec.tag}.json`);
      const before = acceptedLogins(spec.sshd.log);
      const s = await timed(
        process.execPath,
        ['bin/rig.js', 'run', 'bench/workload/rig/playbook.ts', '-i', spec.inventory, '-f', String(Math.min(spec.n, spec.rigForks ?? spec.n)), '--json', json],
        { cwd: spec.repo, logFile: log },
      );
      const conns = (acceptedLogins(spec.sshd.log) - before) / spec.n;
      const report = JSON.parse(readFileSync(json, 'utf8')) as { recap: Record<string, { execs: number; changed: number }> };
      const recap = Object.values(report.recap);
      const execs = recap.map((r) => r.execs).sort((a, b) => a - b);
      return {
        ...s,
        changed: recap.reduce((a, r) => a + r.changed, 0),
        execsPerHost: execs[Math.floor(execs.length / 2)],
        execsMax: execs[execs.length - 1],
        connsPerHost: conns,
      };
    }
    case 'ansible': {
      const s = await timed(path.join(VENV, 'bin/ansible-playbook'), ['-i', spec.inventory, '-f', String(spec.n), 'playbook.yml'], {
        cwd: path.join(wl, 'ansible'),
        env: { ANSIBLE_CONFIG: path.join(wl, 'ansible/ansible.cfg'), ANSIBLE_NOCOLOR: '1' },
        logFile: log,
      });
      await closeControlMasters(path.join(spec.outDir, 'cp'));
      return { ...s, changed: sum(/changed=(\d+)/g, readFileSync(log, 'utf8')) };
    }
    case 'pyinfra': {
      const s = await timed(path.join(VENV, 'bin/pyinfra'), ['inventory.py', 'deploy.py', '-y'], {
        cwd: path.join(wl, 'pyinfra'),
        env: { ...pyinfraEnv(spec.n, spec.sshd), PYINFRA_PROGRESS: 'off' },
        logFile: log,
      });
      return { ...s, changed: pyinfraChanged(readFileSync(log, 'utf8')) };
    }
    case 'floor': {
      const probe = `cd %DIR% 2>/dev/null; stat -c '%n %a %U %G %s %Y %F' ${WORKLOAD_PATHS.map(quote).join(' ')} 2>&1; cat ${WORKLOAD_CONTENT.map(quote).join(' ')} 2>/dev/null; true`;
      return timed('sh', [path.join(spec.repo, 'bench/floor.sh'), String(spec.sshd.port), spec.sshd.key, spec.sshd.knownHosts, STATE, String(spec.n), probe], {
        logFile: log,
      });
    }
  }
}

/** pyinfra's results table: operations that changed something count under Success, the rest under "No Change" ('-' means 0). */
function pyinfraChanged(text: string): number | undefined {
  const row = /Grand total\s+(\S+)\s+(\S+)/.exec(text);
  if (!row) return undefined;
  const num = (v: string | undefined): number => (v === undefined || v === '-' ? 0 : Number(v));
  return num(row[2]);
}

/** Close ansible's ControlPersist masters so the next run starts cold like every other tool. */
async function closeControlMasters(dir: string): Promise<void> {
  const socks = readdirSync(dir).map((f) => path.join(dir, f));
  await Promise.all(
    socks.map(async (s) => {
      await runProcess(['ssh', '-F', '/dev/null', '-o', `ControlPath=${s}`, '-O', 'exit', '127.0.0.1']);
      rmSync(s, { force: true });
    }),
  );
}
