/** The command line sent over SSH for one exec: `sh -c SCRIPT`, optionally under sudo, and what to make of sudo's answers. */
import { randomBytes } from 'node:crypto';
import { sh } from '../core/index.ts';

/** A built command; with a sudo password, the markers drive the stdin handshake. */
export interface RemoteCommand {
  readonly command: string;
  /** sudo prints this as its password prompt (on stderr, because of -S). */
  readonly promptMarker?: string;
  /** The script prints this on stderr as its first act: sudo is done reading, stdin now belongs to the script. */
  readonly startMarker?: string;
}

/** Build the command for `script`. With a password sudo reads it from stdin only when it asks (prompt marker). */
export function buildCommand(script: string, o: { become?: boolean; becomeUser?: string; password?: string }): RemoteCommand {
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
