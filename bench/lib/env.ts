/** The bench environment: system packages, the Python venv (ansible-core, pyinfra, matplotlib), keys and one shared sshd. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Where the venv lives (outside the repo, reused across runs). */
export const VENV = process.env.RIG_BENCH_VENV ?? path.join(homedir(), '.cache/rig-bench/venv');
const PY_PACKAGES = ['ansible-core', 'pyinfra', 'matplotlib'];

// setup steps are synchronous and show their stderr live (apt, pip): node's execFileSync, not the async zx wrapper
function sh(cmd: string, args: string[], opts: { quiet?: boolean } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', opts.quiet ? 'pipe' : 'inherit'] });
}

function have(file: string): boolean {
  return existsSync(file);
}

/** Install what a fresh Debian machine lacks: sshd, ssh client, GNU time, python venv support. */
export function ensureSystemPackages(): void {
  const missing: string[] = [];
  if (!have('/usr/sbin/sshd')) missing.push('openssh-server');
  if (!have('/usr/bin/ssh')) missing.push('openssh-client');
  if (!have('/usr/bin/time')) missing.push('time');
  if (spawnSync('python3', ['-c', 'import venv, ensurepip']).status !== 0) missing.push('python3-venv');
  if (!have('/usr/bin/python3')) missing.push('python3'); // ansible's target interpreter
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`bench needs these packages (run as root or install them): ${missing.join(' ')}`);
  console.log(`[bench] apt-get install ${missing.join(' ')}`);
  sh('apt-get', ['update', '-qq']);
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Create the venv with ansible-core, pyinfra and matplotlib if it is missing something. */
export function ensureVenv(): void {
  const py = path.join(VENV, 'bin/python');
  const ok = have(py) && spawnSync(py, ['-c', 'import ansible, pyinfra, matplotlib']).status === 0;
  if (ok) return;
  console.log(`[bench] creating venv ${VENV} (${PY_PACKAGES.join(', ')})`);
  mkdirSync(path.dirname(VENV), { recursive: true });
  if (!have(py)) sh('python3', ['-m', 'venv', VENV]);
  sh(py, ['-m', 'pip', 'install', '-q', ...PY_PACKAGES]);
}

/** Versions of everything measured, for RESULTS.md. */
/** The rig commit being measured (short hash, "+dirty" when src/ or bench/ has uncommitted changes), or "?" outside git. */
export function rigCommit(repo: string): string {
  const git = (args: string[]): string => spawnSync('git', args, { cwd: repo, encoding: 'utf8' }).stdout?.trim() ?? '';
  const head = git(['rev-parse', '--short=7', 'HEAD']);
  if (!head) return '?';
  return git(['status', '--porcelain', '--', 'src', 'bin', 'bench/workload']) ? `${head}+dirty` : head;
}

export function versions(): Record<string, string> {
  const first = (cmd: string, args: string[]): string => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? '?';
  };
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?';
  const mem = /MemTotal:\s*(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  const os = /PRETTY_NAME="(.*)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '?';
  return {
    os,
    kernel: first('uname', ['-r']),
    cpu: `${cpu} × ${first('nproc', [])}`,
    memory: mem ? `${Math.round(Number(mem) / 1024 / 1024)} GiB` : '?',
    node: process.version,
    openssh: first('ssh', ['-V']),
    'ansible-core': first(path.join(VENV, 'bin/python'), ['-c', 'import ansible.release as r; print(r.__version__)']),
    pyinfra: first(path.join(VENV, 'bin/python'), ['-c', 'import importlib.metadata as m; print(m.version("pyinfra"))']),
    python: first(path.join(VENV, 'bin/python'), ['--version']),
  };
}

/** The shared sshd and the client credentials every tool uses. */
export interface SshdEnv {
  readonly port: number;
  readonly key: string;
  readonly knownHosts: string;
  readonly log: string;
  /** The listening sshd's pid (every session is its descendant). */
  readonly pid: number;
  stop(): void;
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * CPU seconds the hosts' side has used so far: the listening sshd's own time plus that of every session it reaped
 * (/proc/PID/stat utime+stime+cutime+cstime; a reaped child's cutime carries its own descendants': the shells and
 * commands of every exec, sftp-server, python of ansible's modules).
 */
export function hostCpuS(sshd: SshdEnv): number {
  const f = readFileSync(`/proc/${sshd.pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // fields after the comm: state is [0], utime is the 14th field of the line, i.e. [11]
  return [11, 12, 13, 14].reduce((a, i) => a + Number(fields[i]), 0) / CLK_TCK;
}

/** Wait (≤ 10 s) until the sshd has no session left, so every exec's CPU has been reaped into its counters. */
export async function sessionsDone(sshd: SshdEnv): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const kids = readFileSync(`/proc/${sshd.pid}/task/${sshd.pid}/children`, 'utf8').trim();
    if (!kids) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Generate keys and start one sshd on 127.0.0.1:port with limits raised for 1000 concurrent connections. */
export function startSshd(outDir: string, port: number): SshdEnv {
  const dir = path.join(outDir, 'sshd');
  mkdirSync(dir, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation dir
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  const key = path.join(dir, 'id_ed25519');
  for (const k of [hostKey, key]) if (!have(k)) sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rig-bench', '-f', k]);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(`${key}.pub`));
  const hostPub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  const knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub[0]} ${hostPub[1]}\n`, { mode: 0o600 });
  const log = path.join(dir, 'sshd.log');
  const pidFile = path.join(dir, 'sshd.pid');
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${pidFile}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      // one sshd stands in for up to 1000 hosts connecting at once
      'MaxStartups 4000:100:4000',
      'PerSourceMaxStartups none',
      'MaxSessions 200',
      'LoginGraceTime 120',
      'LogLevel INFO',
      'Subsystem sftp internal-sftp',
      'AcceptEnv LANG LC_*',
      // bash sources ~/.bashrc for sshd commands when SHLVL < 2; this controller's /root/.bashrc runs `pyenv init`
      // (~100 ms of host CPU per exec, for every tool); real hosts' rc files return early when not interactive
      'SetEnv SHLVL=1',
      '',
    ].join('\n'),
  );
  sh('/usr/sbin/sshd', ['-t', '-f', config]);
  stopPidFile(pidFile);
  writeFileSync(log, '');
  sh('/usr/sbin/sshd', ['-f', config, '-E', log]);
  for (let i = 0; i < 50 && !have(pidFile); i++) spawnSync('sleep', ['0.1']);
  return { port, key, knownHosts, log, pid: Number(readFileSync(pidFile, 'utf8').trim()), stop: () => stopPidFile(pidFile) };
}

function stopPidFile(pidFile: string): void {
  if (!have(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    if (pid > 0) process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** How many logins sshd has accepted so far (to count connections per host). */
export function acceptedLogins(log: string): number {
  return (readFileSync(log, 'utf8').match(/Accepted publickey/g) ?? []).length;
}
