/** The flagship: plain Debian/Ubuntu hosts → Docker Swarm with Consul. Safe to re-run, above all after reboots. */
import { assert, definePlaybook, ValidationError } from '../src/index.ts';
import consul from '../roles/consul/index.ts';
import docker from '../roles/docker/index.ts';
import firewall from '../roles/firewall/index.ts';
import kernel from '../roles/kernel/index.ts';
import { checkClusterInput } from '../roles/lib/cluster.ts';
import swarm, { swarmPreflight } from '../roles/swarm/index.ts';
import { daemonOptionProblems } from '../src/modules/docker.ts';
import { dockerEngineCheck } from '../src/dsl/cluster-modules.ts';
import { dockerArgs } from '../roles/docker/index.ts';

export default definePlaybook(
  {
    // a play of its own: its preflight checks every host's input, and its read-only tasks every host's state (engine
    // version vs cluster-store, foreign swarms), before the next play changes anything; one failure stops all hosts
    name: 'cluster input',
    hosts: 'all',
    become: true,
    anyErrorsFatal: true,
    tasks: [
      assert((ctx) => ({ that: checkClusterInput(ctx), msg: 'cluster input' }), { name: 'cluster CIDR, addresses, odd managers' }),
      // docker options are input: a problem (live-restore on a swarm node…) is an input error found at preflight (exit 5)
      assert((ctx) => {
        const p = daemonOptionProblems(dockerArgs(ctx));
        if (p.length) throw new ValidationError(p.map((message) => ({ where: ctx.host.name, message: `docker options: ${message}` })));
        return { that: true };
      }, { name: 'docker options' }),
      dockerEngineCheck((ctx) => dockerArgs(ctx), { name: 'docker engine takes the options' }),
      ...swarmPreflight,
    ],
  },
  { name: 'cluster', hosts: 'all', become: true, roles: [kernel, firewall, docker, consul, swarm] },
);
