/** Command lines for exec and the messages for sudo's own failures; the quoting is checked by a real sh. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildCommand, sudoProblem } from '../../../src/connection/remote-command.ts';

describe('buildCommand', () => {
  const script = `printf '%s|' "$0" 'it'"'"'s' "a  b"; echo $((1+1))`;

  it('wraps a script in sh -c so that sh runs it verbatim', () => {
    const { command } = buildCommand(script, {});
    expect(execFileSync('sh', ['-c', command], { encoding: 'utf8' })).toBe("sh|it's|a  b|2\n");
  });

  it('uses sudo -n without a password and a marker handshake with one', () => {
    expect(buildCommand('id', { become: true }).command).toBe('sudo -H -n -u root -- sh -c id');
    expect(buildCommand('id', { become: true, becomeUser: 'post gres' }).command).toBe("sudo -H -n -u 'post gres' -- sh -c id");
    const c = buildCommand('id', { become: true, password: 'pw' });
    expect(c.command).toMatch(/^sudo -H -S -p '<rig-sudo-prompt-[0-9a-f]{16}>' -u root -- sh -c /);
    expect(c.command).not.toContain('pw');
    expect(c.command).toContain(c.startMarker);
  });

  it('explains sudo failures and leaves other failures alone', () => {
    expect(sudoProblem('sudo: a password is required\n', 1, false)).toBe('sudo requires a password: pass -K or set RIG_BECOME_PASSWORD');
    expect(sudoProblem('Sorry, try again.\nsudo: no password was provided\n', 1, true)).toMatch(/refused the become password/);
    expect(sudoProblem('grep: x: No such file\n', 2, false)).toBeUndefined();
    expect(sudoProblem('sudo: a password is required\n', 0, false)).toBeUndefined();
  });
});
