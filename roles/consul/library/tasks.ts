/** Task factories of the consul role's own modules. */
import { taskFactory } from '../../../src/index.ts';
import { consulExistingKeyModule, consulGossipKeyModule } from './consul.ts';
import { consulRestartModule } from './consul-restart.ts';

/** Register the gossip key of this host's existing Consul config. */
export const consulExistingKey = taskFactory(consulExistingKeyModule);
/** Decide the Consul gossip key once. */
export const consulGossipKey = taskFactory(consulGossipKeyModule);
/** Restart the Consul agent and wait until the node is alive again. */
export const consulRestart = taskFactory(consulRestartModule);
