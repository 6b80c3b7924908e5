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
