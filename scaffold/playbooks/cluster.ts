/**
 * rig's reusable cluster playbook: plain Debian/Ubuntu hosts → Docker Swarm with a Consul agent on every node
 * (kernel, firewall, docker, consul and swarm roles, after a read-only play that checks every host's input).
 * Run: npx rig run playbooks/cluster.ts -i inventory-cluster --check --diff
 */
import { clusterPlaybook } from 'rig/roles';

export default clusterPlaybook();
