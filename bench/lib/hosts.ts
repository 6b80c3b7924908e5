/** Inventories for N host aliases of the one bench sshd, and their per-host state directories. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SshdEnv } from './env.ts';

/** Root of the per-host state directories (each task writes under <STATE>/<host>/). */
export const STATE = process.env.RIG_BENCH_STATE ?? '/tmp/rig-bench/hosts';

/** Host names bench-0001… */
export function hostNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `bench-${String(i + 1).padStart(4, '0')}`);
}

/** Write the Ansible-format YAML inventory rig and ansible-playbook share; returns its path. */
export function writeInventory(outDir: string, n: number, sshd: SshdEnv): string {
  const dir = path.join(outDir, 'inventory');
  const cp = path.join(outDir, 'cp');
  mkdirSync(dir, { recursive: true });
  mkdirSync(cp, { recursive: true });
  const lines = [
    'all:',
    '  vars:',
    '    ansible_host: 127.0.0.1',
    `    ansible_port: ${sshd.port}`,
    '    ansible_user: root',
    `    ansible_ssh_private_key_file: ${sshd.key}`,
    `    rig_known_hosts_file: ${sshd.knownHosts}`,
    `    ansible_ssh_common_args: -F /dev/null -o UserKnownHostsFile=${sshd.knownHosts}`,
    '  hosts:',
  ];
  // one ControlPath per alias: the default %C hashes 127.0.0.1:port and would share one master between all hosts
  for (const h of hostNames(n)) lines.push(`    ${h}: { bench_dir: ${STATE}/${h}, ansible_control_path: ${cp}/${h} }`);
  const file = path.join(dir, `hosts-${n}.yml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Environment the pyinfra inventory.py reads. */
export function pyinfraEnv(n: number, sshd: SshdEnv): Record<string, string> {
  return {
    RIG_BENCH_N: String(n),
    RIG_BENCH_PORT: String(sshd.port),
    RIG_BENCH_KEY: sshd.key,
    RIG_BENCH_KNOWN_HOSTS: sshd.knownHosts,
    RIG_BENCH_STATE: STATE,
  };
}

/** Forget every host's state (a "first run" starts from nothing). */
export function resetState(): void {
  rmSync(STATE, { recursive: true, force: true });
  mkdirSync(STATE, { recursive: true });
}

/** The paths the workload reads on a host, relative to its bench_dir (the floor probes the same). */
export const WORKLOAD_PATHS = [
  '.', 'etc', 'etc/sysctl.d', 'etc/app', 'var/lib/app', 'var/log/app', 'opt/app/bin', 'run',
  'etc/hostname', 'etc/motd', 'etc/app/env', 'opt/app/bin/start.sh', 'etc/sysctl.d/60-net.conf', 'etc/sysctl.d/61-vm.conf',
  'etc/app/app.conf', 'etc/limits.conf', 'etc/hosts', 'etc/app/settings.ini', 'etc/sshd_config', 'etc/modules-load.conf',
  'var/log/app/app.log', 'opt/app/current', 'var/lib/app/initialized', 'run/app.pid',
];
/** Of those, the files whose content a tool compares. */
export const WORKLOAD_CONTENT = WORKLOAD_PATHS.filter((p) => /\.(conf|ini|sh|pid)$|hostname|motd|env|hosts$/.test(p));

/**
 * Converged state for N hosts without running N first runs: copy a converged host's tree and put each host's name
 * into it. Only used for the big rig-only sizes; the no-op run that follows proves the copy exact (changed must be 0).
 */
export function seedFrom(source: string, n: number): void {
  const script = `
src=$1 n=$2 state=$3 i=1
while [ "$i" -le "$n" ]; do
  h=$(printf 'bench-%04d' "$i")
  if [ "$state/$h" != "$src" ]; then
    rm -rf "$state/$h" && cp -a "$src" "$state/$h"
    grep -rlZ --exclude-dir=current "$(basename "$src")" "$state/$h" | xargs -0 -r sed -i "s#$(basename "$src")#$h#g"
    ln -sfn "$state/$h/etc/app" "$state/$h/opt/app/current"
  fi
  i=$((i + 1))
done`;
  execFileSync('sh', ['-c', script, 'seed', source, String(n), STATE], { stdio: 'inherit' });
}
