// The kernel role reboots hosts that serve no cluster yet together, cluster hosts one at a time: the decision as data.
import { describe, expect, it } from 'vitest';
import { servesCluster } from '../../../../roles/kernel/index.ts';

// stdout of the role's 'cluster services on this host' read: swarm LocalNodeState, then `systemctl is-active consul`
const cases: readonly { readonly out: string; readonly serves: boolean; readonly why: string }[] = [
  { out: '\ninactive\n', serves: false, why: 'no docker (or its daemon down), no consul unit running' },
  { out: 'inactive\ninactive\n', serves: false, why: 'docker outside a swarm, consul installed but stopped' },
  { out: 'inactive\nunknown\n', serves: false, why: 'docker outside a swarm, no consul unit' },
  { out: 'inactive\nfailed\n', serves: false, why: 'a failed consul serves nothing' },
  { out: 'active\ninactive\n', serves: true, why: 'a swarm node' },
  { out: 'pending\n\n', serves: true, why: 'a swarm node reconnecting to its managers' },
  { out: 'locked\n\n', serves: true, why: 'an autolocked manager is still a member' },
  { out: 'error\n\n', serves: true, why: 'a member in error: keep the reboots apart' },
  { out: 'inactive\nactive\n', serves: true, why: 'a running Consul agent (servers keep quorum only one at a time)' },
  { out: 'inactive\nactivating\n', serves: false, why: 'consul not up yet' },
  { out: '', serves: false, why: 'nothing printed' },
];

describe('kernel role: reboot together or one at a time', () => {
  for (const c of cases) {
    it(`${JSON.stringify(c.out)} → ${c.serves ? 'one at a time' : 'together'} (${c.why})`, () => {
      expect(servesCluster(c.out)).toBe(c.serves);
    });
  }
});
