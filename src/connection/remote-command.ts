/** The command line sent over SSH for one exec: `sh -c SCRIPT` (a large script on stdin), optionally under sudo, and what to make of sudo's answers. */
import { randomBytes } from 'node:crypto';
import type { ExecOutput } from '../core/index.ts';
import { sh } from '../core/index.ts';

/**
 * Largest command line (bytes) that carries the script itself. Linux refuses one argv word over 128 KiB
 * (MAX_ARG_STRLEN: spawn E2BIG, or sshd's `$SHELL -c`), and RFC 4253 only promises 35000-byte SSH packets (dropbear
 * stops there), so a larger script travels on stdin instead; everything smaller keeps the plain `sh -c SCRIPT`.
 */
export const MAX_ARGV_SCRIPT_BYTES = 32_000;

/** A built command; with a sudo password, the markers drive the stdin handshake. */
export interface RemoteCommand {
  readonly command: string;
  /** sudo prints this as its password prompt (on stderr, because of -S). */
  readonly promptMarker?: string;
  /** The script prints this on stderr as its first act: sudo is done reading, stdin now belongs to the script. */
  readonly startMarker?: string;
  /** Bytes to send on stdin before the exec's own stdin (the script, when it is too large for the command line). */
  readonly stdinPrefix?: Uint8Array;
}

/** Ends the script on stdin: `$(...)` keeps it, so a script cut short (connection lost while sending) never runs. */
const END_OF_SCRIPT = '\n#rig-end-of-script';

/**
 * A small `sh -c` program that reads `script` from stdin and runs it with eval, plus the bytes to send first.
 * The script's byte count comes first in the program; GNU `head -c N` never reads past N bytes of a pipe, so
 * the exec's own stdin (file content) is still there for the script, as with `sh -c SCRIPT`.
 */
export function scriptOnStdin(script: string): { program: string; stdinPrefix: Uint8Array } {
  const stdinPrefix = Buffer.from(script + END_OF_SCRIPT, 'utf8');
  const program = sh`rig_script=$(head -c ${stdinPrefix.byteLength}) || exit 125
case $rig_script in *${END_OF_SCRIPT}) ;; *) echo ${'rig: the script arrived incomplete on stdin'} >&2; exit 125 ;; esac
eval "$rig_script"`.text;
  return { program, stdinPrefix };
}

/** The refusal for a script holding a NUL byte (no argv word and no shell variable can); undefined when it has none. */
export function nulRefusal(script: string): ExecOutput | undefined {
  return script.includes('\0') ? { stdout: '', stderr: 'rig: the script contains a NUL byte, which sh cannot run\n', code: 125 } : undefined;
}

/** Build the command for `script` (on stdin when large, see MAX_ARGV_SCRIPT_BYTES, or private). With a password sudo reads it from stdin only when it asks (prompt marker). */
export function buildCommand(script: string, o: { become?: boolean; becomeUser?: string; password?: string; privateScript?: boolean }): RemoteCommand {
  const plain = commandFor(script, o);
  if (!o.privateScript && Buffer.byteLength(plain.command, 'utf8') <= MAX_ARGV_SCRIPT_BYTES) return plain;
  const big = scriptOnStdin(script);
  return { ...commandFor(big.program, o), stdinPrefix: big.stdinPrefix };
}

function commandFor(script: string, o: { become?: boolean; becomeUser?: string; password?: string }): RemoteCommand {
  if (!o.become) return { command: sh`sh -c ${script}`.text };
  const user = o.becomeUser ?? 'root';
  if (o.password === undefined) return { command: sh`sudo -H -n -u ${user} -- sh -c ${script}`.text };
  const tag = randomBytes(8).toString('hex');
  const promptMarker = `<rig-sudo-prompt-${tag}>`;
  const startMarker = `<rig-started-${tag}>`;
  const inner = `${sh`printf %s ${startMarker} >&2`.text}\n${script}`;
  return { command: sh`sudo -H -S -p ${promptMarker} -u ${user} -- sh -c ${inner}`.text, promptMarker, startMarker };
}

/** Turn sudo's own failures into a message that says what to do; undefined when stderr is not a sudo failure. */
export function sudoProblem(stderr: string, code: number, passwordGiven: boolean): string | undefined {
  if (code === 0) return undefined;
  if (/^sudo: (a password is required|a terminal is required)/m.test(stderr)) {
    return 'sudo requires a password: pass -K or set RIG_BECOME_PASSWORD';
  }
  if (passwordGiven && /^sudo: (\d+ incorrect password attempts?|no password was provided)|^Sorry, try again\./m.test(stderr)) {
    return 'sudo refused the become password: check -K / RIG_BECOME_PASSWORD';
  }
  if (/^sudo: command not found|sudo: not found/m.test(stderr)) return 'become needs sudo, which is not installed on the host';
  if (/is not in the sudoers file|is not allowed to execute/m.test(stderr)) return 'the login user may not use sudo for this (sudoers)';
  return undefined;
}
