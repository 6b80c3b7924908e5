// Packages beside the engine that docker.io only recommends (rig's apt installs no Recommends): the CLI, which Debian 13
// split out of docker.io and the swarm role needs, and apparmor, without which dockerd on an AppArmor kernel cannot load
// its docker-default profile. Cases are data: facts and the variable in, packages out.
import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../../../../src/index.ts';
import { debianFacts } from '../../../../src/testing/fake-facts.ts';
import { dockerAppArmorPackage, dockerCliPackage } from '../../../../roles/docker/index.ts';

const ctx = (id: string, versionId: string): TaskContext<unknown> =>
  ({ facts: debianFacts({ os: { id, idLike: id === 'ubuntu' ? ['debian'] : [], name: id, versionId, codename: '', family: 'debian' } }) }) as unknown as TaskContext<unknown>;

describe('docker_cli_package', () => {
  it.each([
    ['debian', '13', null, ['docker-cli']],
    ['debian', '14', null, ['docker-cli']],
    ['debian', '12', null, []],
    ['debian', '11', null, []],
    ['ubuntu', '24.04', null, []],
    ['debian', '', null, []], // testing/sid without VERSION_ID: nothing guessed, set the variable
    ['debian', '13', '', []],
    ['debian', '12', 'docker-ce-cli', ['docker-ce-cli']],
    ['debian', '13', 'docker-cli', ['docker-cli']],
  ] as const)('%s %s, docker_cli_package=%j → %j', (id, version, configured, want) => {
    expect(dockerCliPackage(ctx(id, version), configured)).toEqual(want);
  });
});

describe('docker_apparmor_package', () => {
  const withAppArmor = (status: 'enabled' | 'disabled'): TaskContext<unknown> => ({ facts: debianFacts({ apparmor: status }) }) as unknown as TaskContext<unknown>;
  it.each([
    ['enabled', null, ['apparmor']],
    ['disabled', null, []], // apparmor=0 on the kernel line, or a container without securityfs
    ['enabled', '', []],
    ['disabled', 'apparmor', ['apparmor']],
    ['enabled', 'apparmor-utils', ['apparmor-utils']],
  ] as const)('AppArmor %s, docker_apparmor_package=%j → %j', (status, configured, want) => {
    expect(dockerAppArmorPackage(withAppArmor(status), configured)).toEqual(want);
  });
});
