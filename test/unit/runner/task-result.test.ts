/** A noLog task's result as every reporter and later task sees it: statuses, counts, rc and typed output, no text. */
import { describe, expect, it } from 'vitest';
import { finishResult, type ResultOwner } from '../../../src/runner/task-result.ts';
import type { HostRuntime } from '../../../src/runner/host-runtime.ts';

const owner = (noLog: boolean) => ({ task: { id: 't', name: 'secretive', options: { noLog, name: 'secretive' }, definedAt: 'pb.ts:3' } }) as unknown as ResultOwner;
const rt = { host: { name: 'web1' } } as unknown as HostRuntime;
const item = (v: string) => ({ status: 'changed' as const, host: 'web1', task: 't', definedAt: 'pb.ts:3', durationMs: 0, execs: 0, item: v, label: v, stdout: v, stdout_lines: [v], changes: [`echo ${v}`], commands: [`echo ${v}`], rc: 0, output: { n: 1 } });
const partial = {
  status: 'changed' as const,
  msg: 'wrote pw-1',
  stdout: 'pw-1',
  stderr: 'pw-2',
  stdout_lines: ['pw-1'],
  stderr_lines: ['pw-2'],
  changes: ['echo pw-1', 'write /etc/pw'],
  commands: ['echo pw-1'],
  diff: [{ path: '/etc/pw', before: '', after: 'pw-3' }],
  show: { msg: 'pw-4' },
  rc: 0,
  output: { key: 'typed' },
  items: [item('pw-5'), item('pw-6')],
};

describe('finishResult with noLog', () => {
  it('keeps status, counts, rc and typed output; no text that may hold a secret, in the task or its items', () => {
    const r = finishResult(owner(true), rt, partial, { durationMs: 5, execs: 1 });
    expect(JSON.stringify(r)).not.toMatch(/pw-/);
    expect(r).toMatchObject({ status: 'changed', msg: '(output hidden: noLog)', rc: 0, output: { key: 'typed' }, execs: 1, host: 'web1' });
    expect(r.changes).toEqual(['(hidden: noLog)', '(hidden: noLog)']);
    expect(r.items?.map((i) => [i.status, i.label, i.item, i.output])).toEqual([
      ['changed', '(hidden: noLog)', undefined, { n: 1 }],
      ['changed', '(hidden: noLog)', undefined, { n: 1 }],
    ]);
  });
  it('without noLog, everything stays', () => {
    const r = finishResult(owner(false), rt, partial, { durationMs: 5, execs: 1 });
    expect(r).toMatchObject({ stdout: 'pw-1', changes: partial.changes, items: partial.items });
  });
});
