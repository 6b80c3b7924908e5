/** The lab's command runner (test/lab/exec.ts over test/support/local-process.ts, zx): what the lab relies on, on real
 *  local processes — no VM is started. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabError } from '../../lab/errors.ts';
import { killChildren, must, run } from '../../lab/exec.ts';
import { tempDir } from '../../support/temp-dir.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('run: exit codes and output as values', () => {
  it('captures stdout, stderr and the exit code without throwing', async () => {
    expect(await run('sh', ['-c', 'printf out; printf err >&2; exit 3'])).toEqual({ code: 3, stdout: 'out', stderr: 'err' });
  });

  it('passes every argument as one word, never interpreted by a shell', async () => {
    const words = ['a b', "it's", '$HOME', '`id`', '$(id)', '', 'new\nline', 'tab\there', '*', 'é', '-n', '\\x', ';exit 9'];
    const r = await run('printf', ['%s|', ...words]);
    expect(r).toEqual({ code: 0, stdout: words.map((w) => `${w}|`).join(''), stderr: '' });
  });

  it('writes input to stdin; without input stdin is empty (never the terminal)', async () => {
    expect((await run('cat', [], { input: 'hello\n' })).stdout).toBe('hello\n');
    expect(await run('cat', [])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('runs in cwd with exactly the given environment', async () => {
    const dir = tempDir('rig-lab-exec-');
    const r = await run('sh', ['-c', 'pwd; echo "${ONLY-unset} ${HOME-unset}"'], { cwd: dir, env: { PATH: '/usr/bin:/bin', ONLY: 'yes' } });
    expect(r.stdout).toBe(`${dir}\nyes unset\n`);
  });

  it('a command that does not exist is a non-zero code, not an exception', async () => {
    const r = await run('rig-no-such-command', ['x']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('rig-no-such-command');
  });
});

describe('run: timeouts, logs and cleanup', () => {
  it('a timeout kills the command and its children: exit 124', async () => {
    const dir = tempDir('rig-lab-exec-');
    const pidFile = path.join(dir, 'child');
    const t0 = Date.now();
    // 3 s: time for sh to start and write the pid even on a loaded machine (0.5 s failed under the full unit tier)
    const r = await run('sh', ['-c', `sleep 30 & echo $! > ${pidFile}; wait`], { timeoutMs: 3000 });
    expect(r.code).toBe(124);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const child = Number(readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 50 && alive(child); i++) await new Promise((res) => setTimeout(res, 100));
    expect(alive(child)).toBe(false);
  }, 20_000);

  it('a command that ends in time keeps its own code', async () => {
    expect((await run('sh', ['-c', 'exit 7'], { timeoutMs: 5000 })).code).toBe(7);
  });

  it('logFile gets stdout and stderr appended, and they are still captured', async () => {
    const log = path.join(tempDir('rig-lab-exec-'), 'cmd.log');
    writeFileSync(log, 'before\n');
    const r = await run('sh', ['-c', 'echo one; echo two >&2'], { logFile: log });
    expect(r.stdout).toBe('one\n');
    expect(r.stderr).toBe('two\n');
    await new Promise((res) => setTimeout(res, 50));
    const text = readFileSync(log, 'utf8');
    expect(text.startsWith('before\n')).toBe(true);
    expect(text).toContain('one\n');
    expect(text).toContain('two\n');
  });

  it('killChildren ends every command still running', async () => {
    const dir = tempDir('rig-lab-exec-');
    const started = path.join(dir, 'started');
    const pending = run('sh', ['-c', `touch ${started}; exec sleep 30`]);
    for (let i = 0; i < 100 && !existsSync(started); i++) await new Promise((res) => setTimeout(res, 50));
    killChildren();
    const r = await pending;
    expect(r.code).toBe(128 + 9);
  }, 20_000);
});

describe('must', () => {
  it('returns stdout on success', async () => expect(await must('echo', ['ok'])).toBe('ok\n'));
  it('throws a LabError naming the command, its code and the end of its stderr (and the log)', async () => {
    const err = await must('sh', ['-c', 'echo a >&2; echo b >&2; echo c >&2; echo d >&2; exit 2'], { logFile: path.join(tempDir('rig-lab-exec-'), 'l') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as Error).message).toMatch(/^sh -c echo a .* failed \(exit 2\): b \| c \| d \(log: .*\/l\)$/);
  });
});
