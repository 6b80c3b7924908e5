/** Task factories of the swarm role's own modules. */
import { taskFactory } from '../../../src/index.ts';
import { swarmInitModule, swarmJoinModule, swarmNodeLabelsModule, swarmStatusModule, swarmTokensModule } from './swarm.ts';

/** Register the node's swarm state. */
export const swarmStatus = taskFactory(swarmStatusModule);
/** docker swarm init unless in a swarm. */
export const swarmInit = taskFactory(swarmInitModule);
/** Read join tokens on a manager. */
export const swarmTokens = taskFactory(swarmTokensModule);
/** docker swarm join unless a member. */
export const swarmJoin = taskFactory(swarmJoinModule);
/** Swarm node labels. */
export const swarmNodeLabels = taskFactory(swarmNodeLabelsModule);
