/** clusterPlaybook (rig/roles): the playbook playbooks/cluster.ts declared, and role params reaching each role's scope. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory, ValidationError, withRoleParams } from '../../../src/index.ts';
import { roleVarProblems } from '../../../src/runner/index.ts';
import clusterPlaybookFile from '../../../playbooks/cluster.ts';
import { clusterPlaybook, consul, docker, firewall, kernel, swarm, swarmPreflight } from '../../../roles/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

const INPUT_TASKS = ['cluster CIDR, addresses, odd managers', 'docker options', 'docker engine takes the options', 'existing gossip key', 'gossip key on the consul servers', 'gossip key (once)', ...swarmPreflight.map((t) => t.options.name)];

describe('clusterPlaybook()', () => {
  it.each([
    ['clusterPlaybook()', clusterPlaybook()],
    ['playbooks/cluster.ts', clusterPlaybookFile],
  ])('%s: the cluster input play, then the cluster play with kernel, firewall, docker, consul and swarm', (_what, pb) => {
    expect(pb.kind).toBe('playbook');
    expect(pb.plays.map((p) => p.name)).toEqual(['cluster input', 'cluster']);
    const [input, cluster] = pb.plays;
    expect(input).toMatchObject({ hosts: 'all', become: true, anyErrorsFatal: true, roles: [] });
    expect(input!.tasks.map((t) => (t.kind === 'task' ? t.options.name : t.kind))).toEqual(INPUT_TASKS);
    // the swarm preflight tasks are the role's own (their results are what its decision reads)
    expect(input!.tasks.slice(6)).toEqual([...swarmPreflight]);
    expect(cluster).toMatchObject({ hosts: 'all', become: true, tasks: [] });
    expect(cluster!.anyErrorsFatal ?? false).toBe(false);
    // no params: each role is used as it is (the same object, no params)
    expect(cluster!.roles).toEqual([kernel, firewall, docker, consul, swarm]);
    cluster!.roles.forEach((r, i) => expect(r).toBe([kernel, firewall, docker, consul, swarm][i]));
    expect(cluster!.roles.map((r) => r.params)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('hosts: both plays target the pattern', () => {
    expect(clusterPlaybook({ hosts: 'lab:&linux' }).plays.map((p) => p.hosts)).toEqual(['lab:&linux', 'lab:&linux']);
  });

  it("a role param reaches that role's use only (role.params), the role value itself is unchanged", () => {
    const pb = clusterPlaybook({ params: { docker: { docker_log_driver: 'journald', docker_live_restore: false }, kernel: { rebootAllowed: true } } });
    const roles = pb.plays[1]!.roles;
    expect(roles.map((r) => r.name)).toEqual(['kernel', 'firewall', 'docker', 'consul', 'swarm']);
    expect(roles.map((r) => r.params)).toEqual([{ rebootAllowed: true }, undefined, { docker_log_driver: 'journald', docker_live_restore: false }, undefined, undefined]);
    // the same role otherwise: tasks, handlers, schemas, dir
    expect(roles[2]).toMatchObject({ tasks: docker.tasks, handlers: docker.handlers, varSchemas: docker.varSchemas, dir: docker.dir, defaults: docker.defaults });
    expect(roles[1]).toBe(firewall);
    expect(docker.params).toBeUndefined();
    expect(kernel.params).toBeUndefined();
  });

  it('role params are typed by the role defaults, and refused at run time when the compiler is bypassed', () => {
    // @ts-expect-error not a variable of the docker role
    expect(() => clusterPlaybook({ params: { docker: { docker_log_drvier: 'journald' } } })).toThrow(/did you mean 'docker_log_driver'/);
    // @ts-expect-error no such role
    expect(() => clusterPlaybook({ params: { nginx: {} } })).toThrow(/unknown role 'nginx'; known roles: kernel, firewall, docker, consul, swarm/);
    // the value's type is checked at load, against the role's schema (roleVarProblems, below)
    // @ts-expect-error docker_live_restore is a boolean
    const wrongType = clusterPlaybook({ params: { docker: { docker_live_restore: 'yes' } } });
    expect(wrongType.plays[1]!.roles[2]!.params).toEqual({ docker_live_restore: 'yes' });
  });

  it("a role param is above the inventory and play vars in the role's scope, and checked against its schema at load", async () => {
    const dir = tempDir('rig-role-params-');
    const inv = path.join(dir, 'hosts.yml');
    writeFileSync(inv, 'all:\n  hosts:\n    n1:\n  vars:\n    cluster_cidr: 10.77.0.0/24\n    docker_log_max_file: 3\n');
    const inventory = await loadInventory(inv);
    const ok = clusterPlaybook().plays[1]!;
    expect(roleVarProblems(ok, inventory, ['n1'], {})).toEqual([]);
    // the inventory's fine value is overridden by the (bad) param: the problem names the param as its origin
    const bad = clusterPlaybook({ params: { docker: { docker_log_max_file: 0 } } }).plays[1]!;
    const problems = roleVarProblems(bad, inventory, ['n1'], {});
    expect(problems).toHaveLength(1);
    expect(problems[0]!.where).toBe('host n1, variable docker_log_max_file');
    expect(problems[0]!.message).toContain('role docker: docker_log_max_file = 0');
    expect(problems[0]!.message).toContain('a role param of docker in the play at');
    // -e is above role params
    expect(roleVarProblems(bad, inventory, ['n1'], { docker_log_max_file: 5 })).toEqual([]);
  });
});

describe('withRoleParams refuses what the role does not declare (it would be silently unused)', () => {
  it.each([
    ['a misspelled variable', { docker_log_drivr: 'local' }, /role params of docker: unknown variable 'docker_log_drivr' \(did you mean 'docker_log_driver'\?\)/],
    ['a variable of another role', { consul_version: '1.20.0' }, /unknown variable 'consul_version'/],
  ])('%s', (_what, params, message) => {
    let thrown: unknown;
    try {
      withRoleParams(docker, params as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const p = (thrown as ValidationError).problems[0]!;
    expect(p.message).toMatch(message);
    expect(p.where).toMatch(/^test\/unit\/roles\/role-params\.test\.ts:\d+$/);
    expect(p.hint).toContain('roles/docker/index.ts');
  });

  it('through clusterPlaybook too, naming the role', () => {
    expect(() => clusterPlaybook({ params: { kernel: { rebootAllowd: true } as never } })).toThrow(/role params of kernel: unknown variable 'rebootAllowd' \(did you mean 'rebootAllowed'\?\)/);
  });

  it("a variable declared only by the role's schemas is a role param too", () => {
    const names = Object.keys(docker.varSchemas).filter((k) => !(k in docker.defaults));
    for (const k of names) expect(withRoleParams(docker, { [k]: undefined } as never).params).toHaveProperty(k);
  });
});
