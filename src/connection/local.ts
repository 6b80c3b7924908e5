/** Run on the controller itself (Ansible's `ansible_connection: local`): real processes, no SSH. */
import { spawn } from 'node:child_process';
import type { Connection, ExecOptions, ExecOutput } from '../core/index.ts';
import { quote } from '../core/index.ts';
import { MAX_ARGV_SCRIPT_BYTES, nulRefusal, scriptOnStdin } from './remote-command.ts';

/** Options of a local connection. */
export interface LocalConnectionOptions {
  /** Extra environment (tests point HOME at a temp dir). @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory of every exec. @default process.cwd() */
  readonly cwd?: string;
}

/** A Connection that runs `sh -c` locally; become uses sudo unless already root. */
export class LocalConnection implements Connection {
  execCount = 0;

  constructor(
    readonly host: string,
    private readonly opts: LocalConnectionOptions = {},
  ) {}

  exec(script: string, opts: ExecOptions = {}): Promise<ExecOutput> {
    this.execCount += 1;
    const refused = nulRefusal(script);
    if (refused) return Promise.resolve(refused);
    const asRoot = process.getuid?.() === 0 && (opts.becomeUser ?? 'root') === 'root';
    // one argv word is capped at 128 KiB (spawn E2BIG): a large script travels on stdin, ahead of the exec's own bytes
    const big = opts.privateScript || Buffer.byteLength(script, 'utf8') > MAX_ARGV_SCRIPT_BYTES ? scriptOnStdin(script) : undefined;
    const run = big ? big.program : script;
    const own = opts.stdin === undefined ? Buffer.alloc(0) : Buffer.from(opts.stdin);
    const stdin = big ? Buffer.concat([big.stdinPrefix, own]) : own;
    const argv = opts.become && !asRoot ? ['sudo', '-H', '-n', '-u', opts.becomeUser ?? 'root', '--', 'sh', '-c', run] : ['sh', '-c', run];
    // node's spawn, not zx: the script must reach `sh -c` as the one argv word ssh's exec gives the remote shell (zx
    // would wrap it in a bash command line, an extra shell layer and a bash requirement on the controller), stdin is
    // binary (a large script's prefix, then the exec's own bytes), and zx is kept out of the runtime (test/support only)
    return new Promise((resolve) => {
      const child = spawn(argv[0] as string, argv.slice(1), {
        cwd: this.opts.cwd,
        env: { ...process.env, ...this.opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: opts.timeoutMs,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e) => resolve({ stdout: '', stderr: `cannot run ${quote(argv[0] as string)}: ${e.message}`, code: 127 }));
      child.on('close', (code, signal) =>
        resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: code ?? (signal ? 128 : 1) }),
      );
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin);
    });
  }

  async reconnect(): Promise<void> {}

  async close(): Promise<void> {}
}
