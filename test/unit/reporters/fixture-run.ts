/** Realistic event sequences for reporter tests: a real run (2 plays, 3 hosts) and a check-mode run. */
import { Writable } from 'node:stream';
import type { HostRecap, Reporter, RunSummary, TaskInfo, TaskResult } from '../../../src/core/result.ts';
import { NO_LOG_MSG } from '../../../src/reporters/index.ts';

/** The registered secret used by the fixtures; it contains characters JSON escapes. */
export const SECRET = 's3cr3t"pw\\x';

/** A writable that keeps everything written to it. */
export class StringStream extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

const task = (id: string, name: string, module: string, role?: string, handler = false): TaskInfo => ({
  id,
  name,
  module,
  definedAt: `roles/nginx/index.ts:${10 + Number(id.slice(1))}`,
  handler,
  ...(role ? { role } : {}),
});

const res = (t: TaskInfo, host: string, status: TaskResult['status'], extra: Partial<TaskResult> = {}): TaskResult => ({
  status,
  host,
  task: t.name,
  definedAt: t.definedAt,
  durationMs: 12,
  execs: status === 'unreachable' || status === 'skipped' ? 0 : 1,
  ...extra,
});

const recap = (p: Partial<HostRecap>): HostRecap => ({
  ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0, execs: 0, ...p,
});

export const install = task('t1', 'install nginx', 'apt', 'nginx');
export const config = task('t2', 'write nginx.conf', 'template', 'nginx');
export const probe = task('t3', 'check port 80', 'command');
export const restart = task('t4', 'restart nginx', 'systemd', 'nginx', true);
export const swappiness = task('t5', 'set vm.swappiness', 'sysctl');
export const token = task('t6', 'write api token', 'copy');

/** A real run: 2 plays, web1 converges, web2 fails, db1 is unreachable. Returns every result sent. */
export function realRun(r: Reporter): RunSummary {
  const results: TaskResult[] = [];
  const end = (t: TaskInfo, x: TaskResult) => {
    results.push(x);
    r.onTaskEnd?.(t, x);
  };
  r.onRunStart?.({ check: false, hosts: ['web1', 'web2', 'db1'] });
  r.onPlayStart?.({ name: 'web servers', hosts: ['web1', 'web2', 'db1'], check: false });
  r.onTaskStart?.(install, ['web1', 'web2', 'db1']);
  r.onLog?.('web1', 'exec: apt-get install -y nginx');
  end(install, res(install, 'web1', 'changed', {
    changes: ['apt-get install nginx'],
    commands: ['DEBIAN_FRONTEND=noninteractive apt-get install -y nginx'],
    rc: 0,
    stdout: 'Setting up nginx (1.24.0) ...\n',
  }));
  end(install, res(install, 'web2', 'ok'));
  r.onHostUnreachable?.('db1', 'ssh: connect to host 10.0.0.3 port 22: Connection refused');
  end(install, res(install, 'db1', 'unreachable', { msg: 'ssh: connect to host 10.0.0.3 port 22: Connection refused' }));
  r.onTaskStart?.(config, ['web1', 'web2']);
  end(config, res(config, 'web1', 'changed', {
    diff: [{ path: '/etc/nginx/nginx.conf', before: 'user www-data;\nworker_processes 1;\n', after: `user www-data;\nworker_processes 4;\n# token ${SECRET}\n` }],
    changes: ['write /etc/nginx/nginx.conf'],
  }));
  end(config, res(config, 'web2', 'failed', { msg: "template nginx.conf.hbs: missing variable 'worker_count'", ignored: true }));
  r.onTaskStart?.(probe, ['web1', 'web2']);
  end(probe, res(probe, 'web1', 'skipped'));
  end(probe, res(probe, 'web2', 'failed', {
    msg: 'non-zero return code',
    rc: 7,
    commands: ['curl -fsS http://127.0.0.1:80/'],
    stderr: 'curl: (7) Failed to connect to 127.0.0.1 port 80\n',
  }));
  r.onTaskStart?.(restart, ['web1']);
  end(restart, res(restart, 'web1', 'changed', { commands: ['systemctl restart nginx'] }));
  r.onPlayStart?.({ name: 'tuning', hosts: ['web1'], check: false });
  r.onTaskStart?.(swappiness, ['web1']);
  end(swappiness, res(swappiness, 'web1', 'ok'));
  r.onTaskStart?.(token, ['web1']);
  // noLog: the runner replaces msg and drops output and diff
  end(token, res(token, 'web1', 'changed', { msg: NO_LOG_MSG }));
  const summary: RunSummary = {
    recap: {
      web1: recap({ ok: 6, changed: 4, skipped: 1, execs: 5 }),
      web2: recap({ ok: 2, failed: 1, ignored: 1, execs: 3 }),
      db1: recap({ unreachable: 1 }),
    },
    results,
    exitCode: 2,
    durationMs: 2345,
    check: false,
  };
  return summary;
}

/** A check-mode run on two hosts: predictions, a predicted diff, a probe after a predicted change, a handler. */
export function checkRun(r: Reporter): RunSummary {
  const results: TaskResult[] = [];
  const end = (t: TaskInfo, x: TaskResult) => {
    results.push(x);
    r.onTaskEnd?.(t, x);
  };
  r.onRunStart?.({ check: true, hosts: ['web1', 'web2'] });
  r.onPlayStart?.({ name: 'web servers', hosts: ['web1', 'web2'], check: true });
  r.onTaskStart?.(install, ['web1', 'web2']);
  end(install, res(install, 'web1', 'changed', { predicted: true, changes: ['apt-get install nginx'] }));
  end(install, res(install, 'web2', 'ok'));
  r.onTaskStart?.(config, ['web1', 'web2']);
  end(config, res(config, 'web1', 'changed', {
    predicted: true,
    diff: [{ path: '/etc/nginx/nginx.conf', before: '', after: 'worker_processes 4;\n' }],
  }));
  end(config, res(config, 'web2', 'ok'));
  r.onTaskStart?.(probe, ['web1', 'web2']);
  end(probe, res(probe, 'web1', 'changed', { predicted: true, msg: 'probe failed after a predicted change' }));
  end(probe, res(probe, 'web2', 'skipped'));
  r.onTaskStart?.(restart, ['web1']);
  end(restart, res(restart, 'web1', 'changed', { predicted: true }));
  return {
    recap: { web1: recap({ ok: 4, changed: 4, execs: 1 }), web2: recap({ ok: 3, skipped: 1, execs: 1 }) },
    results,
    exitCode: 0,
    durationMs: 850,
    check: true,
  };
}

export const modules = task('t7', 'load kernel modules', 'modprobe');
export const register = task('t8', 'register worker', 'command');
export const mayFail = task('t9', 'ignored failure', 'command');

/** Loop items (one with a label), a delegated task and an ignored failure, on two hosts. */
export function loopRun(r: Reporter): RunSummary {
  const results: TaskResult[] = [];
  const end = (t: TaskInfo, x: TaskResult) => {
    results.push(x);
    r.onTaskEnd?.(t, x);
  };
  const item = (t: TaskInfo, host: string, status: TaskResult['status'], value: unknown, label: string, extra: Partial<TaskResult> = {}) => ({ ...res(t, host, status, extra), item: value, label });
  r.onRunStart?.({ check: false, hosts: ['ux1', 'ux2'] });
  r.onPlayStart?.({ name: 'swarm', hosts: ['ux1', 'ux2'], check: false });
  r.onTaskStart?.(modules, ['ux1', 'ux2']);
  for (const host of ['ux1', 'ux2']) {
    end(modules, res(modules, host, 'changed', { items: [item(modules, host, 'changed', 'overlay', 'overlay'), item(modules, host, 'ok', { name: 'br_netfilter', persist: true }, 'br_netfilter')] }));
  }
  r.onTaskStart?.(register, ['ux1', 'ux2']);
  end(register, res(register, 'ux1', 'changed', { delegatedTo: 'ux1' }));
  end(register, res(register, 'ux2', 'ok', { delegatedTo: 'ux1' }));
  r.onTaskStart?.(mayFail, ['ux1', 'ux2']);
  end(mayFail, res(mayFail, 'ux1', 'ok'));
  end(mayFail, res(mayFail, 'ux2', 'failed', { ignored: true, msg: 'command failed (rc=1)', rc: 1 }));
  return {
    recap: { ux1: recap({ ok: 3, changed: 2, execs: 3 }), ux2: recap({ ok: 2, changed: 1, ignored: 1, execs: 3 }) },
    results,
    exitCode: 0,
    durationMs: 1200,
    check: false,
  };
}

export const join = task('t10', 'join swarm', 'swarmJoin', 'swarm');

/** One host waits (a swarm node still 'pending', 12 s into a 2 min limit) for ~0.6 s of real time; the other is done. */
export async function waitRun(r: Reporter): Promise<RunSummary> {
  const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
  const results: TaskResult[] = [];
  const end = (t: TaskInfo, x: TaskResult) => {
    results.push(x);
    r.onTaskEnd?.(t, x);
  };
  r.onRunStart?.({ check: false, hosts: ['ux1', 'ux2'] });
  r.onPlayStart?.({ name: 'swarm', hosts: ['ux1', 'ux2'], check: false });
  r.onTaskStart?.(join, ['ux1', 'ux2']);
  r.onWait?.('ux1', { what: "the swarm node to leave state 'pending'", limitSec: 120, startedAt: Date.now() - 12_000 });
  await sleep(300);
  end(join, res(join, 'ux2', 'ok'));
  await sleep(300);
  r.onWait?.('ux1', undefined);
  end(join, res(join, 'ux1', 'changed'));
  return { recap: { ux1: recap({ ok: 1, changed: 1, execs: 1 }), ux2: recap({ ok: 1, execs: 1 }) }, results, exitCode: 0, durationMs: 700, check: false };
}
