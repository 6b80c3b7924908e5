/** Docker engine facts: is dockerd installed, and which version (decides `--validate` and legacy options). */
import type { Fact } from '../../../src/index.ts';

/** The Docker engine on a host. */
export interface DockerEngine {
  readonly installed: boolean;
  /** e.g. '20.10.24+dfsg1' */
  readonly version?: string;
  readonly major?: number;
  readonly minor?: number;
}

const NONE = '__rig_no_dockerd__';

/** `dockerd --version`, or not installed. */
export const dockerEngine: Fact<DockerEngine, void> = {
  name: 'docker.engine',
  command: () => `if command -v dockerd >/dev/null 2>&1; then dockerd --version; else echo ${NONE}; fi`,
  parse(out) {
    const text = out.stdout.trim();
    if (text === NONE) return { installed: false };
    const m = /^Docker version ([0-9]+)\.([0-9]+)[^,\s]*/.exec(text);
    if (!m) throw new Error(`dockerd --version: unexpected output ${JSON.stringify(text)}`);
    return { installed: true, version: m[0].slice('Docker version '.length), major: Number(m[1]), minor: Number(m[2]) };
  },
};

/** Whether this engine has `dockerd --validate` (Docker 23.0 and later). */
export function hasDaemonValidate(e: DockerEngine): boolean {
  return e.installed && (e.major ?? 0) >= 23;
}

/** How docker.service starts dockerd: whether its ExecStart passes listen addresses (`-H fd://` in Debian's unit). */
export interface DockerUnitHosts {
  /** systemd has a docker.service unit file. */
  readonly loaded: boolean;
  /** The `-H`/`--host` arguments of its effective ExecStart (drop-ins applied). */
  readonly hostFlags: readonly string[];
}

/** The effective ExecStart of a unit from `systemctl cat` output: line continuations joined, an empty `ExecStart=`
 *  (as drop-ins write to replace it) clearing the earlier ones. Source: systemd.service(5), ExecStart=. */
export function effectiveExecStart(unitText: string): string | undefined {
  let exec: string[] = [];
  for (const line of unitText.replace(/\\\n/g, ' ').split('\n')) {
    const m = /^\s*ExecStart\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[1]!.trim() === '') exec = [];
    else exec.push(m[1]!.trim());
  }
  return exec.at(-1);
}

/** docker.service as systemd loaded it (`systemctl cat`: the unit file and its drop-ins, each after a `# path` line). */
export const dockerUnitHosts: Fact<DockerUnitHosts, void> = {
  name: 'docker.unit-hosts',
  command: () => 'systemctl cat docker.service 2>/dev/null || true',
  paths: () => ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'],
  parse(out) {
    if (!/^# \//m.test(out.stdout)) return { loaded: false, hostFlags: [] };
    const words = (effectiveExecStart(out.stdout) ?? '').replace(/^[-@:+!]+/, '').split(/\s+/);
    const hostFlags: string[] = [];
    words.forEach((w, i) => {
      if (w === '-H' || w === '--host') hostFlags.push(`${w} ${words[i + 1] ?? ''}`.trim());
      else if (/^(-H|--host=)./.test(w)) hostFlags.push(w);
    });
    return { loaded: true, hostFlags };
  },
};
