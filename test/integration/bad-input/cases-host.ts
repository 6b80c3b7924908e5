/** The bad-input corpus's host-dependent cases (args functions, setFact, loop/when functions, the cluster's preflight). */
import { CLUSTER, H1, H2, appPlaybook, cluster, play, type Case } from './corpus.ts';

/** The 'host' cases: host-dependent bad input exits 5, names key, task file:line and host, and changes nothing. */
export const hostCases: readonly Case[] = [
  // --- host-dependent input: exit 5 at preflight, nothing applied anywhere ----------------------------------------
  {
    name: 'copy((ctx) => …): misspelled mdoe',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }, { name: 'would change' }),\ncopy((ctx) => ({ content: ctx.host.name, dest: '/srv/rig-bad-SLUG/key', mdoe: '0600' })), // <-`),
    expect: ['mdoe', '{at}', H1, H2],
  },
  {
    name: 'copy((ctx) => …): mode 644 as a number',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ncopy((ctx) => ({ content: ctx.host.name, dest: '/srv/rig-bad-SLUG/key', mode: 644 })), // <-`),
    expect: ['mode', '644', '{at}', H1],
  },
  {
    name: 'user((ctx) => …): misspelled shel',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\nuser((ctx) => ({ name: 'rigbad', shel: '/bin/sh', comment: ctx.host.name })), // <-`),
    expect: ['shel', '{at}', H1],
  },
  {
    name: 'sysctl((ctx) => …): value { a: 1 }',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\nsysctl((ctx) => ({ name: 'net.ipv4.ip_forward', value: { a: ctx.host.name }, file: '/etc/sysctl.d/61-rig-bad.conf' })), // <-`),
    expect: ['value', '{at}', H1],
  },
  {
    name: 'directory((ctx) => …): relative path',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ndirectory((ctx) => ({ path: \`srv/\${ctx.host.name}\` })), // <-`),
    expect: ['path', '{at}', H1],
  },
  {
    name: 'lineinfile((ctx) => …): misspelled regex',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\nlineinfile((ctx) => ({ path: '/srv/rig-bad-SLUG/ini', regex: '^a=', line: \`a=\${ctx.host.name}\`, create: true })), // <-`),
    expect: ['regex', '{at}', H1],
  },
  {
    name: 'loop: (ctx) => a string',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ncopy((ctx) => ({ content: String(ctx.item), dest: \`/srv/rig-bad-SLUG/\${String(ctx.item)}\` }), { loop: (ctx) => 'abc' }), // <-`),
    expect: ['loop', '{at}', H1],
  },
  {
    name: "loop: (ctx) => one host's string variable",
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ncopy((ctx) => ({ content: String(ctx.item), dest: \`/srv/rig-bad-SLUG/\${String(ctx.item)}\` }), { loop: (ctx) => ctx.vars.items as string[] }), // <-`),
    inventory: { hostVars: { [H1]: { items: ['a', 'b'] }, [H2]: { items: 'a,b' } } },
    expect: ['loop', '{at}', H2],
  },
  {
    name: "when: (ctx) => 'false' (a string)",
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ncopy({ content: 'x', dest: '/srv/rig-bad-SLUG/x' }, { when: (ctx) => (ctx.host.name ? 'false' : 'true') }), // <-`),
    expect: ['when', '{at}', H1],
  },
  {
    name: 'loop item b gives a numeric mode',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ncopy((ctx) => ({ content: ctx.item, dest: \`/srv/rig-bad-SLUG/\${ctx.item}\`, mode: ctx.item === 'b' ? 644 : '0644' }), { loop: ['a', 'b'] }), // <-`),
    expect: ['mode', '644', '{at}', H1],
  },
  {
    name: "one host's inventory var makes a bad mode",
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ncopy((ctx) => ({ content: 'x', dest: '/srv/rig-bad-SLUG/x', mode: ctx.vars.bad_mode ?? '0644' })), // <-`),
    inventory: { hostVars: { [H2]: { bad_mode: 644 } } },
    expect: ['mode', '644', '{at}', H2],
  },
  {
    name: 'template((ctx) => …): src missing on the controller for one host',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ntemplate((ctx) => ({ src: \`\${ctx.host.name}.hbs\`, dest: '/srv/rig-bad-SLUG/t' })), // <-`),
    files: { [`templates/${H1}.hbs`]: 'ok\n' },
    expect: [`${H2}.hbs`, '{at}', H2],
  },
  {
    name: 'copy((ctx) => …): src missing on the controller',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ncopy((ctx) => ({ src: \`missing-\${ctx.host.name}.txt\`, dest: '/srv/rig-bad-SLUG/c' })), // <-`),
    expect: [`missing-${H1}.txt`, '{at}', H1],
  },
  {
    name: 'template with an undefined variable',
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ntemplate({ src: 'SLUG.hbs', dest: '/srv/rig-bad-SLUG/t' }), // <-`),
    files: { 'templates/SLUG.hbs': 'listen = {{ undefined_thing_tpl }}\n' },
    expect: ['undefined_thing_tpl', 'SLUG.hbs', H1],
  },
  {
    name: "ctx.var('undefined_thing')",
    kind: 'host',
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),\ncopy((ctx) => ({ content: String(ctx.var('undefined_thing')), dest: '/srv/rig-bad-SLUG/x' })), // <-`),
    expect: ['undefined_thing', '{at}', H1],
  },
  {
    name: 'role variable set by setFact to a wrong type',
    kind: 'host',
    playbook: appPlaybook(),
    files: {
      'roles/app/index.ts': `import { copy, defineRole, directory, setFact } from 'RIG';

export default defineRole({
  name: 'app',
  defaults: { port: 8080 },
  tasks: ({ vars }) => [
    directory({ path: '/srv/rig-bad-SLUG' }, { name: 'would change' }),
    setFact((ctx) => ({ vars: { port: \`port-of-\${ctx.host.name}\` } }), { name: 'bad port' }), // <-setfact
    copy((ctx) => ({ content: \`\${vars(ctx).port + 1}\\n\`, dest: '/srv/rig-bad-SLUG/port' }), { name: 'port file' }), // <-use
  ],
});
`,
    },
    expect: ['port', H1, ['{at:setfact}', '{at:use}']],
  },
  {
    name: 'handler((ctx) => …) with a misspelled arg, notified by a change',
    kind: 'host',
    playbook: play(
      `directory({ path: '/srv/rig-bad-SLUG' }, { notify: [h] }),`,
      `const h = defineHandler('h', copy((ctx) => ({ content: ctx.host.name, dest: '/srv/rig-bad-SLUG/h', mdoe: '0600' }))); // <-\n`,
      `\n  handlers: [h],`,
    ),
    expect: ['mdoe', '{at}', H1],
  },
  {
    name: 'second play: args function with a bad key, after a play that would change something',
    kind: 'host',
    playbook: `import { copy, definePlaybook, directory } from 'RIG';\n\nexport default definePlaybook(\n  { hosts: 'all', become: true, tasks: [directory({ path: '/srv/rig-bad-SLUG' })] },\n  { hosts: 'all', become: true, tasks: [copy((ctx) => ({ content: ctx.host.name, dest: '/srv/rig-bad-SLUG/x', mdoe: '0600' }))] }, // <-\n);\n`,
    expect: ['mdoe', '{at}', H1],
  },
  {
    // the YAML string 'true' is coerced to the boolean the docker role's default has; swarm nodes refuse live-restore
    name: "cluster: docker_live_restore: 'true' is coerced to true, which swarm nodes refuse",
    kind: 'host',
    playbookPath: CLUSTER,
    inventory: cluster("docker_live_restore: 'true'\n"),
    expect: ['docker_live_restore is true', 'swarm', H1],
  },
  {
    name: 'cluster: a manager also listed under workers',
    kind: 'host',
    playbookPath: CLUSTER,
    inventory: cluster('', { managers: [H1], workers: [H1, H2] }),
    expect: [H1, 'managers', 'workers', '{repo:roles/index.ts:that: checkClusterInput(ctx, manage)}'],
  },
];
