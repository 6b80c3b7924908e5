/** The bad-input corpus's penetration-test probes: play props, --limit, odd JS values in args, secrets, --json onto a
 *  FIFO, setFact-made paths, a bad template in a later play, same-named role variables, edge-case modes. */
import { execFileSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { H1, H2, hostFile, lab, play, type Case } from './corpus.ts';

/** A one-line playbook (so `{at}` is the line definePlay reports) with these play props; tasks default to one command. */
const onePlay = (props: string, head = ''): string =>
  `import { command, definePlaybook } from 'RIG';\n${head}\nexport default definePlaybook({ ${props}${props.includes('tasks:') ? '' : `, tasks: [command({ cmd: ['true'] })]`} }); // <-\n`;

/** A playbook running the role at roles/<name>/index.ts on all hosts (become). */
const rolePlaybook = (...names: string[]): string =>
  `import { definePlaybook } from 'RIG';\n${names.map((n) => `import ${n} from './roles/${n}/index.ts';\n`).join('')}\nexport default definePlaybook({ hosts: 'all', become: true, roles: [${names.join(', ')}] });\n`;

/** A role that writes its `listen` variable (default `listen`, a source literal) to /srv/rig-bad-SLUG/<name>. */
const listenRole = (name: string, listen: string): string => `import { copy, defineRole, directory } from 'RIG';

export default defineRole({
  name: '${name}',
  defaults: { listen: ${listen} },
  tasks: ({ vars }) => [
    directory({ path: '/srv/rig-bad-SLUG' }),
    copy((ctx) => ({ content: \`\${String(vars(ctx).listen)}\\n\`, dest: '/srv/rig-bad-SLUG/${name}' }), { name: 'listen file' }),
  ],
});
`;

/** The secret of the redaction probe: a quote and a newline, so its JSON and shell forms differ from it. */
const SECRET_SRC = `'tok"en\\n9'`;
/** Every form of tok"en<newline>9 that must not be shown: raw (also inside shell single quotes), JSON-escaped, JSON of JSON. */
const SECRET_FORMS = ['tok"en', 'en\n9', 'tok\\"en', 'en\\n9', 'tok\\\\\\"en', 'en\\\\n9'];

/** The probe cases (load, host and ok), in that order. */
export const probeCases: readonly Case[] = [
  // --- play props: refused where the play is declared, before any connection --------------------------------------
  { name: "probe: play hosts ''", kind: 'load', playbook: onePlay(`hosts: ''`), expect: ['hosts', '{at}'] },
  { name: "probe: play hosts ['a', 'b'] (a list)", kind: 'load', playbook: onePlay(`hosts: ['a', 'b'] as never`), expect: ['hosts', '{at}'] },
  { name: "probe: play become 'no' (a string)", kind: 'load', playbook: onePlay(`hosts: 'all', become: 'no' as never`), expect: ['become', '{at}'] },
  { name: 'probe: play serial NaN', kind: 'load', playbook: onePlay(`hosts: 'all', serial: Number.NaN`), expect: ['serial', '{at}'] },
  { name: "probe: play serial 'abc%'", kind: 'load', playbook: onePlay(`hosts: 'all', serial: 'abc%' as never`), expect: ['serial', '{at}'] },
  { name: 'probe: play serial [] (an empty list)', kind: 'load', playbook: onePlay(`hosts: 'all', serial: []`), expect: ['serial', '{at}'] },
  { name: "probe: play vars 'oops' (a string)", kind: 'load', playbook: onePlay(`hosts: 'all', vars: 'oops' as never`), expect: ['vars', '{at}'] },
  { name: 'probe: play tasks [undefined]', kind: 'load', playbook: onePlay(`hosts: 'all', tasks: [undefined as never]`), expect: ['tasks', '{at}'] },
  {
    name: 'probe: role when true (not a function)',
    kind: 'load',
    playbook: rolePlaybook('web'),
    files: { 'roles/web/index.ts': `import { command, defineRole } from 'RIG';\n\nexport default defineRole({ name: 'web', when: true as never, tasks: () => [command({ cmd: ['true'] })] }); // <-role\n` },
    expect: ['when', '{at:role}'],
  },

  // --- --limit: an empty or malformed limit is an error, never "no limit" ------------------------------------------
  { name: "probe: -l '' (empty)", kind: 'load', playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),`), args: ['-l', ''], expect: ['--limit ""', 'empty'] },
  { name: "probe: -l ',' (only a separator)", kind: 'load', playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),`), args: ['-l', ','], expect: ['--limit ","'] },
  { name: "probe: -l '[' (an unpaired bracket)", kind: 'load', playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),`), args: ['-l', '['], expect: ['--limit "["'] },

  // --- task options and args known at load --------------------------------------------------------------------------
  {
    name: "probe: static delegateTo 'nosuchhost', after a task that would change something",
    kind: 'load',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ncommand({ cmd: ['true'] }, { delegateTo: 'nosuchhost' }), // <-`),
    expect: ['delegateTo', 'nosuchhost', '{at}'],
  },
  { name: 'probe: file mode 644n (a BigInt)', kind: 'load', playbook: play(`file({ path: '/x', mode: 644n as never }), // <-`), expect: ['mode', 'BigInt', '{at}'] },
  { name: 'probe: file owner Symbol()', kind: 'load', playbook: play(`file({ path: '/x', owner: Symbol('root') as never }), // <-`), expect: ['owner', 'Symbol', '{at}'] },
  { name: 'probe: command argv word with a NUL byte', kind: 'load', playbook: play(`command({ cmd: ['echo', 'a\\0b'] }), // <-`), expect: ['cmd', 'NUL', '{at}'] },
  {
    name: 'probe: file args with a cycle',
    kind: 'load',
    playbook: play(`file(cyc as never), // <-`, `const cyc: Record<string, unknown> = { path: '/srv/rig-bad-SLUG', state: 'touch' };\ncyc.self = cyc;\n`),
    expect: ['cycle', '{at}'],
  },
  {
    name: 'probe: sysctl value 18446744073692774399 (a number, not exact)',
    kind: 'load',
    playbook: play(`sysctl({ name: 'kernel.shmall', value: 18446744073692774399, file: '/etc/sysctl.d/61-rig-bad.conf' }), // <-`),
    expect: ['value', '"18446744073692774399"', '{at}'],
  },
  {
    name: 'probe: a secret with a quote and a newline in a refused arg is never shown',
    kind: 'load',
    playbook: play(`file({ path: secret(${SECRET_SRC}), state: 'touch' }), // <-`).replace('} from', ', secret } from'),
    expect: ['path', '{at}'],
    // the output and the --json report (if any) in every form
    absent: SECRET_FORMS,
  },

  // --- --json onto a FIFO: refused before the run, the FIFO left as it is --------------------------------------------
  {
    name: 'probe: --json onto a FIFO',
    kind: 'load',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),`),
    setup: (c) => execFileSync('mkfifo', [path.join(c.dir, 'report.fifo')]),
    ownJson: true,
    args: ['--json', '{dir}/report.fifo'],
    expect: ['--json', 'report.fifo', ['FIFO', 'fifo', 'named pipe', 'not a regular file']],
    check(_run, c) {
      expect(lstatSync(path.join(c.dir, 'report.fifo')).isFIFO(), 'report.fifo is no longer a FIFO').toBe(true);
    },
  },

  // --- host-dependent: exit 5 before anything changed ---------------------------------------------------------------
  {
    name: "probe: setFact p 'relative', then file path from ctx.vars.p (when p is set)",
    kind: 'host',
    playbook: play(
      `directory({ path: '/srv/rig-bad-SLUG' }, { name: 'would change' }),\nsetFact({ vars: { p: 'relative' } }),\nfile((ctx) => ({ path: ctx.vars.p as string, state: 'touch' }), { when: (ctx) => ctx.vars.p !== undefined }), // <-`,
    ),
    expect: ['path', 'relative', '{at}', H1],
  },
  {
    name: 'probe: template with an undefined variable in the second play, after a play that would change something',
    kind: 'host',
    playbook: `import { definePlaybook, directory, template } from 'RIG';\n\nexport default definePlaybook(\n  { hosts: 'all', become: true, tasks: [directory({ path: '/srv/rig-bad-SLUG' })] },\n  { hosts: 'all', become: true, tasks: [template({ src: 'SLUG.hbs', dest: '/srv/rig-bad-SLUG/t' })] }, // <-\n);\n`,
    files: { 'templates/SLUG.hbs': 'listen = {{ undefined_thing_2nd_play }}\n' },
    expect: ['undefined_thing_2nd_play', 'SLUG.hbs', H1],
  },

  // --- positive controls ---------------------------------------------------------------------------------------------
  {
    name: 'ok: setFact p (an absolute path, .../d01), then file touch at ctx.vars.p',
    kind: 'ok',
    connects: true,
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\nsetFact({ vars: { p: '/srv/rig-bad-SLUG/d01' } }),\nfile((ctx) => ({ path: ctx.vars.p as string, state: 'touch' })),`),
    expect: [],
    async check(_run, c) {
      for (const h of [H1, H2]) expect((await lab.exec(h, `test -f /srv/rig-bad-${c.slug}/d01 && echo yes || echo no`)).stdout.trim(), h).toBe('yes');
    },
  },
  {
    name: "ok: two roles with defaults listen: 80 and listen: '0.0.0.0' both run",
    kind: 'ok',
    connects: true,
    playbook: rolePlaybook('a', 'b'),
    files: { 'roles/a/index.ts': listenRole('a', '80'), 'roles/b/index.ts': listenRole('b', `'0.0.0.0'`) },
    expect: [],
    async check(_run, c) {
      for (const h of [H1, H2]) {
        expect(await hostFile(lab, h, `/srv/rig-bad-${c.slug}/a`), h).toBe('80\n');
        expect(await hostFile(lab, h, `/srv/rig-bad-${c.slug}/b`), h).toBe('0.0.0.0\n');
      }
    },
  },
  {
    name: "ok: modes '0', '0600' and '01777' are accepted",
    kind: 'ok',
    connects: true,
    playbook: play(
      `directory({ path: '/srv/rig-bad-SLUG' }),\nfile({ path: '/srv/rig-bad-SLUG/m0', state: 'touch', mode: '0' }),\nfile({ path: '/srv/rig-bad-SLUG/m600', state: 'touch', mode: '0600' }),\nfile({ path: '/srv/rig-bad-SLUG/sticky', state: 'directory', mode: '01777' }),`,
    ),
    expect: [],
    async check(_run, c) {
      for (const h of [H1, H2]) {
        const d = `/srv/rig-bad-${c.slug}`;
        expect((await lab.exec(h, `stat -c '%n %a %F' ${d}/m0 ${d}/m600 ${d}/sticky`)).stdout.trim().split('\n'), h).toEqual([
          `${d}/m0 0 regular empty file`,
          `${d}/m600 600 regular empty file`,
          `${d}/sticky 1777 directory`,
        ]);
      }
    },
  },
];
