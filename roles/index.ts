/**
 * rig/roles: the reusable Docker Swarm cluster roles (kernel, firewall, docker, consul, swarm), their own modules' task
 * factories and helpers, and `clusterPlaybook()`, the playbook that turns plain Debian/Ubuntu hosts into the cluster.
 * Built only on rig's public API (src/index.ts), like any user's roles.
 */
import { assert, definePlay, definePlaybook, ValidationError, withRoleParams, type Play, type Playbook, type Role, type Vars } from '../src/index.ts';
import consul, { gossipKeyTasks } from './consul/index.ts';
import docker, { dockerArgs } from './docker/index.ts';
import { daemonOptionProblems } from './docker/library/docker.ts';
import { dockerEngineCheck } from './docker/library/tasks.ts';
import firewall from './firewall/index.ts';
import kernel from './kernel/index.ts';
import { checkClusterInput } from './lib/cluster.ts';
import swarm, { swarmPreflight } from './swarm/index.ts';

/** The five cluster roles, in the order the cluster play runs them. */
export { kernel, firewall, docker, consul, swarm };

/** Shared cluster input checks and address lookups (cluster_cidr, groups managers/workers). */
export { checkClusterInput, clusterAddress, clusterAddressOf, managersOf, requireClusterAddressOf } from './lib/cluster.ts';
/** Network helpers (IPv4 and IPv6) the roles use to pick each host's cluster address and compare firewall sources. */
export { addressesIn, cidrContains, cidrHolds, parseCidr, pickCidrAddress, type Cidr, type CidrAddress, type IpFamily } from './lib/cidr.ts';
/** Field schemas the roles' variables share. */
export { ipAddress, ipv4Cidr, stringList } from './lib/vars.ts';

/** kernel role helpers: GRUB tokens from variables, kernel version check, reboot decision, update-grub handler. */
export { grubTokens, kernelAtLeast, rebootNeeded, updateGrub } from './kernel/index.ts';
/** Task factory of the kernel role's module: wanted tokens in GRUB_CMDLINE_LINUX. */
export { grubCmdline } from './kernel/library/tasks.ts';
/** firewall role helpers: the cluster's allow rules and the message refusing a firewalld install that would cut SSH. */
export { clusterRules, firewalldInstallCutsSsh, type FirewallVars } from './firewall/index.ts';
/** Firewall backend names, the backend choice from facts, and the allow-rule type the firewall modules take. */
export { FIREWALL_BACKENDS, chooseFirewallBackend, type AllowRule, type FirewallBackendName } from './firewall/library/firewall.ts';
/** Task factories of the firewall role's modules: backend choice, nftables table, iptables chains, ufw rules, firewalld zone. */
export { firewallBackend, firewalldFirewall, iptablesFirewall, nftRuleset, ufwFirewall } from './firewall/library/tasks.ts';
/** docker role helpers: a host's daemon.json args from its docker_* variables, and the restart handler. */
export { dockerArgs, restartDocker } from './docker/index.ts';
/** daemon.json from typed options, and the problems of those options (naming the inventory variables). */
export { daemonConfig, daemonOptionProblems, type DockerDaemonJsonArgs, type DockerDaemonOptions } from './docker/library/docker.ts';
/** Task factories of the docker role's modules: daemon.json, and the read-only engine check. */
export { dockerDaemonJson, dockerEngineCheck } from './docker/library/tasks.ts';
/** consul role helpers: a host's agent options, and the rolling restart handler. */
export { consulOptions, restartConsul } from './consul/index.ts';
/** How the consul role installs the binary (upload, archive, apt). */
export { consulBin, consulInstall, consulInstallTasks, CONSUL_INSTALL_METHODS, type ConsulInstall } from './consul/install.ts';
/** The Consul agent config from typed options, its problems, and the gossip key decision. */
export { consulAgentConfig, consulOptionProblems, decideGossipKey, type ConsulAgentOptions } from './consul/library/consul.ts';
/** Task factories of the consul role's modules: the existing gossip key, and the key decided once. */
export { consulExistingKey, consulGossipKey, consulRestart } from './consul/library/tasks.ts';
/** swarm role helpers: the preflight tasks for a first play, and the init/join decision from registered states. */
export { swarmDecision, swarmPreflight } from './swarm/index.ts';
/** The pure swarm init/join decision over the inventory's nodes. */
export { decideSwarm, type SwarmDecision, type SwarmNode } from './swarm/library/swarm.ts';
/** Task factories of the swarm role's modules: status, init, join tokens, join, node labels. */
export { swarmInit, swarmJoin, swarmNodeLabels, swarmStatus, swarmTokens } from './swarm/library/tasks.ts';

/** The role params a role takes (any subset of its defaults), from the role value's type. */
export type RoleParamsOf<R> = R extends Role<infer D> ? Partial<D> : never;

/** Options of clusterPlaybook. */
export interface ClusterPlaybookOptions {
  /** Host pattern of both plays (same syntax as --limit). @default 'all' */
  readonly hosts?: string;
  /**
   * Role params per role (Ansible's `roles: [{ role: docker, vars: {…} }]`): above play vars and inventory, below -e;
   * checked against the role's variable schemas before anything runs. @default {} (each role as it is)
   */
  readonly params?: {
    readonly kernel?: RoleParamsOf<typeof kernel>;
    readonly firewall?: RoleParamsOf<typeof firewall>;
    readonly docker?: RoleParamsOf<typeof docker>;
    readonly consul?: RoleParamsOf<typeof consul>;
    readonly swarm?: RoleParamsOf<typeof swarm>;
  };
}

const pick = (params: object | undefined, name: string): Record<string, unknown> =>
  params && Object.hasOwn(params, name) ? { [name]: (params as Record<string, unknown>)[name] } : {};

// the role itself when no params are given (same object), else a copy carrying them
const withParams = <D extends Vars>(role: Role<D>, params: Partial<D> | undefined): Role<D> => (params === undefined ? role : withRoleParams(role, params));

/**
 * Play 'cluster input': checks every host's input (CIDR, addresses, odd managers, docker options) and its state (engine
 * version vs the options, the Consul gossip key in use, foreign swarms) with read-only tasks, before anything changes;
 * one failure stops all hosts.
 */
export function clusterInputPlay(options: Pick<ClusterPlaybookOptions, 'hosts' | 'params'> = {}): Play {
  // the cluster play's role params decide whether firewall and swarm manage anything (an IPv6 cluster_cidr is then fine)
  const manage = { ...pick(options.params?.firewall, 'firewall_manage'), ...pick(options.params?.swarm, 'swarm_manage') };
  return definePlay({
    name: 'cluster input',
    hosts: options.hosts ?? 'all',
    become: true,
    anyErrorsFatal: true,
    tasks: [
      assert((ctx) => ({ that: checkClusterInput(ctx, manage), msg: 'cluster input' }), { name: 'cluster CIDR, addresses, odd managers' }),
      // docker options are input: a problem (live-restore on a swarm node…) is an input error found at preflight (exit 5)
      assert((ctx) => {
        const problems = daemonOptionProblems(dockerArgs(ctx));
        if (problems.length) throw new ValidationError(problems.map((message) => ({ where: ctx.host.name, message: `docker options: ${message}` })));
        return { that: true };
      }, { name: 'docker options' }),
      dockerEngineCheck((ctx) => dockerArgs(ctx), { name: 'docker engine takes the options' }),
      // the gossip key the consul role will use (the cluster's, read from the servers even outside --limit): keys that
      // differ, or an inventory key that differs from the cluster's, stop the run here
      ...gossipKeyTasks((ctx) => ctx.vars.consul_manage !== false).tasks,
      ...swarmPreflight,
    ],
  });
}

/** Play 'cluster': the kernel, firewall, docker, consul and swarm roles, each with its role params. */
export function clusterPlay(options: ClusterPlaybookOptions = {}): Play {
  const p = options.params ?? {};
  const roles = ['kernel', 'firewall', 'docker', 'consul', 'swarm'];
  const unknown = Object.keys(p).filter((k) => !roles.includes(k));
  if (unknown.length) throw new ValidationError(unknown.map((k) => ({ where: 'clusterPlaybook({ params })', message: `unknown role '${k}'; known roles: ${roles.join(', ')}` })));
  return definePlay({
    name: 'cluster',
    hosts: options.hosts ?? 'all',
    become: true,
    roles: [withParams(kernel, p.kernel), withParams(firewall, p.firewall), withParams(docker, p.docker), withParams(consul, p.consul), withParams(swarm, p.swarm)],
  });
}

/**
 * The flagship playbook: plain Debian/Ubuntu hosts → Docker Swarm with Consul; safe to re-run, above all after reboots.
 * clusterInputPlay (a play of its own, so every host's input is checked before the next play changes anything), then
 * clusterPlay.
 * @example export default clusterPlaybook({ params: { docker: { docker_log_driver: 'journald' } } });
 */
export function clusterPlaybook(options: ClusterPlaybookOptions = {}): Playbook {
  return definePlaybook(clusterInputPlay(options), clusterPlay(options));
}
