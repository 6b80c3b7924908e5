/** A connection opened on its first exec: `-m debug` runs on the controller and never connects, as in Ansible. */
import type { Connection, ExecOptions, ExecOutput } from '../core/index.ts';

/** Wrap `open` so nothing connects until something execs; close() closes only what was opened. */
export function lazyConnection(host: string, open: () => Promise<Connection>): Connection {
  let conn: Promise<Connection> | undefined;
  const get = (): Promise<Connection> => (conn ??= open());
  let opened: Connection | undefined;
  return {
    host,
    async exec(script: string, opts?: ExecOptions): Promise<ExecOutput> {
      opened = await get();
      return opened.exec(script, opts);
    },
    async reconnect(opts: { readonly timeoutMs: number }): Promise<void> {
      opened = await get();
      await opened.reconnect(opts);
    },
    async close(): Promise<void> {
      if (conn) await (await conn).close();
    },
    get execCount(): number {
      return opened?.execCount ?? 0;
    },
  };
}
