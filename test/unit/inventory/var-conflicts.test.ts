import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.ts';
import { writeTree } from './helpers.ts';

// host db1 (first listed on line 5) is in web and db, siblings at depth 1; which group wins is Ansible's sort_groups order
const hosts = (extra = ''): string =>
  ['all:', '  children:', '    web:', '      hosts:', '        db1:', '    db:', `      hosts:`, `        db1:${extra}`, ''].join('\n');

describe('a host given different connection values by two unrelated groups', () => {
  const cases: { name: string; files: Record<string, string>; warnings: string[]; address: string }[] = [
    {
      name: 'two sibling group_vars files: warns, naming both files and the winner (same depth: later name)',
      files: { 'hosts.yml': hosts(), 'group_vars/web.yml': 'ansible_host: 10.0.0.1\n', 'group_vars/db.yml': 'ansible_host: 10.0.0.2\n' },
      warnings: [
        'HOSTS:5 host "db1": ansible_host is "10.0.0.2" from group "db" (GV/db.yml:1) and "10.0.0.1" from group "web" (GV/web.yml:1); group "web" wins',
      ],
      address: '10.0.0.1',
    },
    {
      name: 'ansible_group_priority decides the winner',
      files: {
        'hosts.yml': hosts().replace('    db:\n', '    db:\n      vars: { ansible_group_priority: 10 }\n'),
        'group_vars/web.yml': 'ansible_host: 10.0.0.1\n',
        'group_vars/db.yml': 'ansible_host: 10.0.0.2\n',
      },
      warnings: [
        'HOSTS:5 host "db1": ansible_host is "10.0.0.1" from group "web" (GV/web.yml:1) and "10.0.0.2" from group "db" (GV/db.yml:1); group "db" wins',
      ],
      address: '10.0.0.2',
    },
    {
      name: 'inline group vars conflict too, and so do ports',
      files: { 'hosts.yml': hosts().replace('    web:\n', '    web:\n      vars: { ansible_port: 2201 }\n').replace('    db:\n', '    db:\n      vars: { ansible_port: 2202 }\n') },
      warnings: ['HOSTS:6 host "db1": ansible_port is 2202 from group "db" (HOSTS:8) and 2201 from group "web" (HOSTS:4); group "web" wins'],
      address: 'db1',
    },
    {
      name: 'host_vars override both groups: no warning',
      files: { 'hosts.yml': hosts(), 'group_vars/web.yml': 'ansible_host: 10.0.0.1\n', 'group_vars/db.yml': 'ansible_host: 10.0.0.2\n', 'host_vars/db1.yml': 'ansible_host: 10.0.0.9\n' },
      warnings: [],
      address: '10.0.0.9',
    },
    {
      name: "the host's inline var overrides both groups: no warning",
      files: { 'hosts.yml': hosts(' { ansible_host: 10.0.0.8 }'), 'group_vars/web.yml': 'ansible_host: 10.0.0.1\n', 'group_vars/db.yml': 'ansible_host: 10.0.0.2\n' },
      warnings: [],
      address: '10.0.0.8',
    },
    {
      name: 'the same value from both groups: no warning',
      files: { 'hosts.yml': hosts(), 'group_vars/web.yml': 'ansible_host: 10.0.0.1\n', 'group_vars/db.yml': 'ansible_host: 10.0.0.1\n' },
      warnings: [],
      address: '10.0.0.1',
    },
    {
      name: 'a child group overriding its parent (or all) is deliberate: no warning',
      files: {
        'hosts.yml': 'all:\n  children:\n    prod:\n      children:\n        web:\n          hosts:\n            w1:\n',
        'group_vars/all.yml': 'ansible_user: admin\n',
        'group_vars/prod.yml': 'ansible_host: 10.0.0.1\nansible_user: ops\n',
        'group_vars/web.yml': 'ansible_host: 10.0.0.2\n',
      },
      warnings: [],
      address: '10.0.0.2',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dir = writeTree(c.files);
      const inv = await loadInventory(dir);
      const shown = inv.warnings.map((w) => `${w.where} ${w.message}`.replaceAll(`${dir}/hosts.yml`, 'HOSTS').replaceAll(`${dir}/group_vars`, 'GV'));
      expect(shown.map((s) => s.replace(/ \(Ansible's group order.*$/, ''))).toEqual(c.warnings);
      const host = inv.hosts[0]!;
      expect(host.ssh.address).toBe(c.address);
      if (c.warnings.length) expect(inv.warnings[0]!.hint).toMatch(new RegExp(`^set ansible_(host|port) for "${host.name}" in host_vars/${host.name}\\.yml`));
    });
  }
});
