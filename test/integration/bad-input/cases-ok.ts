/** The bad-input corpus's positive controls (coercion of -e, warnings that let the run go on). */
import { expect } from 'vitest';
import { CLUSTER, H1, H2, appPlaybook, cluster, hostFile, lab, play, statuses, withApp, type Case } from './corpus.ts';

/** The 'ok' cases: positive controls that exit 0 and do what they say. */
export const okCases: readonly Case[] = [
  // --- positive controls -----------------------------------------------------------------------------------------
  {
    name: 'ok: -e port=9090 -e enabled=false are coerced (port + 1 is 9091, enabled false skips)',
    kind: 'ok',
    connects: true,
    playbook: appPlaybook(),
    files: withApp,
    args: ['-e', 'port=9090', '-e', 'enabled=false'],
    expect: [],
    async check(run, c) {
      for (const h of [H1, H2]) {
        expect(await hostFile(lab, h, `/srv/rig-bad-${c.slug}/port`)).toBe('9091\n');
        expect((await lab.exec(h, `test -e /srv/rig-bad-${c.slug}/enabled && echo yes || echo no`)).stdout.trim()).toBe('no');
      }
      expect(statuses(run, 'enabled marker')).toEqual({ [H1]: 'skipped', [H2]: 'skipped' });
    },
  },
  {
    name: 'ok: -e port=9090 -e enabled=yes are coerced (enabled true runs the task)',
    kind: 'ok',
    connects: true,
    playbook: appPlaybook(),
    files: withApp,
    args: ['-e', 'port=9090', '-e', 'enabled=yes'],
    expect: [],
    async check(run, c) {
      for (const h of [H1, H2]) {
        expect(await hostFile(lab, h, `/srv/rig-bad-${c.slug}/port`)).toBe('9091\n');
        expect((await lab.exec(h, `test -e /srv/rig-bad-${c.slug}/enabled && echo yes || echo no`)).stdout.trim()).toBe('yes');
      }
      expect(statuses(run, 'enabled marker')).toEqual({ [H1]: 'changed', [H2]: 'changed' });
    },
  },
  {
    name: 'ok: -e manage_modules=false on playbooks/example.ts skips the modprobe task',
    kind: 'ok',
    connects: true,
    playbookPath: 'playbooks/example.ts',
    args: ['-e', 'manage_modules=false'],
    expect: [],
    check(run) {
      expect(statuses(run, 'overlay module')).toEqual({ [H1]: 'skipped', [H2]: 'skipped' });
    },
  },
  {
    name: "ok: inventory ansible_prot warns (did you mean 'ansible_port') and the run goes on",
    kind: 'ok',
    connects: true,
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),`),
    inventory: { hostVars: { [H1]: { ansible_prot: 22 } } },
    expect: ['[WARNING]', 'ansible_prot', "did you mean 'ansible_port'", '{inv:hosts.yml:"ansible_prot"}'],
    async check(_run, c) {
      for (const h of [H1, H2]) expect((await lab.exec(h, `test -d /srv/rig-bad-${c.slug} && echo yes`)).stdout.trim()).toBe('yes');
    },
  },
  {
    name: "ok: inventory ansible_becom warns (did you mean 'ansible_become') and the run goes on",
    kind: 'ok',
    connects: true,
    playbook: play(`directory({ path: '/srv/rig-bad-SLUG' }),`),
    inventory: { allVars: { ansible_becom: true } },
    expect: ['[WARNING]', 'ansible_becom', "did you mean 'ansible_become'", '{inv:hosts.yml:"ansible_becom"}'],
  },
  {
    name: 'ok: one host given two ansible_host values by two groups warns, naming both files',
    kind: 'ok',
    connects: false,
    playbook: play(`command({ cmd: ['true'] }),`),
    args: ['--list-hosts'],
    inventory: {
      files: { 'group_vars/g1.yml': 'ansible_host: {addr:bad1}\n', 'group_vars/g2.yml': 'ansible_host: 10.231.254.254\n' },
      edit(doc) {
        delete doc.all.hosts[H1]!.ansible_host;
        doc.all.children = { g1: { hosts: { [H1]: null } }, g2: { hosts: { [H1]: null } } };
      },
    },
    expect: ['[WARNING]', 'ansible_host', H1, 'g1.yml', 'g2.yml'],
  },
  { name: 'ok: the cluster inventory used above passes the load-time checks (--list-hosts)', kind: 'ok', connects: false, playbookPath: CLUSTER, inventory: cluster(), args: ['--list-hosts'], expect: [H1, H2], absent: ['ERROR'] },
  { name: "ok: cluster docker_live_restore: 'true' (a YAML string) is accepted at load (--list-hosts)", kind: 'ok', connects: false, playbookPath: CLUSTER, inventory: cluster("docker_live_restore: 'true'\n"), args: ['--list-hosts'], expect: [H1, H2], absent: ['ERROR'] },
  {
    name: "ok: docker_live_restore: 'true' (a YAML string) reaches the docker role as true (daemon.json live-restore)",
    kind: 'ok',
    connects: true,
    playbook: `import { copy, definePlaybook } from 'RIG';\nimport docker, { dockerArgs } from 'ROLES/docker/index.ts';\n\nexport default definePlaybook({\n  hosts: 'all',\n  become: true,\n  roles: [docker],\n  tasks: [copy((ctx) => ({ content: JSON.stringify({ value: ctx.vars.docker_live_restore, liveRestore: dockerArgs(ctx).options.liveRestore }), dest: '/srv/rig-bad-SLUG.json' }), { tags: ['probe'] })],\n});\n`,
    // not a swarm node: live-restore is allowed, so the role writes what the variable became
    inventory: cluster("docker_live_restore: 'true'\nswarm_manage: false\n"),
    args: ['--tags', 'probe'],
    expect: [],
    async check(_run, c) {
      for (const h of [H1, H2]) expect(await hostFile(lab, h, `/srv/rig-bad-${c.slug}.json`)).toBe('{"value":true,"liveRestore":true}');
    },
  },
];
