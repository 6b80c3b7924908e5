/** Ad-hoc output (Ansible's minimal callback) and debug results in the plain and live reporters. */
import { describe, expect, it } from 'vitest';
import type { TaskInfo, TaskResult } from '../../../src/core/index.ts';
import { secret } from '../../../src/core/secret.ts';
import { AdhocReporter, adhocLines } from '../../../src/reporters/adhoc.ts';
import { ListrReporter, PlainReporter } from '../../../src/reporters/index.ts';
import { StringStream } from './fixture-run.ts';

const TOKEN = secret('adhoc-unit-s3cret');
const r = (o: Partial<TaskResult>): TaskResult => ({ status: 'ok', host: 'web1', task: 't', definedAt: '-a', durationMs: 1, execs: 1, ...o });
const cmd = { diff: false, verbosity: 0, commandOutput: true };
const json = { diff: false, verbosity: 0, commandOutput: false };

describe('adhocLines: Ansible ad-hoc forms', () => {
  it.each([
    ['a command that ran', r({ status: 'changed', rc: 0, stdout: 'web1\n' }), cmd, ['web1 | CHANGED | rc=0 >>', 'web1']],
    ['stdout then stderr', r({ status: 'changed', rc: 0, stdout: 'a\nb\n', stderr: 'warn\n' }), cmd, ['web1 | CHANGED | rc=0 >>', 'a', 'b', 'warn']],
    ['a failed command', r({ status: 'failed', rc: 3, stdout: 'out\n', stderr: 'err\n', msg: 'err' }), cmd, ['web1 | FAILED | rc=3 >>', 'out', 'err']],
    ['a failed command with a message of its own', r({ status: 'failed', rc: 1, msg: 'non-zero return code' }), cmd, ['web1 | FAILED | rc=1 >>', 'non-zero return code']],
    ['a command skipped by creates', r({ status: 'ok', msg: 'skipped, /x exists' }), cmd, ['web1 | SUCCESS | rc=0 >>', 'skipped, /x exists']],
    ['a predicted command (check mode)', r({ status: 'changed', predicted: true, changes: ['uname -n'] }), cmd, ['web1 | CHANGED => {', '    "changed": true,', '    "predicted": true,', '    "changes": [', '        "uname -n"', '    ]', '}']],
    ['a module that changed nothing', r({ status: 'ok' }), json, ['web1 | SUCCESS => {', '    "changed": false', '}']],
    ['a module that changed', r({ status: 'changed', changes: ['write /srv/f'] }), json, ['web1 | CHANGED => {', '    "changed": true,', '    "changes": [', '        "write /srv/f"', '    ]', '}']],
    ['a failed module', r({ status: 'failed', msg: 'no such user' }), json, ['web1 | FAILED! => {', '    "changed": false,', '    "msg": "no such user"', '}']],
    ['an unreachable host', r({ status: 'unreachable', msg: 'connection refused' }), cmd, ['web1 | UNREACHABLE! => {', '    "changed": false,', '    "msg": "connection refused",', '    "unreachable": true', '}']],
    ['a skipped host', r({ status: 'skipped', msg: 'Verbosity threshold not met.' }), json, ['web1 | SKIPPED']],
    ['debug', r({ status: 'ok', show: { msg: 'hello' }, msg: 'hello' }), json, ['web1 | SUCCESS => {', '    "msg": "hello"', '}']],
    ['debug of a list', r({ status: 'ok', show: { x: [1, 2] } }), json, ['web1 | SUCCESS => {', '    "x": [', '        1,', '        2', '    ]', '}']],
  ] as const)('%s', (_what, result, opts, lines) => {
    expect(adhocLines(result, opts)).toEqual(lines);
  });

  it('a module shape gives the JSON of a success (ping, setup)', () => {
    const shape = () => ({ changed: false, ping: 'pong' });
    expect(adhocLines(r({ status: 'ok' }), { ...json, shape })).toEqual(['web1 | SUCCESS => {', '    "changed": false,', '    "ping": "pong"', '}']);
    // a failure is still rig's message
    expect(adhocLines(r({ status: 'failed', msg: 'sudo: a password is required' }), { ...json, shape })[1]).toBe('    "changed": false,');
  });

  it('-D prints the diff before the host line; -v the commands', () => {
    const lines = adhocLines(r({ status: 'changed', diff: [{ path: '/f', before: 'a\n', after: 'b\n' }], commands: ['printf b > /f'] }), { ...json, diff: true, verbosity: 2 });
    expect(lines.slice(0, 2)).toEqual(['--- before: /f', '+++ after: /f']);
    expect(lines).toContain('<web1> $ printf b > /f');
    expect(lines.indexOf('web1 | CHANGED => {')).toBeGreaterThan(lines.indexOf('<web1> $ printf b > /f'));
  });
});

describe('AdhocReporter', () => {
  it('one block per host, unreachable once, secrets redacted, no recap (it has no onRunEnd)', () => {
    expect('onRunEnd' in AdhocReporter.prototype).toBe(false);
    const out = new StringStream();
    const rep = new AdhocReporter({ out, color: false, ...json });
    const info: TaskInfo = { id: 't', name: 'debug', module: 'debug', definedAt: '-a', handler: false };
    rep.onTaskEnd(info, r({ show: { token: TOKEN } }));
    rep.onHostUnreachable('db1', 'refused');
    rep.onTaskEnd(info, r({ host: 'db1', status: 'unreachable', msg: 'refused' }));
    rep.onHostFailed('web2', 'failed to gather facts: sudo: a password is required');
    expect(out.text.split('\n')).toEqual([
      'web1 | SUCCESS => {',
      '    "token": "********"',
      '}',
      'db1 | UNREACHABLE! => {',
      '    "changed": false,',
      '    "msg": "refused",',
      '    "unreachable": true',
      '}',
      'web2 | FAILED! => {',
      '    "changed": false,',
      '    "msg": "failed to gather facts: sudo: a password is required"',
      '}',
      '',
    ]);
  });
});

describe('debug results in rig run output', () => {
  const info: TaskInfo = { id: 'd', name: 'show port', module: 'debug', definedAt: 'pb.ts:3', handler: false };
  const shown = r({ show: { port: 8080, token: TOKEN }, msg: '{"port":8080}' });

  it('plain: ok: [host] => { … } at any verbosity, as ansible-playbook', () => {
    const out = new StringStream();
    const rep = new PlainReporter({ out, verbosity: 0, diff: false, color: false });
    rep.onTaskStart(info);
    rep.onTaskEnd(info, shown);
    expect(out.text.split('\n').slice(2)).toEqual(['ok: [web1] => {', '    "port": 8080,', '    "token": "********"', '}', '']);
  });

  it('live (listr, non-TTY): the row says ok, the JSON follows the collapsed task', async () => {
    const out = new StringStream();
    const rep = new ListrReporter({ out, verbosity: 0, diff: false, color: false });
    rep.onTaskStart(info, ['web1']);
    rep.onTaskEnd(info, shown);
    await rep.onRunEnd({ recap: {}, results: [], exitCode: 0, durationMs: 1, check: false });
    const lines = out.text.split('\n');
    expect(lines).toContain('✔ ok: [web1]');
    const at = lines.indexOf('ok: [web1] => {');
    expect(at).toBeGreaterThan(lines.indexOf('✔ ok: [web1]'));
    expect(lines.slice(at, at + 4)).toEqual(['ok: [web1] => {', '    "port": 8080,', '    "token": "********"', '}']);
    expect(out.text).not.toContain(TOKEN);
  });
});
