/** Many reads in one exec: each command runs in a subshell, its stdout, exit code and stderr framed by a nonce. */
import { randomBytes } from 'node:crypto';
import type { ExecOutput } from '../core/index.ts';

/** A batch script and the parser of its output. */
export interface Batch {
  readonly script: string;
  parse(stdout: string): ExecOutput[];
}

/** Build one sh script that runs `commands` in order and frames each one's output. `stdinFor` keeps the exec's stdin for that command. */
export function buildBatch(commands: readonly string[], opts: { stdinFor?: number } = {}): Batch {
  const nonce = randomBytes(6).toString('hex');
  const mark = (i: number, what: string) => `@@rig-${nonce}:${i}:${what}@@`;
  const lines = ['__rig_e=$(mktemp 2>/dev/null || echo /tmp/.rig-e-$$)'];
  commands.forEach((cmd, i) => {
    // A subshell keeps one read's `exit` or `cd` from touching the others; stdin is closed so nothing blocks.
    lines.push(
      `printf '%s\\n' '${mark(i, 'out')}'`,
      `( ${cmd}\n) ${i === opts.stdinFor ? '' : '</dev/null '}2>"$__rig_e"`,
      `printf '\\n${mark(i, 'rc')}%d\\n' "$?"`,
      // most reads write nothing to stderr: `cat` (one process per read on every host) only when there is something
      `if [ -s "$__rig_e" ]; then cat "$__rig_e"; fi`,
      `printf '\\n%s\\n' '${mark(i, 'end')}'`,
    );
  });
  lines.push('rm -f "$__rig_e"');
  return {
    script: lines.join('\n'),
    parse(stdout: string): ExecOutput[] {
      return commands.map((_, i) => {
        const outStart = stdout.indexOf(`${mark(i, 'out')}\n`);
        const rcAt = stdout.indexOf(`\n${mark(i, 'rc')}`, outStart);
        const endAt = stdout.indexOf(`\n${mark(i, 'end')}`, rcAt);
        if (outStart < 0 || rcAt < 0 || endAt < 0) {
          return { stdout: '', stderr: 'rig: batched read did not complete (connection dropped or shell died)', code: 255 };
        }
        const out = stdout.slice(outStart + mark(i, 'out').length + 1, rcAt);
        const afterRc = stdout.slice(rcAt + 1 + mark(i, 'rc').length, endAt);
        const nl = afterRc.indexOf('\n');
        const code = Number.parseInt(afterRc.slice(0, nl < 0 ? undefined : nl), 10);
        const stderr = nl < 0 ? '' : afterRc.slice(nl + 1);
        return { stdout: out, stderr, code: Number.isNaN(code) ? 255 : code };
      });
    },
  };
}
