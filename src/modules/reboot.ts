/** reboot: restart the host and wait until it is back with a new boot_id (the runner performs it; never in check mode). */
import { read } from '../core/fact.ts';
import { defineModule, type Plan, type Reads } from '../core/module.ts';
import { bootId } from '../facts/reboot.ts';

/** Arguments of the reboot module. */
export interface RebootArgs {
  /** Why the host reboots; shown as the change's description. @default 'reboot' */
  readonly msg?: string;
  /** Seconds to wait for the host to come back. @default 600 */
  readonly rebootTimeoutSec?: number;
  /** Command that must succeed after the reboot before the task counts as done. @default 'true' */
  readonly testCommand?: string;
  /** Consent: when false the task reports the needed reboot and changes nothing. @default true */
  readonly allowed?: boolean;
}

/** The boot id before the reboot. */
export interface RebootState {
  readonly bootId: string;
}

/** What a reboot task registers. */
export interface RebootOutput {
  /** boot_id seen before the reboot (the runner waits for a different one). */
  readonly bootIdBefore: string;
}

function validate(a: RebootArgs): string[] {
  const p: string[] = [];
  if (a.rebootTimeoutSec !== undefined && !(Number.isFinite(a.rebootTimeoutSec) && a.rebootTimeoutSec > 0)) {
    p.push('reboot: rebootTimeoutSec must be a positive number of seconds');
  }
  if (a.testCommand !== undefined && a.testCommand.trim() === '') p.push('reboot: testCommand is empty');
  return p;
}

function plan(a: RebootArgs, s: RebootState): Plan<RebootOutput> {
  // Conditional reboots are the task's `when` (e.g. a procCmdline token missing), not this module's business.
  // needed (the task runs) but no consent: say so, change nothing; the next run with consent reboots
  if (a.allowed === false) return { changes: [], msg: `NOT rebooted (no consent): ${a.msg ?? 'reboot'}` };
  return {
    changes: [
      {
        kind: 'reboot',
        description: a.msg ?? 'reboot',
        timeoutSec: a.rebootTimeoutSec ?? 600,
        ...(a.testCommand !== undefined ? { testCommand: a.testCommand } : {}),
      },
    ],
    refreshFacts: true,
    output: { bootIdBefore: s.bootId },
  };
}

/** Reboot the host, reconnect, confirm a new boot_id, run the test command, refresh facts. */
export const rebootModule = defineModule<RebootArgs, RebootState, RebootOutput>({
  name: 'reboot',
  validate,
  probe: (): Reads<RebootState> => ({ bootId: read(bootId, undefined) }),
  plan: (a, s) => plan(a, s),
});
