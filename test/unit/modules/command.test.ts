import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCommand } from '../../../src/core/fact.ts';
import { buildCommand, commandModule, shellModule, splitArgv, type CommandArgs, type CommandState } from '../../../src/modules/command.ts';
import { planContext } from '../../fixtures/facts/command/plan-context.ts';

const ctx = planContext();
const dir = mkdtempSync(join(tmpdir(), "rig cmd 'x' "));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run a planned command for real with sh, as the runner would. */
function sh(command: string, stdin?: string) {
  const r = spawnSync('sh', ['-c', command], { encoding: 'utf8', input: stdin ?? '' });
  return { stdout: r.stdout, stderr: r.stderr, rc: r.status };
}
const planned = (m: typeof commandModule, a: CommandArgs, s: CommandState = {}) => m.plan(a, s, ctx);

describe('splitArgv', () => {
  it('splits like a shell without expanding anything', () => {
    expect(splitArgv(`echo  "a b" 'c $HOME' d\\ e "x\\"y" $PATH`)).toEqual(['echo', 'a b', 'c $HOME', 'd e', 'x"y', '$PATH']);
    expect(splitArgv(`printf '' x`)).toEqual(['printf', '', 'x']);
  });
  it('an unterminated quote is an error', () => expect(() => splitArgv(`echo "oops`)).toThrow(/unterminated " quote/));
});

describe('command/shell validate', () => {
  it('empty cmd, bad env names, unterminated quotes', () => {
    expect(commandModule.validate!({ cmd: '' })).toEqual(['command: cmd is empty']);
    expect(commandModule.validate!({ cmd: [] })).toEqual(['command: cmd must be a non-empty string or argv array']);
    expect(commandModule.validate!({ cmd: 'echo "x' })).toEqual(['command: unterminated " quote in command: echo "x']);
    expect(shellModule.validate!({ cmd: 'echo "x' })).toEqual([]);
    expect(shellModule.validate!({ cmd: 'env', env: { 'A-B': '1' } })).toEqual(['shell: env name "A-B" is not a shell identifier']);
    expect(commandModule.validate!({ cmd: ['ls'], chdir: '/tmp', creates: '/x' })).toEqual([]);
  });
});

describe('probe', () => {
  it('reads only the paths given; relative ones are under chdir', () => {
    expect(commandModule.probe({ cmd: 'true' }, ctx)).toEqual({});
    const r = commandModule.probe({ cmd: 'true', chdir: '/srv/app/', creates: 'done.flag', removes: '/tmp/x' }, ctx);
    expect(r.creates?.arg).toBe('/srv/app/done.flag');
    expect(r.removes?.arg).toBe('/tmp/x');
    expect(readCommand(r.creates!)).toBe('if test -e /srv/app/done.flag; then echo yes; else echo no; fi');
  });
});

describe('plan', () => {
  it('creates exists → nothing to do, registered rc 0', () => {
    const p = planned(commandModule, { cmd: ['make'], creates: '/srv/built' }, { creates: true });
    expect(p).toEqual({ changes: [], msg: 'skipped, /srv/built exists', output: { stdout: '', stderr: '', rc: 0 } });
  });
  it('removes missing → nothing to do', () => {
    expect(planned(commandModule, { cmd: 'rm -f /x', removes: '/x' }, { removes: false }).changes).toEqual([]);
  });
  it('otherwise one exec, with stdin passed on', () => {
    const p = planned(shellModule, { cmd: 'cat > /tmp/x', stdin: 'hello', creates: '/tmp/x' }, { creates: false });
    expect(p.changes).toEqual([{ kind: 'exec', command: 'cat > /tmp/x', description: 'cat > /tmp/x', stdin: 'hello' }]);
  });
  it('long or multi-line scripts get a short description', () => {
    const p = planned(shellModule, { cmd: 'set -e\napt-get update' });
    expect(p.changes[0]?.description).toBe('set -e...');
  });
});

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
