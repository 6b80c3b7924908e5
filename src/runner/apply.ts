/** Apply a plan's changes over the connection: as few execs as possible, writes atomic, reboots confirmed by boot_id. */
import type { Change, Connection, ExecChange, ExecOutput, RebootChange, WaitInfo } from '../core/index.ts';
import { raw, UnreachableError } from '../core/index.ts';
import { writeFileScript } from '../connection/index.ts';
import { buildBatch } from './batch.ts';

/** How to run the changes. */
export interface ApplyOptions {
  readonly become: boolean;
  readonly becomeUser?: string;
  /** Script run first, in the same exec as the first change (pending-handler persistence). */
  readonly prefix?: string;
  /** Called before each exec with a printable command (for -v). */
  readonly log?: (line: string) => void;
  /** Seconds to wait before the first reconnect after reboot. */
  readonly rebootSettleSec: number;
  /** Read commands run in the same exec right after the last change (the next tasks' probes, fresh). */
  readonly reads?: readonly string[];
  /** Told when a reboot starts waiting for the host to come back, and when it stops (undefined). */
  readonly onWait?: (wait: WaitInfo | undefined) => void;
  /** The changes belong to a noLog task: the exec trace hides their scripts. @default false */
  readonly noLog?: boolean;
}

/** What applying produced. */
export interface ApplyOutcome {
  /** Output of the last exec that ran. */
  readonly last?: ExecOutput;
  /** Set when a change failed; later changes were not run. */
  readonly failed?: string;
  readonly commands: readonly string[];
  readonly rebooted: boolean;
  /** Outputs of `reads`, when they ran (all changes succeeded and the last step was not a reboot). */
  readonly reads?: readonly ExecOutput[];
}

interface Step {
  readonly script: string;
  readonly stdin?: string | Uint8Array;
  readonly shown: string;
  /** What the step's commands wait for on the host (ExecChange.waits). */
  readonly waits?: readonly { readonly what: string; readonly limitSec: number }[];
  /** Holds a file's content: sent on stdin, never on the command line (ExecOptions.privateScript). */
  readonly privateScript?: boolean;
}

/**
 * Group changes into exec steps: consecutive command changes share one exec, and join the next write's exec too (their
 * stdin is /dev/null, so only the write reads the content). `|| exit` stops at the first failure without `set -e`
 * changing how the user's commands behave.
 */
function steps(changes: readonly Change[], prefix: string | undefined): (Step | RebootChange)[] {
  const out: (Step | RebootChange)[] = [];
  let cmds: string[] = [];
  let waits: NonNullable<ExecChange['waits']>[] = [];
  const pending = () => cmds.map((c) => `( ${c}\n) </dev/null || exit $?\n`).join('');
  const taken = () => {
    const w = waits;
    cmds = [];
    waits = [];
    return w.length ? { waits: w } : {};
  };
  const flush = () => {
    if (cmds.length === 0) return;
    out.push({ script: pending(), shown: cmds.join('\n'), ...taken() });
  };
  for (const c of changes) {
    if (c.kind === 'exec' && c.stdin === undefined) {
      cmds.push(c.command);
      if (c.waits) waits.push(c.waits);
      continue;
    }
    if (c.kind === 'write') {
      const w = writeFileScript(c);
      out.push({ script: pending() + w.script, stdin: w.stdin, shown: [...cmds, `write ${c.path}`].join('\n'), privateScript: true, ...taken() });
      continue;
    }
    flush();
    if (c.kind === 'exec') out.push({ script: c.command, stdin: c.stdin, shown: c.command, ...(c.waits ? { waits: [c.waits] } : {}) });
    else out.push(c);
  }
  flush();
  const first = out[0];
  if (prefix && first && !('kind' in first)) out[0] = { ...first, script: `${prefix} || exit $?\n${first.script}` };
  else if (prefix) out.unshift({ script: prefix, shown: 'persist pending handlers' });
  return out;
}

/** Run `changes` on `conn`. Rejects only with UnreachableError. */
export async function applyChanges(conn: Connection, changes: readonly Change[], opts: ApplyOptions): Promise<ApplyOutcome> {
  const commands: string[] = [];
  let last: ExecOutput | undefined;
  let rebooted = false;
  let reads: ExecOutput[] | undefined;
  const all = steps(changes, opts.prefix);
  for (const [i, step] of all.entries()) {
    if ('kind' in step) {
      commands.push('reboot');
      opts.log?.(`reboot: ${step.description}`);
      const limitSec = step.timeoutSec ?? 600;
      opts.onWait?.({ what: `${conn.host} to come back from the reboot (new boot_id${step.testCommand ? ', test command passing' : ''})`, limitSec, startedAt: Date.now() });
      const r = await reboot(conn, step, opts).finally(() => opts.onWait?.(undefined));
      if (r) return { last, failed: r, commands, rebooted };
      rebooted = true;
      continue;
    }
    commands.push(step.shown);
    opts.log?.(`$ ${step.shown}`);
    if (step.waits) opts.onWait?.({ what: step.waits.map((w) => w.what).join(', '), limitSec: step.waits.reduce((n, w) => n + w.limitSec, 0), startedAt: Date.now() });
    const withReads = i === all.length - 1 && opts.reads?.length ? opts.reads : undefined;
    try {
      if (withReads) {
        // the change and the next tasks' probes in one round trip; the probes see the changed host
        const b = buildBatch([step.script, ...withReads], { stdinFor: 0 });
        const outs = b.parse(await conn.exec(b.script, { stdin: step.stdin, become: opts.become, becomeUser: opts.becomeUser, privateScript: step.privateScript, noLog: opts.noLog === true }));
        last = outs[0] as ExecOutput;
        if (last.code === 0) reads = outs.slice(1);
      } else last = await conn.exec(step.script, { stdin: step.stdin, become: opts.become, becomeUser: opts.becomeUser, privateScript: step.privateScript, noLog: opts.noLog === true });
    } finally {
      if (step.waits) opts.onWait?.(undefined);
    }
    if (last.stdout) opts.log?.(last.stdout.trimEnd());
    if (last.stderr) opts.log?.(last.stderr.trimEnd());
    if (last.code !== 0) {
      const why = (last.stderr || last.stdout).trim().split('\n').slice(-5).join('\n');
      return { last, failed: `command failed (rc=${last.code})${why ? `: ${why}` : ''}`, commands, rebooted };
    }
  }
  return { last, commands, rebooted, reads };
}

/** Whether `changes` can be applied inside a segment: no reboot (it ends the connection), no exec with its own stdin
 *  (a segment's stdin carries its writes' contents). */
export function segmentable(changes: readonly Change[]): boolean {
  return changes.every((c) => c.kind === 'write' || (c.kind === 'exec' && c.stdin === undefined));
}

/** One task's part of a segment: changes that pass `segmentable`, and a script run before them in the task's frame. */
export interface SegmentTask {
  readonly changes: readonly Change[];
  readonly prefix?: string;
  /** The task's name, for -vvv's lines. */
  readonly name?: string;
  /** noLog: its commands and output stay out of -vvv's lines. */
  readonly noLog?: boolean;
}

/** What one task of a segment did: undefined for a task that did not run (an earlier one failed). */
export type SegmentTaskOutcome = { readonly output: ExecOutput; readonly failed?: string; readonly commands: readonly string[] } | undefined;

/**
 * Apply several tasks' changes in ONE exec: each task in its own frame (its output, exit code), in order, the first
 * failing task ending the exec; the writes' contents travel on the exec's stdin, one after the other, each write's
 * `head -c` taking exactly its bytes. `reads` run after the last task when every task succeeded. Rejects only with
 * UnreachableError (the connection dropped: which tasks ran is not known, the re-run converges; writes are atomic).
 */
export async function applySegment(conn: Connection, tasks: readonly SegmentTask[], opts: Pick<ApplyOptions, 'become' | 'becomeUser' | 'log' | 'onWait' | 'reads'>): Promise<{ readonly tasks: readonly SegmentTaskOutcome[]; readonly reads?: readonly ExecOutput[] }> {
  const stdin: Uint8Array[] = [];
  const waits: { what: string; limitSec: number }[] = [];
  const built = tasks.map((t) => {
    const lines: string[] = t.prefix ? [`${t.prefix} || exit $?`] : [];
    const shown: string[] = [];
    for (const c of t.changes) {
      if (c.kind === 'write') {
        const w = writeFileScript(c);
        if (w.stdin.byteLength) stdin.push(w.stdin);
        lines.push(w.script);
        shown.push(`write ${c.path}`);
      } else if (c.kind === 'exec' && c.stdin === undefined) {
        lines.push(`( ${c.command}\n) </dev/null || exit $?`);
        shown.push(c.command);
        if (c.waits) waits.push(c.waits);
      } else throw new Error(`applySegment: ${c.kind} change cannot be part of a segment (${c.description})`);
    }
    return { script: lines.join('\n') || 'true', shown };
  });
  if (tasks.length > 1) opts.log?.(`segment: ${tasks.length} tasks in one exec: ${tasks.map((t) => t.name ?? '?').join(', ')}`);
  for (const [i, b] of built.entries()) for (const line of tasks[i]!.noLog ? ['(commands hidden: noLog)'] : b.shown) opts.log?.(`$ ${line}`);
  const reads = opts.reads ?? [];
  const batch = buildBatch([...built.map((b) => b.script), ...reads], { changes: built.length });
  const input = new Uint8Array(stdin.reduce((n, s) => n + s.byteLength, 0));
  stdin.reduce((at, s) => (input.set(s, at), at + s.byteLength), 0);
  if (waits.length) opts.onWait?.({ what: waits.map((w) => w.what).join(', '), limitSec: waits.reduce((n, w) => n + w.limitSec, 0), startedAt: Date.now() });
  const out = await conn
    .exec(batch.script, { ...(input.byteLength ? { stdin: input } : {}), become: opts.become, becomeUser: opts.becomeUser, privateScript: tasks.some((t) => t.changes.some((c) => c.kind === 'write')), noLog: tasks.some((t) => t.noLog === true) })
    .finally(() => waits.length && opts.onWait?.(undefined));
  // sudo or the shell refused the script: the first task failed with what they said
  const outs = batch.started(out) ? batch.parse(out) : [out];
  let failed = false;
  const outcomes = built.map((b, i): SegmentTaskOutcome => {
    const o = outs[i];
    if (failed || !o) return undefined;
    if (o.stdout && !tasks[i]!.noLog) opts.log?.(o.stdout.trimEnd());
    if (o.stderr && !tasks[i]!.noLog) opts.log?.(o.stderr.trimEnd());
    if (o.code === 0) return { output: o, commands: b.shown };
    failed = true;
    const why = (o.stderr || o.stdout).trim().split('\n').slice(-5).join('\n');
    return { output: o, commands: b.shown, failed: `command failed (rc=${o.code})${why ? `: ${why}` : ''}` };
  });
  return { tasks: outcomes, ...(failed || !reads.length ? {} : { reads: outs.slice(built.length) }) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bootIdCmd = 'cat /proc/sys/kernel/random/boot_id';

/** Detached reboot, then reconnect until a new boot_id shows and the test command passes. Returns an error message or undefined. */
async function reboot(conn: Connection, change: RebootChange, opts: ApplyOptions): Promise<string | undefined> {
  const before = (await conn.exec(bootIdCmd)).stdout.trim();
  // Detached so the exec returns before sshd goes down; the delay lets the channel close cleanly.
  const cmd = raw(
    "nohup sh -c 'sleep 2; systemctl reboot || shutdown -r now || reboot' >/dev/null 2>&1 </dev/null &",
  );
  const r = await conn.exec(cmd.text, { become: opts.become, becomeUser: opts.becomeUser });
  if (r.code !== 0) return `reboot command failed (rc=${r.code}): ${r.stderr.trim()}`;
  const deadline = Date.now() + (change.timeoutSec ?? 600) * 1000;
  await sleep(opts.rebootSettleSec * 1000);
  while (Date.now() < deadline) {
    try {
      await conn.reconnect({ timeoutMs: Math.max(1000, deadline - Date.now()) });
      const now = (await conn.exec(bootIdCmd)).stdout.trim();
      if (now && now !== before) {
        const test = await conn.exec(change.testCommand ?? 'true', { become: opts.become, becomeUser: opts.becomeUser });
        if (test.code === 0) return undefined;
      }
    } catch (e) {
      if (!(e instanceof UnreachableError)) throw e;
    }
    await sleep(3000);
  }
  return `host did not come back with a new boot_id within ${change.timeoutSec ?? 600}s`;
}
