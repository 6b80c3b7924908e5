/** -vvv: every exec a connection runs, with its script and timing, as reporter log lines (Ansible's -vvv shows the
 *  commands it sends; rig sends batched scripts, so those are what is shown). */
import type { Connection, ExecOptions, ExecOutput } from '../core/index.ts';
import type { HostRuntime } from './host-runtime.ts';
import type { RunOptions } from './options.ts';
import { hideContent } from '../connection/index.ts';

/** A connection that logs each exec: `exec #n as <user>: <script>` before, `exec #n: rc=… in …ms` after. */
export function tracedConnection(conn: Connection, log: (line: string) => void): Connection {
  let n = 0;
  return {
    get host() {
      return conn.host;
    },
    get execCount() {
      return conn.execCount;
    },
    async exec(script: string, opts?: ExecOptions): Promise<ExecOutput> {
      const id = ++n;
      const as = opts?.become ? ` as ${opts.becomeUser ?? 'root'}` : '';
      log(`exec #${id}${as}: ${opts?.noLog ? '(script hidden: noLog)' : hideContent(script)}`);
      const started = performance.now();
      const out = await conn.exec(script, opts);
      log(`exec #${id}: rc=${out.code} in ${Math.round(performance.now() - started)}ms, ${out.stdout.length} bytes out`);
      return out;
    },
    reconnect: (o) => conn.reconnect(o),
    close: () => conn.close(),
  };
}

/** Whether the run traces its execs (-vvv, or the older `verbose` option). */
export function tracing(opts: { readonly verbose?: boolean; readonly verbosity?: number }): boolean {
  return opts.verbose === true || (opts.verbosity ?? 0) >= 3;
}

/** A connection whose successful reconnects are counted (the run report's connections per host). */
function countedConnection(conn: Connection, counted: () => void): Connection {
  return {
    get host() {
      return conn.host;
    },
    get execCount() {
      return conn.execCount;
    },
    exec: (script, o) => conn.exec(script, o),
    async reconnect(o) {
      await conn.reconnect(o);
      counted();
    },
    close: () => conn.close(),
  };
}

/** Connect to a host through the run's connector, traced when the run traces; counts its connections on `rt`. */
export async function connectFor(opts: RunOptions, rt: HostRuntime): Promise<Connection> {
  const conn = countedConnection(await opts.connect(rt.host), () => (rt.connections += 1));
  rt.connections += 1;
  return tracing(opts) ? tracedConnection(conn, (l) => opts.reporter.onLog?.(rt.host.name, l)) : conn;
}
