/** Typed task factories for the cluster roles' own modules (grub, firewall, docker, swarm, consul). */
import { consulExistingKeyModule, consulGossipKeyModule } from '../modules/consul.ts';
import { dockerDaemonJsonModule, dockerEngineCheckModule } from '../modules/docker.ts';
import { firewallBackendModule, nftRulesetModule } from '../modules/firewall.ts';
import { iptablesFirewallModule } from '../modules/firewall-iptables.ts';
import { ufwFirewallModule } from '../modules/firewall-ufw.ts';
import { grubCmdlineModule } from '../modules/grub.ts';
import { swarmInitModule, swarmJoinModule, swarmNodeLabelsModule, swarmStatusModule, swarmTokensModule } from '../modules/swarm.ts';
import { taskFactory } from './task.ts';

/** Wanted tokens in GRUB_CMDLINE_LINUX (token-wise edit of /etc/default/grub). */
export const grubCmdline = taskFactory(grubCmdlineModule);
/** rig's nftables table, file and live. */
export const nftRuleset = taskFactory(nftRulesetModule);
/** /etc/docker/daemon.json as canonical JSON. */
export const dockerDaemonJson = taskFactory(dockerDaemonJsonModule);
/** Fail early when the installed engine cannot take the options. */
export const dockerEngineCheck = taskFactory(dockerEngineCheckModule);
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
/** Register the gossip key of this host's existing Consul config. */
export const consulExistingKey = taskFactory(consulExistingKeyModule);
/** Decide the Consul gossip key once. */
export const consulGossipKey = taskFactory(consulGossipKeyModule);
/** Register the firewall backend chosen from facts. */
export const firewallBackend = taskFactory(firewallBackendModule);
/** rig's iptables chains (RIG-INPUT, RIG-DOCKER-USER): rules file, load script and live chains. */
export const iptablesFirewall = taskFactory(iptablesFirewallModule);
/** ufw: the missing allow rules (SSH first), default inbound policy, enabled. */
export const ufwFirewall = taskFactory(ufwFirewallModule);
