/** Jinja in ad-hoc `-a` is rendered per host (Ansible's templar on module args), then typed by the module's schema. */
import { describe, expect, it } from 'vitest';
import { adhocTask } from '../../../src/cli/adhoc-command.ts';
import type { TaskContext } from '../../../src/core/index.ts';
import { MISSING, renderValue } from '../../../src/templates/index.ts';

/** A host context whose render is the real Jinja renderer over `vars` and inventory_hostname(_short). */
const ctxOf = (host: string, vars: Record<string, unknown>) => {
  const magic: Record<string, unknown> = { inventory_hostname: host, inventory_hostname_short: host.split('.')[0] };
  const lookup = (n: string) => (n in vars ? vars[n] : n in magic ? magic[n] : MISSING);
  return { host: { name: host }, vars, render: (v: unknown) => renderValue(v, { lookup }) } as unknown as TaskContext<unknown>;
};

const task = (moduleName: string, args: string) => {
  const t = adhocTask({ moduleName, args }, '/work');
  if ('problems' in t) throw new Error(JSON.stringify(t.problems));
  return t.task;
};

describe('ad-hoc -a with Jinja', () => {
  it.each([
    ['copy', 'content={{ greeting }} dest=/tmp/{{ inventory_hostname }}.txt', { greeting: 'hi' }, { content: 'hi', dest: '/tmp/web1.example.txt' }],
    ['shell', 'echo {{ inventory_hostname_short }} > /tmp/x', {}, { cmd: 'echo web1 > /tmp/x' }],
    ['wait_for', 'port={{ base + 1 }} host=127.0.0.1 timeout=1', { base: 8079 }, { port: 8080, host: '127.0.0.1' }],
  ])('%s -a %j', (module, args, vars, expected) => {
    const t = task(module, args);
    expect(typeof t.args).toBe('function');
    expect((t.args as (c: TaskContext<unknown>) => unknown)(ctxOf('web1.example', vars))).toMatchObject(expected);
  });

  it('without templates the args stay static (checked before any host is contacted)', () => {
    expect(typeof task('copy', 'content=hi dest=/tmp/x').args).toBe('object');
  });

  it('an undefined name fails for the host, naming it', () => {
    expect(() => (task('copy', 'content={{ nope }} dest=/tmp/x').args as (c: TaskContext<unknown>) => unknown)(ctxOf('web1', {}))).toThrow(/'nope' is undefined/);
  });
});
