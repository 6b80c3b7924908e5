/** A bounded wait on the host: poll a TCP port, a path or a command until it is in the wanted state or time runs out. */
import type { Fact } from '../core/fact.ts';
import { raw, sh, type ShellFragment } from '../core/quote.ts';

/** What to wait for. */
export type WaitTarget =
  | { readonly kind: 'port'; readonly host: string; readonly port: number }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'command'; readonly command: string };

/** Argument of the wait fact. */
export interface WaitArg {
  readonly target: WaitTarget;
  /** true: wait until the port accepts / the path exists / the command exits 0; false: until it does not. */
  readonly present: boolean;
  /** Give up after this many seconds; 0 checks exactly once. */
  readonly timeoutSec: number;
  /** Seconds between checks. */
  readonly sleepSec: number;
}

/** Outcome of the wait, measured with the host's clock. */
export interface WaitResult {
  readonly ok: boolean;
  readonly elapsedSec: number;
  /** How a port was checked: `nc` (nc -z) or `bash` (/dev/tcp); undefined for paths and commands. */
  readonly method?: 'nc' | 'bash';
  /** Last output of the command (command waits), or why the wait could not run. */
  readonly detail?: string;
  /** The wait could not run at all (no nc and no bash for a port). */
  readonly error?: boolean;
}

// Ports: `nc -z` is the least surprising probe where it exists (OpenBSD, traditional, busybox, ncat all take -z -w);
// otherwise bash's /dev/tcp under `timeout` so a filtered port cannot hang a check past its 2 s budget.
function portCheck(host: string, port: number): ShellFragment {
  return sh`if [ "$m" = nc ]; then nc -z -w 2 ${host} ${port} >/dev/null 2>&1; else $t bash -c ${'exec 3<>"/dev/tcp/$1/$2"'} rig ${host} ${port} >/dev/null 2>&1; fi`;
}

function check(target: WaitTarget): ShellFragment {
  switch (target.kind) {
    case 'port':
      return portCheck(target.host, target.port);
    case 'path':
      return sh`test -e ${target.path}`;
    case 'command':
      return sh`o=$(sh -c ${target.command} 2>&1)`;
  }
}

const PORT_SETUP = raw(
  'if command -v nc >/dev/null 2>&1; then m=nc; elif command -v bash >/dev/null 2>&1; then m=bash; else m=none; fi; ' +
    't=; if command -v timeout >/dev/null 2>&1; then t="timeout 2"; fi; ' +
    'if [ "$m" = none ]; then echo "rig-wait error 0 none"; echo "neither nc nor bash is installed to check a TCP port"; exit 0; fi; ',
);

/** The POSIX sh loop that performs the wait; runs in a subshell, always exits 0 and prints a status line first. */
export function waitCommand(arg: WaitArg): string {
  const setup = arg.target.kind === 'port' ? PORT_SETUP : raw('m=-; ');
  const test = arg.present ? sh`${check(arg.target)}` : sh`! { ${check(arg.target)}; }`;
  const detail = arg.target.kind === 'command' ? raw('; printf "%s\\n" "$o"') : raw('');
  const elapsed = raw('e=$(( $(date +%s) - s ))');
  return sh`(${setup}o=; s=$(date +%s); while :; do if ${test}; then ${elapsed}; echo "rig-wait ok $e $m"${detail}; break; fi; ${elapsed}; if [ "$e" -ge ${arg.timeoutSec} ]; then echo "rig-wait timeout $e $m"${detail}; break; fi; sleep ${arg.sleepSec}; done)`
    .text;
}

/** What a wait is for, as a person reads it: `port 127.0.0.1:8301 open`, `/run/x present`, `command \`…\` succeeding`. */
export function waitTargetText(arg: WaitArg): string {
  const t = arg.target;
  if (t.kind === 'port') return `port ${t.host}:${t.port} ${arg.present ? 'open' : 'closed'}`;
  if (t.kind === 'path') return `${t.path} ${arg.present ? 'present' : 'absent'}`;
  return `command \`${t.command}\` ${arg.present ? 'succeeding' : 'failing'}`;
}

/** A wait as a read: declare it volatile so it is never prefetched or cached. */
export const waitFor: Fact<WaitResult, WaitArg> = {
  name: 'wait.for',
  command: waitCommand,
  waits: (arg) => (arg.timeoutSec > 0 ? { what: waitTargetText(arg), limitSec: arg.timeoutSec } : undefined),
  parse(out) {
    const [status = '', ...rest] = out.stdout.split('\n');
    const m = /^rig-wait (ok|timeout|error) (\d+) (\S+)$/.exec(status.trim());
    if (!m) throw new Error(`wait: unexpected output ${JSON.stringify(out.stdout)} (exit ${out.code}) ${out.stderr.trim()}`);
    const method = m[3] === 'nc' || m[3] === 'bash' ? m[3] : undefined;
    const detail = rest.join('\n').trim();
    return {
      ok: m[1] === 'ok',
      elapsedSec: Number(m[2]),
      ...(method ? { method } : {}),
      ...(detail ? { detail } : {}),
      ...(m[1] === 'error' ? { error: true } : {}),
    };
  },
};
