// The docker CLI package beside the engine: Debian 13 split `docker` out of docker.io (which only recommends it), and
// the swarm role needs it. Cases are data: OS facts and the variable in, packages out.
import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../../../../src/index.ts';
import { debianFacts } from '../../../../src/testing/fake-facts.ts';
import { dockerCliPackage } from '../../../../roles/docker/index.ts';

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
