import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { buildCommand, commandModule, shellModule, splitArgv, type CommandArgs } from '../../../src/modules/command.ts';
import { planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();
const dir = mkdtempSync(join(tmpdir(), "rig cmd 'x' "));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run a planned command for real with sh, as the runner would. */
function sh(command: string, stdin?: string) {
  const r = spawnSync('sh', ['-c', command], { encoding: 'utf8', input: stdin ?? '' });
  return { stdout: r.stdout, stderr: r.stderr, rc: r.status };
}
const planned = (m: typeof commandModule, a: CommandArgs) => m.plan(a, {}, ctx);

describe('splitArgv', () => {
  it('splits like a shell without expanding anything', () => {
    expect(splitArgv(`echo  "a b" 'c $HOME' d\\ e "x\\"y" $PATH`)).toEqual(['echo', 'a b', 'c $HOME', 'd e', 'x"y', '$PATH']);
    expect(splitArgv(`printf '' x`)).toEqual(['printf', '', 'x']);
  });
  it('an unterminated quote is an error', () => expect(() => splitArgv(`echo "oops`)).toThrow(/unterminated " quote/));
});

describe('command/shell args', () => {
  it('valid args: argv array or string, absolute chdir, creates/removes absolute or under chdir, env', () => {
    for (const m of [commandModule, shellModule]) {
      expect(argProblems(m, { cmd: ['ls', '-l'], chdir: '/tmp', creates: '/x', removes: '/y', stdin: 'in', env: { LANG: 'C', _X1: '' } })).toEqual([]);
      expect(argProblems(m, { cmd: 'make install', chdir: '/srv/app', creates: 'build/done' })).toEqual([]);
      expect(argProblems(m, { cmd: [''] })).toEqual([]);
    }
    // a shell script is not split into words: an open quote is the shell's business
    expect(argProblems(shellModule, { cmd: 'echo "x' })).toEqual([]);
  });
  it.each([
    [commandModule, { cmd: 42 }, 'cmd: expected a command line string or an argv array of strings, got 42'],
    [shellModule, { cmd: { run: 'ls' } }, 'cmd: expected a shell script string or an argv array of strings, got {"run":"ls"}'],
    [commandModule, {}, 'cmd: expected a command line string or an argv array of strings, got undefined'],
    [commandModule, { cmd: '' }, 'cmd: is empty: give the command to run'],
    [shellModule, { cmd: '  \n' }, 'cmd: is empty: give the command to run'],
    [commandModule, { cmd: [] }, 'cmd: is an empty argv array: give the program and its arguments'],
    [commandModule, { cmd: ['sleep', 5] }, "cmd: argv word 2 is 5, not a string: write '5' (quoted)"],
    [shellModule, { cmd: ['echo', null] }, 'cmd: argv word 2 is null, not a string'],
    [commandModule, { cmd: 'echo "x' }, 'cmd: unterminated " quote in command: echo "x (close the quote, or give an argv array)'],
    [commandModule, { cmd: ['true'], chdir: 'srv' }, 'chdir: must be an absolute path, got "srv"'],
    [commandModule, { cmd: ['true'], chdir: '' }, 'chdir: must be an absolute path, got ""'],
    [commandModule, { cmd: ['true'], creates: 5 }, 'creates: expected a path as a string, got 5'],
    [shellModule, { cmd: 'true', removes: '' }, 'removes: must be a non-empty path without NUL bytes (absolute, or relative to chdir)'],
    [commandModule, { cmd: ['true'], stdin: Buffer.from('x') }, 'stdin: Invalid input: expected string'],
    [shellModule, { cmd: 'env', env: { 'A-B': '1' } }, 'env.A-B: "A-B" is not a shell identifier (letters, digits, _; not starting with a digit)'],
    [shellModule, { cmd: 'env', env: { '1X': '1' } }, 'env.1X: "1X" is not a shell identifier'],
    [commandModule, { cmd: ['env'], env: { PORT: 8080 } }, "env.PORT: env values are strings: write '8080' (quoted)"],
    [commandModule, { cmd: ['env'], env: { DEBUG: true } }, "env.DEBUG: env values are strings: write 'true' (quoted)"],
    [commandModule, { cmd: ['env'], env: { X: { a: 1 } } }, 'env.X: expected a string, got {"a":1}'],
    [commandModule, { cmd: ['env'], env: 'A=1' }, 'env: expected a mapping of variable names to strings, got "A=1"'],
    [shellModule, { cmd: 'true', cwd: '/tmp' }, "unknown key 'cwd'"],
    [shellModule, { cmd: 'true', chdr: '/tmp' }, "unknown key 'chdr' (did you mean 'chdir'?)"],
    [commandModule, { cmd: ['true'], environment: {} }, "unknown key 'environment'; known keys: cmd, chdir, creates, removes, stdin, env"],
    // across fields: a relative creates/removes is relative to chdir, so it needs one
    [commandModule, { cmd: ['true'], creates: 'done.flag' }, 'creates "done.flag" is relative: make it absolute, or give chdir (the directory it is relative to)'],
    [shellModule, { cmd: 'true', removes: 'old' }, 'removes "old" is relative: make it absolute, or give chdir'],
  ])('%#: %s %j → %s', (m, args, message) => {
    const problems = argProblems(m, args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});

// probe and plan cases (args + test -e output → exec, msg, registered output) are data: test/cases/modules/command, shell

describe('built commands, run for real with sh', () => {
  it('command: argv words stay words, nothing expands', () => {
    const out = sh(buildCommand('command', { cmd: ['printf', '%s|', 'a b', "it's", '$HOME', '`id`'] }));
    expect(out.stdout).toBe("a b|it's|$HOME|`id`|");
    expect(sh(buildCommand('command', { cmd: `printf '%s|' "a b" $HOME` })).stdout).toBe('a b|$HOME|');
  });
  it('shell: pipes and variables work; env values are quoted; chdir applies', () => {
    const out = sh(buildCommand('shell', { cmd: 'echo "$GREETING" | tr a-z A-Z; pwd', chdir: dir, env: { GREETING: "hi 'there' $x" } }));
    expect(out).toEqual({ stdout: `HI 'THERE' $X\n${dir}\n`, stderr: '', rc: 0 });
  });
  it('shell: a failing chdir stops the script; exit codes come through the subshell', () => {
    expect(sh(buildCommand('shell', { cmd: 'echo ran; exit 0', chdir: join(dir, 'missing') })).stdout).toBe('');
    expect(sh(buildCommand('shell', { cmd: 'echo a; exit 3', env: { A: '1' } })).rc).toBe(3);
    expect(sh(buildCommand('shell', { cmd: 'true # trailing comment', chdir: dir })).rc).toBe(0);
  });
  it('command with env and chdir', () => {
    expect(sh(buildCommand('command', { cmd: ['sh', '-c', 'echo "$X:$(pwd)"'], env: { X: 'v w' }, chdir: dir })).stdout).toBe(`v w:${dir}\n`);
  });
  it('stdin reaches the command', () => {
    const p = planned(commandModule, { cmd: ['tr', 'a-z', 'A-Z'], stdin: 'abc' });
    const c = p.changes[0];
    expect(c?.kind === 'exec' ? sh(c.command, String(c.stdin)).stdout : undefined).toBe('ABC');
  });
});
