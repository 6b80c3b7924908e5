/** Compile-time guarantees of the DSL: misspelled args, wrong option types and unknown handlers do not compile. */
import { expectTypeOf, test } from 'vitest';
import { command, copy, defineHandler, defineRole, file, systemd, type Task, type TaskResult } from '../../src/index.ts';
import type { CommandOutput } from '../../src/core/index.ts';

test('module args are checked', () => {
  file({ path: '/x', state: 'directory' });
  // @ts-expect-error misspelled arg
  file({ pth: '/x' });
  // @ts-expect-error wrong enum value
  file({ path: '/x', state: 'dir' });
  // @ts-expect-error unknown systemd state
  systemd({ name: 'docker', state: 'start' });
  copy((ctx) => ({ dest: `/etc/${ctx.host.name}`, content: 'x' }));
  // @ts-expect-error a function must return the module's args
  copy(() => ({ destination: '/x' }));
});

test('task options are kept apart and typed', () => {
  const h = defineHandler('restart', systemd({ name: 'docker', state: 'restarted' }));
  copy({ dest: '/x', content: '' }, { notify: [h], tags: ['a'], checkMode: 'skip', serial: 1 });
  // @ts-expect-error notify takes handler objects, not names
  copy({ dest: '/x', content: '' }, { notify: ['restart'] });
  // @ts-expect-error checkMode is 'skip' | 'always'
  copy({ dest: '/x', content: '' }, { checkMode: 'never' });
  // @ts-expect-error module args do not go in options
  copy({ dest: '/x', content: '' }, { mode: '0644' });
});

test('registered results carry the module output type', () => {
  const t = command({ cmd: ['uname', '-r'] });
  expectTypeOf(t).toEqualTypeOf<Task<CommandOutput>>();
  copy((ctx) => ({ dest: '/k', content: ctx.result(t).output?.stdout ?? '' }));
  expectTypeOf<TaskResult<CommandOutput>['output']>().toEqualTypeOf<CommandOutput | undefined>();
});

test('role defaults type the role vars', () => {
  defineRole({
    name: 'r',
    defaults: { port: 8080, name: 'web' },
    tasks: ({ vars }) => [
      copy((ctx) => ({ dest: '/p', content: String(vars(ctx).port + 1) })),
      // @ts-expect-error port is a number
      copy((ctx) => ({ dest: '/p', content: vars(ctx).port.toUpperCase() })),
      // @ts-expect-error a misspelled role variable does not compile
      copy((ctx) => ({ dest: `/srv/${String(vars(ctx).prot)}`, content: '' })),
    ],
  });
});
