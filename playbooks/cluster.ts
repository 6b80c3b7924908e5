/** The flagship: plain Debian/Ubuntu hosts → Docker Swarm with Consul. Safe to re-run, above all after reboots. */
import { assert, definePlaybook } from '../src/index.ts';
import consul from '../roles/consul/index.ts';
import docker from '../roles/docker/index.ts';
import firewall from '../roles/firewall/index.ts';
import kernel from '../roles/kernel/index.ts';
import { checkClusterInput } from '../roles/lib/cluster.ts';
import swarm, { swarmPreflight } from '../roles/swarm/index.ts';
import { FIREWALL_BACKENDS } from '../src/modules/firewall.ts';
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
      assert(
        (ctx) => ({
          that: (FIREWALL_BACKENDS as readonly string[]).includes(String(ctx.vars.firewall_backend ?? 'auto')),
          msg: `firewall_backend ${JSON.stringify(ctx.vars.firewall_backend)} on ${ctx.host.name}: one of ${FIREWALL_BACKENDS.join(', ')}`,
        }),
        { name: 'firewall backend name' },
      ),
      assert((ctx) => {
        const p = daemonOptionProblems(dockerArgs(ctx));
        return { that: p.length === 0, msg: `${ctx.host.name}: ${p.join('; ')}` };
      }, { name: 'docker options' }),
      dockerEngineCheck((ctx) => dockerArgs(ctx), { name: 'docker engine takes the options' }),
      ...swarmPreflight,
    ],
  },
  { name: 'cluster', hosts: 'all', become: true, roles: [kernel, firewall, docker, consul, swarm] },
);
