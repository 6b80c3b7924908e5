import { describe, expect, it } from 'vitest';
import { loadInventory, toAnsibleList } from '../../../src/inventory/index.ts';
import { validationError, writeTree } from './helpers.ts';

describe('which files are INI: Ansible plugin order (yaml for .yml/.yaml/.json or no extension when it parses as a mapping, else ini)', () => {
  it('reads a directory mixing INI and YAML files with group_vars, in name order, across files', async () => {
    const dir = writeTree({
      '10-hosts.ini': '[web]\nweb1 x=1\n',
      '20-more.yml': 'all:\n  children:\n    db:\n      hosts:\n        db1:\n',
      '30-groups': '[prod:children]\nweb\ndb\n[prod:vars]\nenv=prod\n',
      'group_vars/web.yml': 'x: 2\ny: 3\n',
    });
    const inv = await loadInventory(dir);
    expect(inv.groups.get('prod')!.children).toEqual(['web', 'db']);
    expect(inv.host('web1')!.vars).toEqual({ x: 1, y: 3, env: 'prod' });
    expect(inv.host('db1')!.vars).toEqual({ env: 'prod' });
    expect(inv.warnings).toEqual([]);
  });

  it('reads a single INI file given with -i, group_vars beside it', async () => {
    const dir = writeTree({ 'inventory.ini': 'h1:2222\n', 'group_vars/all.yml': 'z: 1\n' });
    const inv = await loadInventory(`${dir}/inventory.ini`);
    expect(toAnsibleList(inv)).toEqual({ _meta: { hostvars: { h1: { ansible_port: 2222, z: 1 } }, profile: 'inventory_legacy' }, all: { children: ['ungrouped'] }, ungrouped: { hosts: ['h1'] } });
  });

  it('a file without extension that parses as a YAML mapping is YAML (`h:` is a group, as in Ansible)', async () => {
    const dir = writeTree({ hosts: 'h:\n' });
    const inv = await loadInventory(dir);
    expect([...inv.groups.keys()]).toContain('h');
    expect(inv.hosts).toEqual([]);
  });

  it('an INI file named .yml is read as INI with a warning (Ansible reads it too)', async () => {
    const dir = writeTree({ 'hosts.yml': '[web]\nweb1\n' });
    const inv = await loadInventory(dir);
    expect(inv.groups.get('web')!.hosts).toEqual(['web1']);
    expect(inv.warnings.map((w) => [w.where, w.message])).toEqual([[`${dir}/hosts.yml`, 'read as an INI inventory: it is not YAML (Ansible reads it as INI too)']]);
  });

  it('a broken .yml file reports its YAML problems; a broken extensionless file its INI problems', async () => {
    const yml = await validationError(loadInventory(writeTree({ 'hosts.yml': 'all:\n  hosts:\n    web1: {\n' })));
    expect(yml.problems[0]!.hint).toBe('fix the YAML syntax');
    const dir = writeTree({ hosts: '[web]\nweb1 port\n' });
    const ini = await validationError(loadInventory(dir));
    expect(ini.problems).toEqual([expect.objectContaining({ where: `${dir}/hosts:2`, message: 'Expected key=value host variable assignment, got: port' })]);
  });

  it('a group defined in an earlier file may be named in [g:children] and [g:vars]; a later one may not', async () => {
    const dir = writeTree({ '10-a.yml': 'all:\n  children:\n    early:\n', '20-b.ini': '[p:children]\nearly\nlate\n[early:vars]\nx=1\n', '30-c.yml': 'all:\n  children:\n    late:\n' });
    const err = await validationError(loadInventory(dir));
    expect(err.problems.map((p) => `${p.where}: ${p.message}`)).toEqual([`${dir}/20-b.ini:3: Section [p:children] includes undefined group 'late'`]);
  });
});
