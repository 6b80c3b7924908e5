import { describe, expect, it } from 'vitest';
import { isKnownAnsibleVar, loadInventory } from '../../../src/inventory/index.ts';
import { suggestAnsibleVar } from '../../../src/inventory/connection-vars.ts';
import { writeTree } from './helpers.ts';

describe('unknown ansible_* variables', () => {
  it('names Ansible reads, and the prefixes it allows, are known', () => {
    const known = [
      'ansible_host', 'ansible_port', 'ansible_user', 'ansible_password', 'ansible_connection', 'ansible_timeout',
      'ansible_ssh_host', 'ansible_ssh_port', 'ansible_ssh_user', 'ansible_ssh_pass', 'ansible_ssh_private_key_file',
      'ansible_private_key_file', 'ansible_ssh_common_args', 'ansible_ssh_extra_args', 'ansible_ssh_pipelining',
      'ansible_become', 'ansible_become_user', 'ansible_become_method', 'ansible_become_password', 'ansible_become_pass',
      'ansible_become_exe', 'ansible_become_flags', 'ansible_shell_type', 'ansible_shell_executable',
      'ansible_python_interpreter', 'ansible_python3_interpreter', 'ansible_perl_interpreter', 'ansible_group_priority',
      'ansible_winrm_transport', 'ansible_psrp_auth', 'ansible_control_path', 'ansible_ssh_password_mechanism',
      // not ansible_* at all: not ours to judge
      'http_port', 'ansible', 'rig_host',
    ];
    expect(known.filter((n) => !isKnownAnsibleVar(n))).toEqual([]);
  });

  const typos: [string, string | undefined][] = [
    ['ansible_prot', 'ansible_port'],
    ['ansible_becom', 'ansible_become'],
    ['ansible_become_usr', 'ansible_become_user'],
    ['ansible_become_passwd', 'ansible_become_password'],
    ['ansible_ssh_prt', 'ansible_ssh_port'],
    ['ansible_ssh_private_keyfile', 'ansible_ssh_private_key_file'],
    ['ansible_hots', 'ansible_host'],
    ['ansible_connecton', 'ansible_connection'],
    ['ansible_pyhton_interpreter', 'ansible_python_interpreter'],
    ['ansible_ssh_common_arg', 'ansible_ssh_common_args'],
    ['ansible_distribution', undefined],
  ];
  for (const [name, suggestion] of typos) {
    it(`${name} is unknown${suggestion ? `; did you mean ${suggestion}` : ', with no suggestion'}`, () => {
      expect(isKnownAnsibleVar(name)).toBe(false);
      expect(suggestAnsibleVar(name)).toBe(suggestion);
    });
  }

  it('warns (the inventory still loads) naming the variable, the host or group, file:line and a suggestion', async () => {
    const dir = writeTree({
      'hosts.yml': [
        'all:', //                                1
        '  vars:', //                             2
        '    ansible_usr: deploy', //             3
        '  children:', //                         4
        '    web:', //                            5
        '      vars:', //                         6
        '        ansible_becom: true', //         7
        '      hosts:', //                        8
        '        web1:', //                       9
        '          ansible_prot: 2222', //        10
        '          ansible_port: 22', //          11
        '',
      ].join('\n'),
      'group_vars/web.yml': 'ansible_become_usr: admin\nansible_python_interpreter: /usr/bin/python3\n',
      'host_vars/web1.yml': 'ansible_ssh_prt: 2200\nansible_distribution: Debian\n',
    });
    const inv = await loadInventory(dir);
    expect(inv.warnings.map((w) => `${w.where} ${w.message.replace(/: no Ansible .*/, '')}`)).toEqual([
      `${dir}/hosts.yml:3 group "all": unknown variable 'ansible_usr' (did you mean 'ansible_user'?)`,
      `${dir}/hosts.yml:7 group "web": unknown variable 'ansible_becom' (did you mean 'ansible_become'?)`,
      `${dir}/group_vars/web.yml:1 group "web": unknown variable 'ansible_become_usr' (did you mean 'ansible_become_user'?)`,
      `${dir}/hosts.yml:10 host "web1": unknown variable 'ansible_prot' (did you mean 'ansible_port'?)`,
      `${dir}/host_vars/web1.yml:1 host "web1": unknown variable 'ansible_ssh_prt' (did you mean 'ansible_ssh_port'?)`,
      `${dir}/host_vars/web1.yml:2 host "web1": unknown variable 'ansible_distribution'`,
    ]);
    expect(inv.warnings[3]).toMatchObject({ hint: 'rename it to ansible_port' });
    expect(inv.warnings[3]!.message).toContain('so Ansible and rig ignore it');
    expect(inv.host('web1')!.ssh.port).toBe(22);
  });
});
