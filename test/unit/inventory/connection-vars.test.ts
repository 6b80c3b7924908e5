import { describe, expect, it } from 'vitest';
import { isKnownAnsibleVar, KNOWN_ANSIBLE_VARS, loadInventory } from '../../../src/inventory/index.ts';
import { suggestAnsibleVar, UNIMPLEMENTED_VARS } from '../../../src/inventory/connection-vars.ts';
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

describe('Ansible variables rig does not implement: one warning per variable per file', () => {
  it('every such variable is one Ansible knows (so it is not also reported as unknown)', () => {
    expect(UNIMPLEMENTED_VARS.filter((n) => !KNOWN_ANSIBLE_VARS.includes(n))).toEqual([]);
    // what rig implements is not in the list
    for (const n of ['ansible_host', 'ansible_port', 'ansible_user', 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_private_key_file', 'ansible_become', 'ansible_become_user', 'ansible_become_password', 'ansible_become_method', 'ansible_connection', 'ansible_timeout', 'ansible_python_interpreter', 'ansible_remote_tmp']) {
      expect(UNIMPLEMENTED_VARS).not.toContain(n);
    }
  });

  it('a bastion in ansible_ssh_common_args of a group: one warning for all its hosts, saying rig connects directly', async () => {
    const dir = writeTree({
      'hosts.yml': 'all:\n  children:\n    web:\n      hosts:\n        web[1:5]:\n',
      'group_vars/web.yml': 'ansible_user: deploy\nansible_ssh_common_args: "-o ProxyJump=admin@bastion:2222 -o ServerAliveInterval=30"\n',
    });
    const inv = await loadInventory(dir);
    expect(inv.warnings).toEqual([
      {
        where: `${dir}/group_vars/web.yml:2`,
        message:
          'ansible_ssh_common_args is ignored by rig (hosts "web1", "web2", "web3" and 2 more): the jump host admin@bastion:2222 is NOT used, rig connects to these hosts directly. ' +
          'rig connects with its own SSH client (ssh2) and passes no ssh/scp/sftp command-line options; of ~/.ssh/config it reads HostName, Port, User, IdentityFile, ProxyJump and UserKnownHostsFile only (no ProxyCommand, no other options)',
        hint: 'set rig_proxy_jump: admin@bastion:2222 beside it (or ProxyJump for these hosts in ~/.ssh/config)',
      },
    ]);
  });

  const jumps: [string, string | undefined][] = [
    ['-o ProxyJump=bastion', 'the jump host bastion is NOT used'],
    ['-oProxyJump=bastion', 'the jump host bastion is NOT used'],
    ["-o 'ProxyJump bastion'", 'the jump host bastion is NOT used'],
    ['-o "ProxyJump=bastion" -o ServerAliveInterval=30', 'the jump host bastion is NOT used'],
    ['-J jump1,jump2', 'the jump host jump1,jump2 is NOT used'],
    ['-o ProxyCommand="ssh -W %h:%p bastion"', 'the ProxyCommand is NOT used'],
    ['-o StrictHostKeyChecking=yes', undefined],
  ];
  for (const [args, bypass] of jumps) {
    it(`ansible_ssh_extra_args: ${args}: ${bypass ?? 'ignored, no jump host'}`, async () => {
      const dir = writeTree({ 'hosts.yml': `all:\n  hosts:\n    h1:\n      ansible_ssh_extra_args: ${JSON.stringify(args)}\n` });
      const [w, ...more] = (await loadInventory(dir)).warnings;
      expect(more).toEqual([]);
      expect(w!.where).toBe(`${dir}/hosts.yml:4`);
      expect(w!.message).toMatch(/^ansible_ssh_extra_args is ignored by rig \(host "h1"\): /);
      if (bypass) expect(w!.message).toContain(`: ${bypass}, rig connects to these hosts directly`);
      else expect(w!.message).not.toContain('NOT used');
    });
  }

  it('with rig_proxy_jump set for the host the jump host is not said to be bypassed', async () => {
    const dir = writeTree({
      'hosts.yml': 'all:\n  vars:\n    ansible_ssh_common_args: -o ProxyJump=bastion\n  hosts:\n    h1:\n      rig_proxy_jump: bastion\n    h2:\n',
    });
    const warnings = (await loadInventory(dir)).warnings;
    expect(warnings).toHaveLength(1);
    // h2 has no rig_proxy_jump: it is still reached directly
    expect(warnings[0]!.message).toContain('hosts "h1", "h2"): the jump host bastion is NOT used');
    const onlyH1 = writeTree({ 'hosts.yml': 'all:\n  vars:\n    ansible_ssh_common_args: -o ProxyJump=bastion\n    rig_proxy_jump: bastion\n  hosts:\n    h1:\n' });
    const [w] = (await loadInventory(onlyH1)).warnings;
    expect(w!.message).not.toContain('NOT used');
    expect(w!.hint).toMatch(/^set what rig supports as variables \(rig_proxy_jump/);
  });

  it('the same variable on many host entries of one file is one warning; another file gets its own', async () => {
    const dir = writeTree({
      'hosts.yml': ['all:', '  hosts:', '    a:', '      ansible_ssh_pipelining: true', '    b:', '      ansible_ssh_pipelining: true', '    c:', '      ansible_ssh_pipelining: false', ''].join('\n'),
      'host_vars/c.yml': 'ansible_become_flags: -i\n',
      'host_vars/b.yml': 'ansible_ssh_pipelining: yes\n',
    });
    const warnings = (await loadInventory(dir)).warnings;
    expect(warnings.map((w) => `${w.where} ${w.message.split(':')[0]}`)).toEqual([
      `${dir}/hosts.yml:4 ansible_ssh_pipelining is ignored by rig (hosts "a", "c"; set on 2 lines of this file, the first is here)`,
      `${dir}/host_vars/b.yml:1 ansible_ssh_pipelining is ignored by rig (host "b")`,
      `${dir}/host_vars/c.yml:1 ansible_become_flags is ignored by rig (host "c")`,
    ]);
  });

  it('a value overridden for every host is not reported (Ansible does not use it either)', async () => {
    const dir = writeTree({ 'hosts.yml': 'all:\n  vars:\n    ansible_ssh_retries: 3\n  hosts:\n    h1:\n      ansible_ssh_retries:\n' });
    expect((await loadInventory(dir)).warnings).toEqual([]);
  });

  const instead: [string, string, RegExp, RegExp][] = [
    ['ansible_ssh_private_key_passphrase', 's3cret', /rig does not decrypt key files: an encrypted key is skipped unless ssh-agent holds it/, /ssh-add KEYFILE/],
    ['ansible_private_key_passphrase', 's3cret', /rig does not decrypt key files/, /ssh-add/],
    ['ansible_ssh_private_key', '-----BEGIN OPENSSH PRIVATE KEY-----', /rig reads private keys from files \(and ssh-agent\) only/, /ansible_ssh_private_key_file/],
    ['ansible_become_flags', '--preserve-env=HOME', /rig runs `sudo -H -n -u USER -- sh -c …`.*other flags \(-i, -E, …\) are not passed/, /sudoers/],
    ['ansible_become_exe', '/usr/local/bin/sudo', /rig runs `sudo -H -n -u USER/, /sudo is in the PATH/],
    ['ansible_scp_extra_args', '-l 8192', /passes no ssh\/scp\/sftp command-line options/, /~\/\.ssh\/config/],
    ['ansible_sftp_extra_args', '-l 8192', /passes no ssh\/scp\/sftp command-line options/, /~\/\.ssh\/config/],
    ['ansible_ssh_args', '-C', /passes no ssh\/scp\/sftp command-line options/, /~\/\.ssh\/config/],
    ['ansible_ssh_executable', '/opt/ssh', /rig runs no ssh, scp or sftp program/, /Ansible only/],
    ['ansible_ssh_transfer_method', 'piped', /rig runs no ssh, scp or sftp program/, /Ansible only/],
    ['ansible_ssh_pipelining', 'true', /nothing to pipeline/, /Ansible only/],
    ['ansible_pipelining', 'true', /nothing to pipeline/, /Ansible only/],
    ['ansible_host_key_checking', 'false', /rig always checks host keys against known_hosts/, /--accept-new-host-keys/],
    ['ansible_ssh_host_key_checking', 'false', /rig always checks host keys/, /ssh-keyscan/],
    ['ansible_control_path', '/tmp/%h', /one SSH connection per host/, /Ansible only/],
    ['ansible_ssh_retries', '3', /does not retry a failed connection/, /rerun rig/],
    ['ansible_ssh_use_tty', 'false', /without a TTY/, /requiretty/],
    ['ansible_ssh_timeout', '30', /rig reads ansible_timeout or rig_timeout instead/, /^rename it to ansible_timeout/],
    ['ansible_ssh_password', 'pw', /rig reads ansible_password, ansible_ssh_pass or rig_password instead/, /^rename it to ansible_password/],
    ['ansible_paramiko_proxy_command', 'ssh -W %h:%p bastion', /rig runs no proxy command: it connects directly/, /rig_proxy_jump/],
    ['ansible_sudo_user', 'app', /rig reads ansible_become_user or rig_become_user instead/, /^rename it to ansible_become_user/],
    ['ansible_su_user', 'app', /only with sudo/, /ansible_become_user/],
    ['ansible_shell_executable', '/bin/bash', /`sh -c …`/, /Ansible only/],
  ];
  for (const [name, value, message, hint] of instead) {
    it(`${name}: says what rig does instead, never the value`, async () => {
      const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    h1:\n', 'group_vars/all.yml': `${name}: ${JSON.stringify(value)}\n` });
      const warnings = (await loadInventory(dir)).warnings;
      expect(warnings.map((w) => w.where)).toEqual([`${dir}/group_vars/all.yml:1`]);
      expect(warnings[0]!.message).toMatch(new RegExp(`^${name} is ignored by rig \\(host "h1"\\): `));
      expect(warnings[0]!.message).toMatch(message);
      expect(warnings[0]!.hint).toMatch(hint);
      if (!/ProxyCommand|proxy/.test(name)) expect(warnings[0]!.message).not.toContain(value);
    });
  }
});
