/** Task factories of the firewall role's own modules (backend choice, nftables, iptables, ufw, firewalld). */
import { taskFactory } from '../../../src/index.ts';
import { firewallBackendModule, nftRulesetModule } from './firewall.ts';
import { iptablesFirewallModule } from './firewall-iptables.ts';
import { ufwFirewallModule } from './firewall-ufw.ts';
import { firewalldFirewallModule } from './firewall-firewalld.ts';

/** rig's nftables table, file and live. */
export const nftRuleset = taskFactory(nftRulesetModule);
/** Register the firewall backend chosen from facts. */
export const firewallBackend = taskFactory(firewallBackendModule);
/** rig's iptables chains (RIG-INPUT, RIG-DOCKER-USER): rules file, load script and live chains. */
export const iptablesFirewall = taskFactory(iptablesFirewallModule);
/** ufw: the missing allow rules (SSH first), default inbound policy, enabled. */
export const ufwFirewall = taskFactory(ufwFirewallModule);
/** firewalld: the missing ports and rich rules in one zone, runtime then permanent (SSH first), the zone target. */
export const firewalldFirewall = taskFactory(firewalldFirewallModule);
