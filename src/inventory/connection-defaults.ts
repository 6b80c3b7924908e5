/**
 * Command-line and ansible.cfg connection settings (`-u`, `--private-key`, `-k`, `-c`, `-b`, `--become-user`,
 * `remote_port`) merged into the inventory's hosts. As in Ansible they are defaults: a host variable that sets the same
 * thing (`ansible_user`, `ansible_ssh_private_key_file`, `ansible_password`, `ansible_connection`, `ansible_become`,
 * `ansible_become_user`, `ansible_port`, or rig's names) wins for that host (ansible-core's ConfigManager puts `vars:`
 * above `cli:`/`ini:`/`env:` for connection options; `-b`/`--become-user` are the defaults of the play keywords).
 */
import { userInfo } from 'node:os';
import type { Host } from '../core/host.ts';
import { secret } from '../core/secret.ts';
import { settingVar } from './host-settings.ts';
import type { ConnectionDefaults, Inventory } from './types.ts';

export type { ConnectionDefaults };

/** `host` with `d` filled in where its vars say nothing; a local host's login user is the controller's user. */
export function withConnectionDefaults(host: Host, d: ConnectionDefaults): Host {
  const unset = (s: Parameters<typeof settingVar>[1]): boolean => settingVar(host.vars, s) === undefined;
  if (d.password !== undefined) secret(d.password);
  const connection = host.connection ?? d.connection ?? 'ssh';
  const ssh = {
    ...host.ssh,
    ...(d.user !== undefined && unset('user') && { user: d.user }),
    ...(d.privateKeyFile !== undefined && unset('identityFiles') && { identityFiles: [d.privateKeyFile] }),
    ...(d.password !== undefined && unset('password') && { password: d.password }),
    ...(d.port !== undefined && unset('port') && { port: d.port }),
    // Ansible's local plugin ignores remote_user: commands run as whoever runs rig
    ...(connection === 'local' && { user: userInfo().username }),
  };
  return {
    ...host,
    ssh,
    connection,
    become: d.become !== undefined && unset('become') ? d.become : host.become,
    ...(d.becomeUser !== undefined && unset('becomeUser') && { becomeUser: d.becomeUser }),
  };
}

/** The inventory with every host passed through withConnectionDefaults. */
export function inventoryWithDefaults(inv: Inventory, d: ConnectionDefaults): Inventory {
  const hosts = inv.hosts.map((h) => withConnectionDefaults(h, d));
  const byName = new Map(hosts.map((h) => [h.name, h]));
  return {
    source: inv.source,
    connectionDefaults: { ...inv.connectionDefaults, ...d },
    hosts,
    groups: inv.groups,
    warnings: inv.warnings,
    // hosts made on demand (the implicit localhost) come from the inventory, with the defaults too
    host: (name) => {
      const made = byName.get(name) ?? inv.host(name);
      if (made && !byName.has(name)) byName.set(name, withConnectionDefaults(made, d));
      return byName.get(name);
    },
    groupHosts: (g) => inv.groupHosts(g),
    ...(inv.varOrigin && { varOrigin: (h: string, n: string) => inv.varOrigin?.(h, n) }),
  };
}
