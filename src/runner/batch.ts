/** Many reads in one exec: each command runs in a subshell, its stdout, exit code and stderr framed by a nonce. */
import { randomBytes } from 'node:crypto';
import type { ExecOutput } from '../core/index.ts';

/** A batch script and the parser of its output. */
export interface Batch {
  readonly script: string;
  /** One output per command, from the exec's stdout (stdout, exit code) and stderr (each command's stderr). */
  parse(out: Pick<ExecOutput, 'stdout' | 'stderr'>): ExecOutput[];
  /** Whether the script started (its first frame is there): false when sudo or the shell refused to run it. */
  started(out: Pick<ExecOutput, 'stdout'>): boolean;
}

/**
 * Build one sh script that runs `commands` in order and frames each one's output. `stdinFor` keeps the exec's stdin for
 * that command. The first `changes` commands are changes (a segment's tasks): they share the exec's stdin in order, and
 * the first one that fails ends the script, so later commands do not run and have no frame.
 */
export function buildBatch(commands: readonly string[], opts: { stdinFor?: number; changes?: number } = {}): Batch {
  const nonce = randomBytes(6).toString('hex');
  const mark = (i: number, what: string) => `@@rig-${nonce}:${i}:${what}@@`;
  // stderr is framed on the exec's own stderr stream (each SSH stream keeps its order): no temp file, so no mktemp, cat
  // or rm processes on the host for every exec
  const lines: string[] = [];
  const changes = opts.changes ?? 0;
  commands.forEach((cmd, i) => {
    const change = i < changes;
    // A subshell keeps one command's `exit` or `cd` from touching the others; a read's stdin is closed so nothing blocks.
    lines.push(
      `printf '%s\\n' '${mark(i, 'out')}'; printf '%s\\n' '${mark(i, 'err')}' >&2`,
      `( ${cmd}\n) ${change || i === opts.stdinFor ? '' : '</dev/null'}; rig_rc=$?`,
      `printf '\\n${mark(i, 'rc')}%d\\n' "$rig_rc"; printf '\\n%s\\n' '${mark(i, 'eend')}' >&2`,
      `printf '\\n%s\\n' '${mark(i, 'end')}'`,
      ...(change ? [`[ "$rig_rc" -eq 0 ] || exit "$rig_rc"`] : []),
    );
  });
  return {
    script: lines.join('\n'),
    started: (out) => commands.length === 0 || out.stdout.includes(`${mark(0, 'out')}\n`),
    parse(out): ExecOutput[] {
      const { stdout, stderr: err } = out;
      // frames come in command order: each search starts where the last frame ended (from the start, each of ~80
      // reads scanned the whole output again: quadratic, milliseconds per host)
      let outFrom = 0;
      let errFrom = 0;
      return commands.map((_, i) => {
        const outStart = stdout.indexOf(`${mark(i, 'out')}\n`, outFrom);
        const rcAt = outStart < 0 ? -1 : stdout.indexOf(`\n${mark(i, 'rc')}`, outStart);
        const endAt = rcAt < 0 ? -1 : stdout.indexOf(`\n${mark(i, 'end')}`, rcAt);
        if (outStart < 0 || rcAt < 0 || endAt < 0) {
          return { stdout: '', stderr: 'rig: batched read did not complete (connection dropped or shell died)', code: 255 };
        }
        outFrom = endAt;
        const code = Number.parseInt(stdout.slice(rcAt + 1 + mark(i, 'rc').length, endAt), 10);
        const errStart = err.indexOf(`${mark(i, 'err')}\n`, errFrom);
        const errEnd = errStart < 0 ? -1 : err.indexOf(`\n${mark(i, 'eend')}`, errStart);
        if (errEnd >= 0) errFrom = errEnd;
        return {
          stdout: stdout.slice(outStart + mark(i, 'out').length + 1, rcAt),
          // stdout completed, so the command ran; stderr frames missing (output dropped by the transport) mean none shown
          stderr: errEnd < 0 ? '' : err.slice(errStart + mark(i, 'err').length + 1, errEnd),
          code: Number.isNaN(code) ? 255 : code,
        };
      });
    },
  };
}
