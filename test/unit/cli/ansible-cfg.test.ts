/** ansible.cfg: configparser semantics as data (text → entries / problems), the search order, env overrides, typing. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnsibleCfg } from '../../../src/cli/ansible-cfg.ts';
import { parseIni } from '../../../src/cli/config-ini.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('parseIni reads ansible.cfg as Python configparser(inline_comment_prefixes=(";",)) does', () => {
  const cases: { name: string; text: string; entries?: string[]; problems?: string[] }[] = [
    { name: 'key = value and key: value, keys lower-cased', text: '[defaults]\nForks = 7\nremote_user: deploy\n', entries: ['defaults.forks=7@2', 'defaults.remote_user=deploy@3'] },
    { name: 'comment lines with # and ;, indented too', text: '# top\n[defaults]\n; c\n  # c2\nforks=3\n', entries: ['defaults.forks=3@5'] },
    { name: '" ;" starts an inline comment, ";" inside a word does not', text: '[defaults]\na = x ; note\nb = x;y\n', entries: ['defaults.a=x@2', 'defaults.b=x;y@3'] },
    { name: '"#" after a value is part of it', text: '[defaults]\na = x # not a comment\n', entries: ['defaults.a=x # not a comment@2'] },
    { name: 'the first = or : splits', text: '[defaults]\na = b=c\nd: e:f\n', entries: ['defaults.a=b=c@2', 'defaults.d=e:f@3'] },
    { name: 'an indented line continues the value', text: '[defaults]\ninventory = a,\n   b\nforks = 2\n', entries: ['defaults.inventory=a,\nb@2', 'defaults.forks=2@4'] },
    { name: 'empty value', text: '[defaults]\nremote_user =\n', entries: ['defaults.remote_user=@2'] },
    { name: 'CRLF and a BOM', text: '\uFEFF[defaults]\r\nforks = 4\r\n', entries: ['defaults.forks=4@2'] },
    { name: 'a key before any section', text: 'forks = 3\n[defaults]\n', problems: ["cfg:1 'forks = 3' comes before any [section]"] },
    { name: 'a line that is not key = value', text: '[defaults]\njust words\n', problems: ["cfg:2 'just words' is not a key = value line"] },
    { name: 'a repeated key', text: '[defaults]\nforks = 1\nforks = 2\n', entries: ['defaults.forks=1@2'], problems: ['cfg:3 [defaults] forks is already set at cfg:2'] },
    { name: 'a repeated section', text: '[defaults]\n[defaults]\n', problems: ['cfg:2 section [defaults] is given twice'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ini = parseIni(c.text, 'cfg');
      expect(ini.entries.map((e) => `${e.section}.${e.key}=${e.value}@${e.where.split(':')[1]}`)).toEqual(c.entries ?? []);
      expect(ini.problems.map((p) => `${p.where} ${p.message}`)).toEqual(c.problems ?? []);
    });
  }
  it('[DEFAULT] values apply to every section', () => {
    expect(parseIni('[DEFAULT]\nbecome = yes\n[privilege_escalation]\n', 'cfg').get('privilege_escalation', 'become')?.value).toBe('yes');
  });
});

/** A project dir with ansible.cfg `text`, and a home without one. */
function project(text: string | undefined, mode?: number): { cwd: string; home: string } {
  const root = tempDir('rig-cfg-');
  const cwd = path.join(root, 'project');
  const home = path.join(root, 'home');
  mkdirSync(cwd);
  mkdirSync(home);
  if (text !== undefined) writeFileSync(path.join(cwd, 'ansible.cfg'), text);
  if (mode !== undefined) chmodSync(cwd, mode);
  return { cwd, home };
}
const none = path.join('/nonexistent', 'ansible.cfg');

describe('loadAnsibleCfg: file search, types and environment as ansible-core 2.19', () => {
  it('types every key rig reads; paths are relative to the file, ~ expanded, quotes removed', () => {
    const { cwd, home } = project(
      '[defaults]\ninventory = ./inv\nforks = 7\nremote_user = "deploy"\nremote_port = 2222\nprivate_key_file = ~/.ssh/k\ntimeout = 30\nhost_key_checking = False\ntransport = local\nask_pass = no\n' +
        '[privilege_escalation]\nbecome = True\nbecome_user = app\nbecome_ask_pass = false\nbecome_method = sudo\n',
    );
    const cfg = loadAnsibleCfg({ cwd, home, env: {}, systemFile: none });
    const values = Object.fromEntries(Object.entries(cfg.settings).map(([k, v]) => [k, v?.value]));
    expect(values).toEqual({
      inventory: [path.join(cwd, 'inv')], forks: 7, remoteUser: 'deploy', remotePort: 2222, privateKeyFile: path.join(home, '.ssh/k'), timeout: 30,
      hostKeyChecking: false, transport: 'local', askPass: false, become: true, becomeUser: 'app', becomeAskPass: false, becomeMethod: 'sudo',
    });
    expect(cfg.settings.forks?.where).toBe(`${path.join(cwd, 'ansible.cfg')}:3`);
    expect(cfg.problems).toEqual([]);
    expect(cfg.warnings).toEqual([]);
  });

  it('environment variables win over the file; env paths are relative to the working directory', () => {
    const { cwd, home } = project('[defaults]\nforks = 7\nremote_user = deploy\ninventory = inv\n');
    const cfg = loadAnsibleCfg({ cwd, home, env: { ANSIBLE_FORKS: '3', ANSIBLE_INVENTORY: 'other', ANSIBLE_BECOME: 'yes' }, systemFile: none });
    expect(cfg.settings.forks).toEqual({ value: 3, where: '$ANSIBLE_FORKS' });
    expect(cfg.settings.inventory?.value).toEqual([path.join(cwd, 'other')]);
    expect(cfg.settings.remoteUser?.value).toBe('deploy');
    expect(cfg.settings.become?.value).toBe(true);
  });

  it('a comma list of inventories is kept as a list (run-settings refuses more than one)', () => {
    const { cwd, home } = project('[defaults]\ninventory = a, b ,\n');
    expect(loadAnsibleCfg({ cwd, home, env: {}, systemFile: none }).settings.inventory?.value).toEqual([path.join(cwd, 'a'), path.join(cwd, 'b')]);
  });

  it('bad values are problems at file:line or $VAR; unknown keys one warning each', () => {
    const { cwd, home } = project('[defaults]\nforks = many\nretry_files_enabled = False\n[ssh_connection]\npipelining = True\n[privilege_escalation]\nbecome = perhaps\n');
    const cfg = loadAnsibleCfg({ cwd, home, env: { ANSIBLE_TIMEOUT: 'soon' }, systemFile: none });
    const f = path.join(cwd, 'ansible.cfg');
    expect(cfg.problems.map((p) => `${p.where} ${p.message}`)).toEqual([
      `${f}:2 [defaults] forks must be an integer, got 'many'`,
      `${f}:7 [privilege_escalation] become must be a boolean (yes/no, true/false, on/off, 1/0), got 'perhaps'`,
      `$ANSIBLE_TIMEOUT ANSIBLE_TIMEOUT must be an integer, got 'soon'`,
    ]);
    expect(cfg.warnings.map((w) => `${w.where} ${w.message}`)).toEqual([
      `${f}:3 [defaults] retry_files_enabled is not read by rig: it has no effect here`,
      `${f}:5 [ssh_connection] pipelining is not read by rig: it has no effect here`,
    ]);
  });

  it('search order: $ANSIBLE_CONFIG (a file or a directory), ./ansible.cfg, ~/.ansible.cfg, the system file', () => {
    const { cwd, home } = project('[defaults]\nforks = 1\n');
    writeFileSync(path.join(home, '.ansible.cfg'), '[defaults]\nforks = 2\n');
    const other = tempDir('rig-cfg-env-');
    writeFileSync(path.join(other, 'ansible.cfg'), '[defaults]\nforks = 3\n');
    const forks = (env: Record<string, string>, dir = cwd) => loadAnsibleCfg({ cwd: dir, home, env, systemFile: none }).settings.forks?.value;
    expect(forks({ ANSIBLE_CONFIG: path.join(other, 'ansible.cfg') })).toBe(3);
    expect(forks({ ANSIBLE_CONFIG: other })).toBe(3);
    expect(forks({})).toBe(1);
    expect(forks({}, home)).toBe(2);
    const missing = loadAnsibleCfg({ cwd, home, env: { ANSIBLE_CONFIG: '/nonexistent/x.cfg' }, systemFile: none });
    expect(missing.settings.forks?.value).toBe(1);
    expect(missing.warnings.map((w) => w.where)).toEqual(['$ANSIBLE_CONFIG']);
    expect(loadAnsibleCfg({ cwd: home, home: cwd + '-none', env: {}, systemFile: none }).file).toBeUndefined();
  });

  it('./ansible.cfg in a world-writable directory is ignored with a warning (Ansible: cfg-in-world-writable-dir)', () => {
    const { cwd, home } = project('[defaults]\nforks = 1\n', 0o777);
    const cfg = loadAnsibleCfg({ cwd, home, env: {}, systemFile: none });
    expect(cfg.file).toBeUndefined();
    expect(cfg.warnings).toEqual([expect.objectContaining({ where: path.join(cwd, 'ansible.cfg'), message: expect.stringContaining('world-writable') })]);
    chmodSync(cwd, 0o755);
  });
});
