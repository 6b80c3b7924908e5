/** The flagship: plain Debian/Ubuntu hosts → Docker Swarm with Consul. Safe to re-run, above all after reboots. */
import { clusterPlaybook } from '../roles/index.ts';

export default clusterPlaybook();
