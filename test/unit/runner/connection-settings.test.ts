/** Connection vars given as Jinja (or by -e), rendered per host before connecting: settings in, errors with var/file/host. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError, type Host } from '../../../src/core/index.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { withRenderedConnections } from '../../../src/runner/connection-settings.ts';

const dir = join(import.meta.dirname, '../../fixtures/inventory/jinja-connection');
const inv = await loadInventory(dir);
const pick = (h: Host | undefined) => h && { address: h.ssh.address, port: h.ssh.port, user: h.ssh.user, become: h.become, keys: h.ssh.identityFiles };

describe('connection settings from Jinja vars', () => {
  it('loads: a Jinja value is neither used nor validated at load, and the inventory keeps it raw', () => {
    expect(inv.host('c1')!.ssh).toMatchObject({ address: 'c1', port: 22 });
    expect(inv.host('c1')!.vars.ansible_host).toBe('{{ ip }}');
  });

  it.each([
    ['c1', {}, { address: '10.9.0.1', port: 2201, user: 'deploy', become: true, keys: [join(dir, 'keys/c1.key')] }],
    ['c1', { admin: 'root', base_port: 3000 }, { address: '10.9.0.1', port: 3001, user: 'root', become: true, keys: [join(dir, 'keys/c1.key')] }],
    ['c4', { ansible_user: 'ops', ansible_port: '2222' }, { address: 'plain.example', port: 2222, user: 'ops', become: false, keys: undefined }],
    ['c4', {}, { address: 'plain.example', port: 22, user: undefined, become: false, keys: undefined }],
  ] as const)('%s with -e %j', (host, extra, expected) => {
    expect(pick(withRenderedConnections(inv, extra, [host]).host(host))).toEqual(expected);
  });

  it.each([
    ['c2', /hosts\.yml:15: host "c2": ansible_port must be a port number 1–65535, got "abc"/],
    ['c3', /hosts\.yml:17: host c3: variable 'ansible_user' \("\{\{ nobody \}\}"\): 'nobody' is undefined/],
  ])('%s: a bad rendered value is a ValidationError naming var, file:line and host', (host, message) => {
    let err: unknown;
    try {
      withRenderedConnections(inv, {}, [host]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(message);
  });

  it('a host the run does not use is not an error (Ansible renders only what it uses); it keeps its load-time settings', () => {
    const r = withRenderedConnections(inv, {}, ['c1']);
    expect(r.host('c1')!.ssh.address).toBe('10.9.0.1');
    expect(r.host('c3')!.ssh.user).toBeUndefined();
  });
});

describe('command-line defaults (-u, --private-key, -c) survive rendering', () => {
  it('a host whose ansible_host is Jinja keeps -u where its vars set no user, and its own ansible_user where they do', async () => {
    const { inventoryWithDefaults } = await import('../../../src/inventory/index.ts');
    const withCli = inventoryWithDefaults(inv, { user: 'cli-user', privateKeyFile: '/keys/cli' });
    const c4 = withRenderedConnections(withCli, { ansible_host: 'x.example' }, ['c4']).host('c4')!;
    expect([c4.ssh.address, c4.ssh.user, c4.ssh.identityFiles]).toEqual(['x.example', 'cli-user', ['/keys/cli']]);
    const c1 = withRenderedConnections(withCli, {}, ['c1']).host('c1')!;
    expect([c1.ssh.address, c1.ssh.user]).toEqual(['10.9.0.1', 'deploy']);
  });
});

describe('!unsafe values are never rendered', () => {
  it('as a connection var, and as a var a task reads', async () => {
    const { lazyVars } = await import('../../../src/runner/lazy-vars.ts');
    const u = await loadInventory(join(import.meta.dirname, '../../fixtures/inventory/jinja-unsafe'));
    expect(withRenderedConnections(u, {}, ['u1']).host('u1')!.ssh.address).toBe('10.9.0.7');
    const vars = lazyVars(u.host('u1')!.vars, { host: 'u1', templated: () => true, magic: () => undefined, origin: () => undefined });
    expect([vars.literal, vars.go_format, vars.rendered]).toEqual(['{{ not_a_var }} stays', '{{.Node.Hostname}}', '10.9.0.7:80']);
  });
});

describe('a vaulted connection var no secret opens', () => {
  it('is an error for a host the run targets only, naming host, variable and file:line', async () => {
    const { readFileSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const vaultText = /!vault \|\n((?: {16}.*\n)+)/.exec(readFileSync(join(import.meta.dirname, '../../fixtures/inventory/vault-label/hosts.yml'), 'utf8'))![1]!;
    const d = mkdtempSync(join(tmpdir(), 'rig-vault-conn-'));
    writeFileSync(join(d, 'hosts.yml'), `all:\n  hosts:\n    locked:\n      ansible_password: !vault |\n${vaultText}    other:\n      ansible_host: 10.0.0.2\n`);
    const v = await loadInventory(d);
    expect(withRenderedConnections(v, {}, ['other']).host('other')!.ssh.address).toBe('10.0.0.2');
    expect(() => withRenderedConnections(v, {}, ['locked'])).toThrow(/host locked: variable 'ansible_password': this !vault value needs a vault password/);
  });
});
