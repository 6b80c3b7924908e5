import { afterEach, describe, expect, it } from 'vitest';
import { redact, REDACTED } from '../../../src/core/secret.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { validationError, writeTree } from './helpers.ts';

const envNames: string[] = [];
function setEnv(name: string, value: string): void {
  process.env[name] = value;
  envNames.push(name);
}
afterEach(() => {
  for (const n of envNames.splice(0)) delete process.env[n];
});

describe('rig YAML tags', () => {
  it('!secret keeps the value usable and registers it for redaction', async () => {
    const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    h:\n      db_password: !secret correct-horse-42\n      port_secret: !secret 1234567\n' });
    const inv = await loadInventory(dir);
    expect(inv.host('h')!.vars.db_password).toBe('correct-horse-42');
    expect(inv.host('h')!.vars.port_secret).toBe('1234567');
    expect(redact('pw=correct-horse-42')).toBe(`pw=${REDACTED}`);
  });

  it('!env reads the environment, !secret_env also redacts; connection passwords are always secret', async () => {
    setEnv('RIG_TEST_REGION', 'eu-west-7');
    setEnv('RIG_TEST_TOKEN', 'tok-9f8e7d6c');
    setEnv('RIG_TEST_SSH_PW', 'ssh-pw-5a4b3c');
    const dir = writeTree({
      'hosts.yml': 'all:\n  hosts:\n    h:\n      region: !env RIG_TEST_REGION\n      token: !secret_env RIG_TEST_TOKEN\n      ansible_password: !env RIG_TEST_SSH_PW\n',
    });
    const inv = await loadInventory(dir);
    expect(inv.host('h')!.vars).toMatchObject({ region: 'eu-west-7', token: 'tok-9f8e7d6c' });
    expect(inv.host('h')!.ssh.password).toBe('ssh-pw-5a4b3c');
    expect(redact('eu-west-7 tok-9f8e7d6c ssh-pw-5a4b3c')).toBe(`eu-west-7 ${REDACTED} ${REDACTED}`);
  });

  it('an unset !env variable, a malformed !vault value and an unknown tag are errors with file:line:col', async () => {
    delete process.env.RIG_TEST_UNSET_VAR;
    const dir = writeTree({
      'group_vars/all.yml': 'a: 1\nkey: !env RIG_TEST_UNSET_VAR\npw: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\nother: !custom x\n',
      'hosts.yml': 'all:\n  hosts: { h: }\n',
    });
    const err = await validationError(loadInventory(dir));
    const f = `${dir}/group_vars/all.yml`;
    expect(err.problems.map((p) => p.where)).toEqual([`${f}:2:6`, `${f}:3:5`, `${f}:6:8`]);
    expect(err.problems[0]!.message).toContain('environment variable RIG_TEST_UNSET_VAR is not set');
    expect(err.problems[1]!.message).toBe('bad vault data: Vault vaulttext format error.');
    expect(err.problems[1]!.hint).toContain('ansible-vault encrypt_string');
    expect(err.problems[2]!.message).toBe('unknown YAML tag !custom');
  });
});

describe('YAML values as PyYAML (Ansible) reads them', () => {
  it('1.1 booleans without y/n, octal, sexagesimal, PyYAML floats, dates as text, merge keys', async () => {
    const dir = writeTree({
      'hosts.yml': [
        'all:',
        '  vars:',
        '    base: &base { x: 1, y: 2 }',
        '  hosts:',
        '    h:',
        '      on_: on',
        '      yes_: Yes',
        '      y_: y',
        '      n_: n',
        '      oct: 0755',
        '      sexa: 1:20',
        '      exp_string: 1e3',
        '      exp_float: 1.5e+3',
        '      date: 2001-12-14',
        '      merged:',
        '        <<: *base',
        '        y: 3',
        '',
      ].join('\n'),
    });
    const inv = await loadInventory(dir);
    expect(inv.host('h')!.vars).toMatchObject({
      on_: true, yes_: true, y_: 'y', n_: 'n', oct: 493, sexa: 80, exp_string: '1e3', exp_float: 1500, date: '2001-12-14', merged: { x: 1, y: 3 },
    });
  });

  it('rig tags on collections are errors', async () => {
    const dir = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    h: { a: 1, a: 2 }\n    g:\n      pw: !secret [1, 2]\n' });
    const err = await validationError(loadInventory(dir));
    expect(err.problems.map((p) => [p.where, p.message])).toEqual([[`${dir}/hosts.yml:5:11`, '!secret applies to a single value, not a list or mapping']]);
  });

  it('duplicate keys warn at the repeated key and keep the last value, as Ansible (inventory and vars files, nested maps)', async () => {
    const dir = writeTree({
      'hosts.yml': 'all:\n  hosts:\n    h: { a: 1, a: 2 }\n',
      'host_vars/h.yml': 'b: first\nc: 1\nb: second\nm:\n  x: 1\n  x: 2\n',
    });
    const inv = await loadInventory(dir);
    expect(inv.host('h')!.vars).toEqual({ a: 2, b: 'second', c: 1, m: { x: 2 } });
    expect(inv.warnings.filter((w) => w.message.startsWith('duplicate key')).map((w) => w.where)).toEqual([
      `${dir}/hosts.yml:3`,
      `${dir}/host_vars/h.yml:3`,
      `${dir}/host_vars/h.yml:6`,
    ]);
  });
});
