/** `rig adhoc -m/-a`: Ansible module names onto rig's modules (did-you-mean), Ansible arg names and string typing. */
import { describe, expect, it } from 'vitest';
import { adhocExitCode, adhocTask } from '../../../src/cli/adhoc-command.ts';
import { parseAdhocArgs } from '../../../src/cli/adhoc-args.ts';
import { ADHOC_MODULES, adhocArgs, namesOf, resolveAdhocModule, type AdhocModule } from '../../../src/cli/adhoc-modules.ts';
import { argProblems, type HostRecap } from '../../../src/core/index.ts';

const mod = (name: string): AdhocModule => {
  const m = resolveAdhocModule(name);
  if (!('factory' in m)) throw new Error(m.message);
  return m;
};

describe('-m: Ansible module names', () => {
  it.each([
    ['command', 'command'],
    ['ansible.builtin.command', 'command'],
    ['ansible.legacy.shell', 'shell'],
    ['raw', 'shell'],
    ['ping', 'waitFor'],
    ['setup', 'debug'],
    ['ansible.builtin.copy', 'copy'],
    ['file', 'file'],
    ['apt', 'apt'],
    ['service', 'systemd'],
    ['systemd', 'systemd'],
    ['ansible.builtin.systemd_service', 'systemd'],
    ['lineinfile', 'lineinfile'],
    ['debug', 'debug'],
    ['reboot', 'reboot'],
    ['get_url', 'getUrl'],
    ['wait_for', 'waitFor'],
    ['ansible.posix.sysctl', 'sysctl'],
    ['community.general.modprobe', 'modprobe'],
  ])('%s runs rig module %s', (name, rigModule) => {
    expect(mod(name).factory.module.name).toBe(rigModule);
  });

  it.each([
    ['pnig', "rig has no module 'pnig' (did you mean 'ping'?)"],
    ['ansible.builtin.coppy', "rig has no module 'ansible.builtin.coppy' (did you mean 'copy'?)"],
    ['getUrl', "rig has no module 'getUrl' (did you mean 'get_url'?)"],
    ['ansible.posix.apt', "rig has no module 'ansible.posix.apt' (did you mean 'apt'?)"],
    ['unarchive', "rig has no module 'unarchive'"],
  ])('%s → %s, listing the supported ones', (name, message) => {
    const r = resolveAdhocModule(name);
    expect('message' in r && r.message).toBe(message);
    expect('hint' in r && r.hint).toContain('command, shell, raw, ping, setup, copy');
  });

  it('every name is unique', () => {
    const all = ADHOC_MODULES.flatMap(namesOf);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('-a: Ansible arg names and strings typed by the schema', () => {
  const args = (name: string, text: string, cwd = '/work') => {
    const m = mod(name);
    return adhocArgs(m, parseAdhocArgs(text, m.freeForm ?? false), cwd);
  };
  it.each([
    ['shell', 'echo hi | wc -c', { cmd: 'echo hi | wc -c' }],
    // only creates/removes/chdir/… are options inside a command: cmd=x is part of the command, as in Ansible
    ['shell', 'echo hi cmd=x', { cmd: 'echo hi cmd=x' }],
    ['command', 'chdir=/tmp ls -l creates=/x', { chdir: '/tmp', creates: '/x', cmd: 'ls -l' }],
    ['command', '{"argv": ["echo", "a b"]}', { cmd: ['echo', 'a b'] }],
    ['copy', "content='a b' dest=/srv/f mode=0644 backup=yes", { content: 'a b', dest: '/srv/f', mode: '0644', backup: true }],
    ['copy', 'src=files/app.conf dest=/etc/app.conf', { src: '/work/files/app.conf', dest: '/etc/app.conf' }],
    ['copy', 'src=/abs/app.conf dest=/etc/app.conf', { src: '/abs/app.conf', dest: '/etc/app.conf' }],
    ['file', 'dest=/srv/d state=directory recurse=true', { path: '/srv/d', state: 'directory', recurse: true }],
    ['file', 'name=/srv/l src=../x state=link', { path: '/srv/l', src: '../x', state: 'link' }],
    ['apt', 'name=nginx,curl state=present update_cache=yes cache_valid_time=3600', { name: ['nginx', 'curl'], state: 'present', updateCache: true, cacheValidTime: 3600 }],
    ['apt', 'pkg=nginx', { name: 'nginx' }],
    ['systemd', 'name=nginx state=restarted enabled=no daemon_reload=on', { name: 'nginx', state: 'restarted', enabled: false, daemonReload: true }],
    ['lineinfile', "dest=/etc/hosts regexp='^127' line='127.0.0.1 localhost'", { path: '/etc/hosts', regexp: '^127', line: '127.0.0.1 localhost' }],
    ['user', 'name=app groups=a,b create_home=false uid=1500', { name: 'app', groups: ['a', 'b'], createHome: false, uid: 1500 }],
    ['user', 'name=app groups=docker', { name: 'app', groups: ['docker'] }],
    ['get_url', `url=https://x/y dest=/tmp/y checksum=sha256:${'ab'.repeat(32)} timeout=30`, { url: 'https://x/y', dest: '/tmp/y', checksum: `sha256:${'ab'.repeat(32)}`, timeoutSec: 30 }],
    ['reboot', 'reboot_timeout=120 test_command=uptime', { rebootTimeoutSec: 120, testCommand: 'uptime' }],
    ['sysctl', 'name=net.ipv4.ip_forward value=1 sysctl_file=/etc/sysctl.d/ip.conf', { name: 'net.ipv4.ip_forward', value: '1', file: '/etc/sysctl.d/ip.conf' }],
    ['debug', 'msg="hello world" verbosity=1', { msg: 'hello world', verbosity: 1 }],
    ['debug', '{"msg": {"a": 1}}', { msg: { a: 1 } }],
    ['wait_for', 'port=22 timeout=5', { port: 22, timeoutSec: 5 }],
  ])('%s -a %j → %j', (name, text, expected) => {
    const r = args(name, text);
    expect('args' in r && r.args).toEqual(expected);
    // what the mapping builds is valid for the rig module
    if ('args' in r) expect(argProblems(mod(name).factory.module, r.args)).toEqual([]);
  });

  it('every problem of -a at once', () => {
    const r = args('apt', 'name=x update_cache=maybe install_recommends=perhaps stray');
    expect('problems' in r && r.problems).toEqual([
      'update_cache: expected a boolean (yes/no, true/false, on/off, 1/0), got "maybe"',
      'install_recommends: expected a boolean (yes/no, true/false, on/off, 1/0), got "perhaps"',
      'free-form text "stray" is not an argument of apt: give key=value pairs (Ansible: does not support raw params)',
    ]);
  });

  it.each([
    ['shell', '', 'No argument passed to shell module'],
    ['shell', 'chdir=/tmp', 'No argument passed to shell module'],
    ['command', '{"cmd": "a", "argv": ["b"]}', 'cmd is given twice (as cmd and as argv)'],
    ['file', 'path=/a dest=/b', 'path is given twice (as path and as dest)'],
    ['copy', 'dest=/x hello', 'free-form text "hello" is not an argument of copy'],
    ['apt', 'name=x update_cache=maybe', 'update_cache: expected a boolean (yes/no, true/false, on/off, 1/0), got "maybe"'],
    ['user', 'name=x uid=abc', 'uid: expected a number, got "abc"'],
    ['ping', 'data=x extra=1', "unknown key 'extra': ping takes only data"],
    ['setup', 'gather_subset=all', "unknown key 'gather_subset'"],
  ])('%s -a %j → %s', (name, text, message) => {
    const r = args(name, text);
    expect('problems' in r && r.problems.join('\n')).toContain(message);
  });

  it('unknown Ansible args reach the module schema, which names them with a suggestion', () => {
    const r = args('copy', 'contnt=x dest=/srv/f force=yes');
    expect('args' in r && argProblems(mod('copy').factory.module, r.args).join('\n')).toContain("unknown key 'contnt' (did you mean 'content'?); unknown key 'force'");
  });
});

describe('the ad-hoc task', () => {
  it('is named after -m/-a, reported at -a, and takes --become-user', () => {
    const r = adhocTask({ moduleName: 'shell', args: 'id -un', becomeUser: 'postgres' }, '/');
    expect('task' in r && { name: r.task.options.name, definedAt: r.task.definedAt, becomeUser: r.task.options.becomeUser }).toEqual({
      name: 'shell id -un',
      definedAt: '-a "id -un"',
      becomeUser: 'postgres',
    });
  });

  it('problems say which flag', () => {
    const r = adhocTask({ moduleName: 'copy', args: 'dest=/x "unclosed' }, '/');
    expect('problems' in r && r.problems.map((p) => `${p.where}: ${p.message}`)).toEqual([`-a "dest=/x \\"unclosed": copy: failed at splitting arguments, either an unbalanced jinja2 block or quotes (Ansible's words): close the quote`]);
    const m = adhocTask({ moduleName: 'nope' }, '/');
    expect('problems' in m && m.problems[0]!.where).toBe('-m nope');
  });
});

describe("exit code as ansible's", () => {
  const row = (o: Partial<HostRecap>): HostRecap => ({ ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0, execs: 0, ...o });
  it.each([
    [{ a: row({ ok: 1 }) }, 0],
    [{ a: row({ failed: 1 }), b: row({ ok: 1 }) }, 2],
    [{ a: row({ unreachable: 1 }) }, 4],
    // ansible's StrategyBase.run: unreachable wins over failed (ansible-playbook/rig run add them up: 6)
    [{ a: row({ failed: 1 }), b: row({ unreachable: 1 }) }, 4],
    [{ a: row({ ignored: 1 }) }, 0],
  ])('%j → %i', (recap, code) => expect(adhocExitCode(recap)).toBe(code));
});
