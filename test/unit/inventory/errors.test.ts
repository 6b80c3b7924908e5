import { chmodSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.ts';
import { validationError, writeTree } from './helpers.ts';

describe('inventory errors: collected into one ValidationError with file:line', () => {
  it('malformed YAML names file:line:col', async () => {
    const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    web1: {\n  children: [\n' });
    const err = await validationError(loadInventory(dir));
    expect(err.problems.length).toBeGreaterThan(0);
    expect(err.problems[0]!.where).toMatch(new RegExp(`^${dir}/hosts\\.yml:\\d+:\\d+$`));
  });

  it('names the cycle and where the closing edge is', async () => {
    const dir = writeTree({
      'hosts.yml': ['all:', '  children:', '    a:', '      children:', '        b:', '          children:', '            c:', '              children:', '                a:', ''].join('\n'),
    });
    const err = await validationError(loadInventory(dir));
    // children are read depth-first (as Ansible does), so the edge that closes the loop is a → b, on line 5
    expect(err.problems).toEqual([expect.objectContaining({ where: `${dir}/hosts.yml:5`, message: 'cyclic group children: a → b → c → a' })]);
  });

  it('collects several problems at once: wrong types, unknown keys, bad ranges, host/group clash', async () => {
    const dir = writeTree({
      'hosts.yml': [
        'all:', //                              1
        '  children:', //                       2
        '    web:', //                          3
        '      hosts:', //                      4
        '        web1:', //                     5
        '          ansible_port: http', //      6
        '        web[01:100]:', //              7
        '      host:', //                       8
        '        web2:', //                     9
        '    db:', //                           10
        '      hosts:', //                      11
        '        web:', //                      12
        '          ansible_become: maybe', //   13
        '      vars:', //                       14
        '        ansible_group_priority: high', // 15
        '',
      ].join('\n'),
      'host_vars/web1.yml': 'ansible_ssh_private_key_file: [1, 2]\n',
    });
    const err = await validationError(loadInventory(dir));
    const f = `${dir}/hosts.yml`;
    expect(err.problems.map((p) => `${p.where} ${p.message}`)).toEqual([
      `${f}:7 host range in "web[01:100]" must use equal-length begin and end (01, 100)`,
      `${f}:8 unexpected key "host" in group "web"`,
      `${f}:15 ansible_group_priority of group "db" must be an integer, got "high"`,
      `${f}:3 "web" is both a host (${f}:12) and a group`,
      `${f}:6 host "web1": ansible_port must be a port number 1–65535, got "http"`,
      `${dir}/host_vars/web1.yml:1 host "web1": ansible_ssh_private_key_file must be a path or a list of paths, got [1,2]`,
      `${f}:13 host "web": ansible_become must be a boolean (yes/no/true/false/1/0), got "maybe"`,
    ]);
    expect(err.message).toContain('→ only "hosts", "vars" and "children" are valid');
  });

  it('rejects TOML inventories, scripts, inventory plugin configs, bad vars files and a missing path (INI files are read)', async () => {
    const dir = writeTree({
      hosts: '[web]\nweb1\n',
      'aws_ec2.yml': 'plugin: amazon.aws.aws_ec2\n',
      'inv.toml': '[web.hosts.w2]\n',
      'script.py': '#!/usr/bin/env python3\nprint("{}")\n',
      'notes.md': 'ignored\n',
      'group_vars/all.yml': '- not\n- a mapping\n',
    });
    chmodSync(`${dir}/script.py`, 0o755);
    const err = await validationError(loadInventory(dir));
    expect(err.problems.map((p) => [p.where, p.message])).toEqual([
      [`${dir}/inv.toml`, 'TOML inventories are not supported (rig reads the YAML and INI formats)'],
      [`${dir}/script.py`, 'inventory scripts are not supported (rig reads the YAML and INI formats)'],
      [`${dir}/aws_ec2.yml:1`, 'inventory plugin configuration files are not supported'],
      [`${dir}/group_vars/all.yml:1`, 'a vars file must be a mapping of variable names to values, got a seq'],
    ]);
    const missing = await validationError(loadInventory(`${dir}/nope`));
    expect(missing.problems[0]!.message).toBe('inventory not found');
  });

  it('warns (without failing) about vars files for unknown hosts or groups', async () => {
    const dir = writeTree({ 'hosts.yml': 'all:\n  hosts: { h: }\n', 'group_vars/webservers.yml': 'x: 1\n', 'host_vars/h.yml': 'y: 2\n' });
    const inv = await loadInventory(dir);
    expect(inv.warnings).toEqual([{ where: `${dir}/group_vars/webservers`, message: 'no group named "webservers" in the inventory: these vars are ignored' }]);
  });

  it('a relative -i path is kept in messages', async () => {
    const dir = writeTree({ 'inv/hosts.yml': 'all:\n  hosts:\n    h: { ansible_port: 0 }\n' });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const err = await validationError(loadInventory('inv'));
      expect(err.problems[0]!.where).toBe('inv/hosts.yml:3');
    } finally {
      process.chdir(cwd);
    }
  });
});
