/** Open a host's connection by its transport: SSH, or the controller itself for `ansible_connection: local` / `-c local`. */
import type { Connection } from '../core/index.ts';
import { LocalConnection } from './local.ts';
import { connect, type ConnectOptions } from './ssh-connection.ts';

/**
 * A local host gets a LocalConnection (commands run as `sh -c` on the controller as the user running rig; become runs
 * `sudo -n`, so it needs passwordless sudo unless rig runs as root, like Ansible's local plugin with become); any other
 * host connects over SSH with `opts` (see ConnectOptions).
 */
export async function openConnection(opts: ConnectOptions): Promise<Connection> {
  if (opts.host.connection === 'local') return new LocalConnection(opts.host.name);
  return connect(opts);
}
