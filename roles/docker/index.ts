/** docker: the engine (Debian's docker.io) and /etc/docker/daemon.json from typed options; restart only on change. */
import { apt, defineHandler, defineRole, flushHandlers, nonEmpty, systemd, z, type TaskContext } from '../../src/index.ts';
import type { DockerDaemonJsonArgs } from './library/docker.ts';
import { dockerDaemonJson } from './library/tasks.ts';
import { clusterAddress } from '../lib/cluster.ts';
import { ipAddress, stringList } from '../lib/vars.ts';

/** Restart dockerd (only notified when daemon.json changed). */
export const restartDocker = defineHandler('restart docker', systemd({ name: 'docker', state: 'restarted' }));

/** The daemon.json arguments for a host, from its variables (docker_* names as in inventory/prod). */
export function dockerArgs(ctx: TaskContext<unknown>): DockerDaemonJsonArgs {
  const v = ctx.vars;
  const list = (x: unknown): string[] | undefined => (Array.isArray(x) ? x.map(String) : undefined);
  // containers resolve through the node's Consul agent on its private address (53 → 8600 by the firewall role)
  const dns = v.docker_dns_consul !== false && v.consul_manage !== false ? [clusterAddress(ctx).address] : list(v.docker_dns);
  const logOpts: Record<string, string> = {};
  if (v.docker_log_max_size !== undefined) logOpts['max-size'] = String(v.docker_log_max_size);
  if (v.docker_log_max_file !== undefined) logOpts['max-file'] = String(v.docker_log_max_file);
  return {
    swarmNode: v.swarm_manage !== false,
    options: {
      ...(dns?.length ? { dns } : {}),
      ...(list(v.docker_dns_search) ? { dnsSearch: list(v.docker_dns_search)! } : {}),
      ...(typeof v.docker_log_driver === 'string' ? { logDriver: v.docker_log_driver } : {}),
      ...(Object.keys(logOpts).length ? { logOpts } : {}),
      ...(list(v.docker_labels) ? { labels: list(v.docker_labels)! } : {}),
      ...(typeof v.docker_live_restore === 'boolean' ? { liveRestore: v.docker_live_restore } : {}),
      ...(typeof v.docker_cluster_store === 'string' ? { clusterStore: v.docker_cluster_store } : {}),
      ...(typeof v.docker_cluster_advertise === 'string' ? { clusterAdvertise: v.docker_cluster_advertise } : {}),
    },
  };
}

/** The CLI package to install beside the engine: the variable when set ('' none), else docker-cli on Debian ≥ 13. */
export function dockerCliPackage(ctx: TaskContext<unknown>, configured: string | null): string[] {
  if (configured !== null) return configured ? [configured] : [];
  const os = ctx.facts.os;
  return os.id === 'debian' && Number(os.versionId) >= 13 ? ['docker-cli'] : [];
}

/**
 * The AppArmor package to install beside the engine: the variable when set ('' none), else `apparmor` when the kernel
 * enforces AppArmor (facts.apparmor). dockerd loads its docker-default profile with apparmor_parser, and docker.io only
 * recommends the package, which apt without Recommends (rig's default) leaves out: docker.io 20.10 then starts no
 * container ("AppArmor enabled on system but the docker-default profile could not be loaded").
 * Source: https://docs.docker.com/engine/security/apparmor/
 */
export function dockerAppArmorPackage(ctx: TaskContext<unknown>, configured: string | null): string[] {
  if (configured !== null) return configured ? [configured] : [];
  return ctx.facts.apparmor === 'enabled' ? ['apparmor'] : [];
}

/** The docker role. */
export default defineRole({
  name: 'docker',
  defaults: {
    docker_package: 'docker.io',
    /**
     * The docker CLI's own package, installed beside the engine: null (auto) is `docker-cli` on Debian 13 and later, where
     * docker.io ships only the engine and the CLI is a separate package (docker.io only recommends it), else none; '' none.
     */
    docker_cli_package: null as string | null,
    /**
     * The package carrying apparmor_parser, which dockerd needs to load its docker-default profile: null (auto) is
     * `apparmor` when the kernel enforces AppArmor (Debian's default), else none; '' none.
     */
    docker_apparmor_package: null as string | null,
    /** apt-get update before installing, when the lists are older than docker_apt_cache_valid_time seconds. */
    docker_apt_update_cache: true,
    docker_apt_cache_valid_time: 3600 as number | string,
    docker_log_driver: 'json-file',
    docker_log_max_size: '10m',
    docker_log_max_file: 3 as string | number,
    docker_labels: [] as readonly string[],
    docker_dns_search: ['service.consul'] as readonly string[],
    docker_live_restore: false,
  },
  vars: {
    docker_package: nonEmpty,
    docker_cli_package: z.string().regex(/^([a-z0-9][a-z0-9+.-]+)?$/, { error: "expected a Debian package name like docker-cli, or '' for none" }).nullable(),
    docker_apparmor_package: z.string().regex(/^([a-z0-9][a-z0-9+.-]+)?$/, { error: "expected a Debian package name like apparmor, or '' for none" }).nullable(),
    docker_apt_cache_valid_time: z.number().int().min(0),
    docker_log_driver: z.string().regex(/^[a-z0-9_.-]+$/i, { error: 'expected a log driver name like json-file or journald' }),
    // Docker's size units: a number and an optional k, m or g
    docker_log_max_size: z.union([z.string().regex(/^\d+[kmg]?$/i), z.number().int().positive()], { error: "expected a size like '10m' (number and k, m or g)" }),
    docker_log_max_file: z.number().int().min(1),
    docker_labels: z.array(z.string().regex(/^[^=\s]+=.*$/, { error: "a label is 'key=value'" }), { error: (iss) => `expected a list of 'key=value' labels, got ${JSON.stringify(iss.input)}` }),
    docker_dns_search: stringList,
    docker_dns_consul: z.boolean().optional(),
    docker_dns: z.array(ipAddress).optional(),
    docker_cluster_store: nonEmpty.optional(),
    docker_cluster_advertise: nonEmpty.optional(),
  },
  handlers: [restartDocker],
  tasks: ({ vars }) => [
    // the lists refresh once their age passes docker_apt_cache_valid_time (a change); sites without a mirror turn it off
    apt(
      (ctx) => ({
        name: [
          vars(ctx).docker_package,
          ...dockerCliPackage(ctx, vars(ctx).docker_cli_package),
          ...dockerAppArmorPackage(ctx, vars(ctx).docker_apparmor_package),
        ],
        ...(vars(ctx).docker_apt_update_cache ? { updateCache: true, cacheValidTime: Number(vars(ctx).docker_apt_cache_valid_time) } : {}),
      }),
      { name: 'docker engine installed' },
    ),
    dockerDaemonJson((ctx) => dockerArgs(ctx), { name: 'docker daemon.json', notify: [restartDocker] }),
    systemd({ name: 'docker', state: 'started', enabled: true }, { name: 'docker running' }),
    flushHandlers(),
  ],
});
