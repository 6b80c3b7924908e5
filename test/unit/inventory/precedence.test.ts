import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.ts';
import { fixture, writeTree } from './helpers.ts';

describe('variable precedence (as ansible-core computes it)', () => {
  it('deeper groups win over their parents, group_vars files over inline vars', async () => {
    const inv = await loadInventory(fixture('nested'));
    const v = (h: string) => inv.host(h)!.vars;
    // edge1 is in prod (depth 1), web (2), edge (3): group_vars/edge.yml is the deepest file
    expect(v('edge1').tier).toBe('edge-file');
    // web1: web (2) has a file, monitoring (1) has a file too, but web is deeper
    expect(v('web1').tier).toBe('web-file');
    // db2 has only inline group vars: prod (1) < db (2, none) → prod-inline
    expect(v('db2').tier).toBe('prod-inline');
    // host_vars/db1/ beats every group
    expect(v('db1').tier).toBe('db1-hostvars');
    expect(v('db1').role).toBe('primary');
    // host inline var beats group vars; host_vars file beats host inline
    expect(v('web1').http_port).toBe(8081);
    expect(v('web2').http_port).toBe(9090);
    // files of one group_vars dir are read in name order, later wins, values replaced not merged
    expect(v('web1').packages).toEqual(['nginx']);
    expect(v('web1').nested_map).toEqual({ replaced: true });
    expect(v('db1').nested_map).toEqual({ a: 1, b: { c: 2 } });
    // YAML 1.1 like PyYAML: yes → true, 0755 → octal
    expect(v('web2').enabled).toBe(true);
    expect(v('web2').mode).toBe(0o755);
  });

  it('group_vars/all beats inline vars of any group (Ansible orders all inline vars before all group_vars files)', async () => {
    const dir = writeTree({
      'hosts.yml': 'all:\n  children:\n    web:\n      vars: { x: web-inline }\n      hosts: { w1: }\n',
      'group_vars/all.yml': 'x: all-file\n',
    });
    const inv = await loadInventory(dir);
    expect(inv.host('w1')!.vars.x).toBe('all-file');
  });

  it('same depth: alphabetical, later name wins; ansible_group_priority raises a group; in a file it is only a var', async () => {
    const inv = await loadInventory(fixture('priority'));
    expect(inv.host('h2')!.vars.color).toBe('zebra'); // mango < zebra
    expect(inv.host('h1')!.vars.color).toBe('apple'); // apple has priority 5
    expect(inv.host('h3')!.vars.color).toBe('kiwi'); // depth 2 beats banana's priority 10
    expect(inv.host('h2')!.vars.from_file).toBe('zebra'); // zebra's file priority 50 changes nothing
    expect(inv.host('h1')!.vars.from_file).toBe('apple');
    expect(inv.host('h1')!.vars.ansible_group_priority).toBe(50);
    expect(inv.host('h1')!.vars.shape).toBe('all-file');
  });

  it('a group_vars directory is preferred over a same-named file; host_vars may be a directory', async () => {
    const dir = writeTree({
      'hosts.yml': 'all:\n  children:\n    g:\n      hosts:\n        h:\n',
      'group_vars/g.yml': 'from: file\n',
      'group_vars/g/main.yml': 'from: dir\n',
      'group_vars/g/.hidden.yml': 'from: hidden\n',
      'group_vars/g/z.yml~': 'from: backup\n',
      'host_vars/h/a.yml': 'a: 1\n',
      'host_vars/h/sub/b.yaml': 'b: 2\n',
    });
    const inv = await loadInventory(dir);
    expect(inv.host('h')!.vars).toEqual({ from: 'dir', a: 1, b: 2 });
  });

  it('a single-file source reads group_vars/ next to the file; a repeated host keeps its first port', async () => {
    const inv = await loadInventory(fixture('file-source/inventory.yml'));
    expect(inv.host('solo1')!.vars.greeting).toBe('from-group-vars');
    const dir = writeTree({ 'hosts.yml': 'all:\n  children:\n    a:\n      hosts:\n        h1:2201:\n    b:\n      hosts:\n        h1:2202:\n' });
    expect((await loadInventory(dir)).host('h1')!.vars.ansible_port).toBe(2201);
  });

  it('Group.vars holds the group own vars (inline < files), groups include all and ungrouped', async () => {
    const inv = await loadInventory(fixture('nested'));
    expect(inv.groups.get('web')!.vars).toEqual({ tier: 'web-file', http_port: 8080, enabled: true, mode: 0o755, packages: ['nginx'], nested_map: { replaced: true } });
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'prod', 'edge', 'monitoring', 'staging']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['bastion']);
    expect(inv.groups.get('web')!.definedAt).toMatch(/nested\/hosts\.yml:\d+$/);
  });
});

describe('hosts', () => {
  it('keeps first-appearance order and lists groups with ancestors', async () => {
    const inv = await loadInventory(fixture('nested'));
    expect(inv.hosts.map((h) => h.name)).toEqual(['bastion', 'web1', 'web2', 'edge1', 'db1', 'db2', 'edge2', 'stage1']);
    expect(inv.host('edge1')!.groups).toEqual(['all', 'prod', 'web', 'edge']);
    expect(inv.host('web1')!.groups).toEqual(['all', 'prod', 'web', 'monitoring']);
    // edge is a child of web, so edge2 (listed under a second `edge:` entry) belongs to prod too
    // Ansible's groups['prod'] order (Group.get_hosts): own hosts, then children level by level
    expect(inv.groupHosts('prod')).toEqual(['web1', 'web2', 'db1', 'db2', 'edge1', 'edge2']);
    expect(inv.host('edge2')!.groups).toEqual(['all', 'prod', 'web', 'edge']);
    expect(inv.groupHosts('edge')).toEqual(['edge1', 'edge2']);
    expect(inv.groupHosts('nope')).toEqual([]);
  });

  it('builds ssh settings from ansible_* and rig_* vars (rig_* wins), relative key paths from the inventory dir', async () => {
    const dir = writeTree({
      'hosts.yml': [
        'all:',
        '  hosts:',
        '    a:',
        '      ansible_host: 10.0.0.1',
        '      ansible_port: "2222"',
        '      ansible_user: deploy',
        '      ansible_ssh_private_key_file: keys/id_ed25519',
        '      rig_known_hosts_file: ~/.ssh/kh_lab',
        '      ansible_become: "yes"',
        '      ansible_become_user: postgres',
        '    b:',
        '      ansible_host: 10.0.0.2',
        '      rig_host: 10.9.9.9',
        '      ansible_ssh_user: legacy',
        '      rig_identity_file: [~/.ssh/a, /abs/b]',
        '      ansible_password: s3cret-pw',
        '    c:',
      ].join('\n'),
    });
    const inv = await loadInventory(dir);
    const a = inv.host('a')!;
    expect(a.ssh).toEqual({ address: '10.0.0.1', port: 2222, user: 'deploy', identityFiles: [`${dir}/keys/id_ed25519`], knownHostsFile: `${process.env.HOME}/.ssh/kh_lab` });
    expect(a.become).toBe(true);
    expect(a.becomeUser).toBe('postgres');
    const b = inv.host('b')!;
    expect(b.ssh.address).toBe('10.9.9.9');
    expect(b.ssh.user).toBe('legacy');
    expect(b.ssh.identityFiles).toEqual([`${process.env.HOME}/.ssh/a`, '/abs/b']);
    expect(b.ssh.password).toBe('s3cret-pw');
    expect(inv.host('c')!.ssh).toEqual({ address: 'c', port: 22 });
    expect(inv.host('c')!.become).toBe(false);
  });
});

describe('Inventory.varOrigin: the file:line of the winning value, for every variable', () => {
  const hostsYml = [
    'all:', //                                  1
    '  vars:', //                               2
    '    v_all_inline: 1', //                   3
    '    v_mixed: all-inline', //               4
    '  children:', //                           5
    '    parent:', //                           6
    '      vars:', //                           7
    '        v_mixed: parent-inline', //        8
    '        v_group_inline: p', //             9
    '      children:', //                       10
    '        child:', //                        11
    '          vars:', //                       12
    '            v_group_inline: c', //         13
    '          hosts:', //                      14
    '            h1:', //                       15
    '              v_host_inline: 1', //        16
    '              v_over: inline', //          17
    '              v_null:', //                 18
    '            h2:', //                       19
    '    zeta:', //                             20
    '      vars: { v_sibling: z }', //          21
    '      hosts: { h1: }', //                  22
    '    alpha:', //                            23
    '      vars: { v_sibling: a }', //          24
    '      hosts: { h1: }', //                  25
    '',
  ].join('\n');
  const files = {
    'hosts.yml': hostsYml,
    'group_vars/all.yml': 'v_mixed: gv-all\nv_gvall: 1\n',
    'group_vars/child/10.yml': 'v_gv_child: first\n',
    'group_vars/child/20.yml': 'v_gv_child: second\n',
    'host_vars/h1.yml': 'v_over: host-file\n',
  };
  const cases: [host: string, variable: string, where: string | undefined, value: unknown][] = [
    ['h1', 'v_all_inline', 'hosts.yml:3', 1],
    ['h1', 'v_mixed', 'group_vars/all.yml:1', 'gv-all'], // every group_vars file beats every inline group var
    ['h1', 'v_group_inline', 'hosts.yml:13', 'c'], // the deeper group
    ['h1', 'v_host_inline', 'hosts.yml:16', 1],
    ['h1', 'v_over', 'host_vars/h1.yml:1', 'host-file'], // host_vars beats the host's entry
    ['h1', 'v_null', 'hosts.yml:18', null],
    ['h1', 'v_sibling', 'hosts.yml:21', 'z'], // same depth and priority: the later name wins
    ['h1', 'v_gv_child', 'group_vars/child/20.yml:1', 'second'], // later file of a group_vars dir
    ['h1', 'v_gvall', 'group_vars/all.yml:2', 1],
    ['h1', 'nope', undefined, undefined],
    ['h2', 'v_group_inline', 'hosts.yml:13', 'c'],
    ['h2', 'v_over', undefined, undefined],
    ['h2', 'v_sibling', undefined, undefined],
    ['nohost', 'v_all_inline', undefined, undefined],
  ];
  for (const [host, variable, where, value] of cases) {
    it(`${host} ${variable}: ${where ?? 'not set'}`, async () => {
      const dir = writeTree(files);
      const inv = await loadInventory(dir);
      expect(inv.varOrigin?.(host, variable)).toBe(where && `${dir}/${where}`);
      expect(inv.host(host)?.vars[variable]).toEqual(value);
    });
  }

  it('names the file as the -i path was written (a file source)', async () => {
    const dir = writeTree(files);
    const inv = await loadInventory(`${dir}/hosts.yml`);
    expect(inv.varOrigin?.('h1', 'v_over')).toBe(`${dir}/host_vars/h1.yml:1`);
    expect(inv.varOrigin?.('h1', 'v_host_inline')).toBe(`${dir}/hosts.yml:16`);
  });
});
