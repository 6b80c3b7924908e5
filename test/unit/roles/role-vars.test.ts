/** Role variables are typed at run time: inferred from defaults or given as schemas, coerced from -e strings, refused with host + variable. */
import { describe, expect, it } from 'vitest';
import { defineRole, port, ValidationError, z } from '../../../src/index.ts';
import { checkVar } from '../../../src/core/index.ts';
import { coerceVars } from '../../../src/runner/index.ts';
import consul from '../../../roles/consul/index.ts';
import docker from '../../../roles/docker/index.ts';
import firewall from '../../../roles/firewall/index.ts';
import kernel from '../../../roles/kernel/index.ts';
import swarm from '../../../roles/swarm/index.ts';

const role = defineRole({ name: 'web', defaults: { port: 8080, enabled: false, name: 'web', tags: ['a'] }, tasks: () => [] });

describe('schemas inferred from defaults, strings from -e coerced', () => {
  it.each([
    ['port', '9090', 9090],
    ['enabled', 'false', false],
    ['enabled', 'yes', true],
    ['enabled', 'True', true],
    ['port', 8081, 8081],
    ['name', 'api', 'api'],
    ['tags', ['x', 'y'], ['x', 'y']],
  ])('%s = %j → %j', (name, given, want) => {
    const r = coerceVars(role.varSchemas, { ...role.defaults, [name]: given }, true);
    expect(r.problems).toEqual([]);
    expect(r.vars[name]).toEqual(want);
  });
  it.each([
    ['port', 'abc', 'port = "abc": Invalid input: expected number, received string'],
    ['enabled', 'maybe', 'enabled = "maybe": expected true or false (also yes/no, on/off, 1/0), got string "maybe"'],
    ['name', 5, 'name = 5: expected a string, got number 5 (quote it)'],
    ['tags', 'a=b', 'tags = "a=b": expected a list, got string "a=b"'],
    ['port', Number.NaN, 'port = NaN: Invalid input: expected number, received NaN'],
  ])('%s = %j is refused: %s', (name, given, message) => {
    const r = coerceVars(role.varSchemas, { ...role.defaults, [name]: given }, true);
    expect(r.problems.map((p) => p.message).join('\n')).toContain(message);
  });
  it('a value that is already right is returned as it is (no copy)', () => {
    const vars = { ...role.defaults };
    expect(coerceVars(role.varSchemas, vars).vars).toBe(vars);
  });
});

describe('explicit variable schemas', () => {
  it('replace the inferred one, and a default that does not fit its own schema is the role author’s error', () => {
    const r = defineRole({ name: 'r', defaults: { p: 22 }, vars: { p: port }, tasks: () => [] });
    expect(checkVar(r.varSchemas.p!, '70000')).toEqual({ problem: 'a port is 1-65535, got 70000' });
    expect(checkVar(r.varSchemas.p!, '2222')).toEqual({ value: 2222 });
    expect(() => defineRole({ name: 'bad', defaults: { p: 0 }, vars: { p: port }, tasks: () => [] })).toThrow(ValidationError);
    expect(() => defineRole({ name: 'bad', defaults: { p: 0 }, vars: { p: port }, tasks: () => [] })).toThrow(/role bad: the default of p does not fit its schema/);
  });
  it('a variable with a schema and no default is required', () => {
    const r = defineRole({ name: 'r', vars: { cidr: z.string() }, tasks: () => [] });
    expect(coerceVars(r.varSchemas, {}, true).problems[0]?.message).toContain('cidr = undefined');
    expect(coerceVars(r.varSchemas, {}, false).problems).toEqual([]);
  });
});

const roles = { kernel, firewall, docker, consul, swarm } as const;

describe('the cluster roles’ variables', () => {
  const all = { cluster_cidr: '10.20.0.0/16' };
  const check = (r: { readonly varSchemas: typeof docker.varSchemas; readonly defaults: object }, vars: Record<string, unknown>) =>
    coerceVars(r.varSchemas, { ...r.defaults, ...all, ...vars }, true).problems.map((p) => p.message);
  it('accept the defaults and inventory/prod-like values', () => {
    for (const r of Object.values(roles)) expect(check(r, {})).toEqual([]);
    expect(check(docker, { docker_log_max_size: '50m', docker_log_max_file: 5, docker_labels: ['zone=a'] })).toEqual([]);
    expect(check(swarm, { swarm_default_addr_pool: '10.128.0.0/12', swarm_default_addr_pool_mask_length: 24, swarm_node_labels: { zone: 'a', disk: 'ssd' } })).toEqual([]);
    expect(check(consul, { consul_install: 'archive', consul_version: '1.19.2', consul_bootstrap_expect: 3 })).toEqual([]);
    expect(check(roles.firewall, { firewall_backend: 'firewalld', firewall_firewalld_zone: 'internal' })).toEqual([]);
  });
  it.each([
    ['firewall', { firewall_ssh_port: -1 }, 'firewall_ssh_port = -1: a port is 1-65535, got -1'],
    ['firewall', { firewall_ssh_port: 70000 }, 'firewall_ssh_port = 70000: a port is 1-65535, got 70000'],
    ['firewall', { firewall_ssh_port: '22x' }, 'firewall_ssh_port = "22x"'],
    ['firewall', { firewall_backend: 'pf' }, 'firewall_backend = "pf": Invalid option'],
    ['firewall', { firewall_input_policy: 'reject' }, 'firewall_input_policy = "reject"'],
    ['firewall', { cluster_cidr: '10.20.0.0/33' }, 'cluster_cidr = "10.20.0.0/33": "10.20.0.0/33" is not a network like 10.20.0.0/16 or fd00:20::/64 (host bits zero)'],
    ['swarm', { swarm_default_addr_pool: 'fd00:128::/48' }, 'swarm_default_addr_pool = "fd00:128::/48": "fd00:128::/48" is an IPv6 network: this variable takes an IPv4 network like 10.20.0.0/16'],
    ['firewall', { firewall_docker_published_from: ['any'] }, 'firewall_docker_published_from'],
    ['firewall', { firewall_firewalld_zone: 'my zone' }, 'firewall_firewalld_zone = "my zone": "my zone" is not a firewalld zone name (1-17 letters, digits, _+-)'],
    ['docker', { docker_log_max_size: { a: 1 } }, "docker_log_max_size = {\"a\":1}: expected a size like '10m'"],
    ['docker', { docker_log_driver: 5 }, 'docker_log_driver = 5: Invalid input: expected string, received number'],
    ['docker', { docker_labels: 'a=b' }, `docker_labels = "a=b": expected a list of 'key=value' labels`],
    ['docker', { docker_labels: ['nolabel'] }, "a label is 'key=value'"],
    ['docker', { docker_log_max_file: 0 }, 'docker_log_max_file = 0: Too small'],
    ['docker', { docker_dns: ['consul'] }, 'docker_dns'],
    ['docker', { docker_live_restore: 'sometimes' }, 'docker_live_restore = "sometimes"'],
    ['kernel', { kernel_modules: 'overlay' }, 'kernel_modules = "overlay"'],
    ['kernel', { kernel_sysctls: { 'net.ipv4.ip_forward': { a: 1 } } }, 'a sysctl value is a string or a number'],
    ['kernel', { rebootAllowed: 'perhaps' }, 'rebootAllowed = "perhaps"'],
    ['consul', { consul_install: 'brew' }, 'consul_install = "brew"'],
    ['consul', { consul_data_dir: 'opt/consul' }, 'consul_data_dir = "opt/consul": must be an absolute path'],
    ['consul', { consul_encrypt_key: 'short' }, 'consul keygen'],
    ['consul', { consul_bootstrap_expect: 0 }, 'consul_bootstrap_expect = 0: Too small'],
    ['swarm', { swarm_default_addr_pool_mask_length: 40 }, 'swarm_default_addr_pool_mask_length = 40: Too big'],
    ['swarm', { swarm_node_labels: ['zone=a'] }, 'swarm_node_labels'],
  ])('%s: %j is refused', (r, vars, message) => expect(check(roles[r as keyof typeof roles], vars).join('\n')).toContain(message));
  it('-e strings for typed cluster variables are coerced', () => {
    const r = coerceVars(firewall.varSchemas, { ...firewall.defaults, ...all, firewall_ssh_port: '2222', firewall_ipv6: 'false' }, true);
    expect(r.problems).toEqual([]);
    expect(r.vars).toMatchObject({ firewall_ssh_port: 2222, firewall_ipv6: false });
    expect(coerceVars(docker.varSchemas, { ...docker.defaults, docker_live_restore: 'true' }, true).vars.docker_live_restore).toBe(true);
  });
});
