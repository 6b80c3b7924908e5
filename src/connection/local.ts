/** Run on the controller itself (Ansible's `ansible_connection: local`): real processes, no SSH. */
import { spawn } from 'node:child_process';
import type { Connection, ExecOptions, ExecOutput } from '../core/index.ts';
import { quote } from '../core/index.ts';

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
    const asRoot = process.getuid?.() === 0 && (opts.becomeUser ?? 'root') === 'root';
    const argv = opts.become && !asRoot ? ['sudo', '-H', '-n', '-u', opts.becomeUser ?? 'root', '--', 'sh', '-c', script] : ['sh', '-c', script];
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
      child.stdin.end(opts.stdin ?? '');
    });
  }

  async reconnect(): Promise<void> {}

  async close(): Promise<void> {}
}
