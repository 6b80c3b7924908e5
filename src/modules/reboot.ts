/** reboot: restart the host and wait until it is back with a new boot_id (the runner performs it; never in check mode). */
import { read } from '../core/fact.ts';
import { defineModule, type Plan, type Reads } from '../core/module.ts';
import { bootId } from '../facts/reboot.ts';
import { seconds, strict, z } from '../schema/index.ts';

/** Args schema of the reboot module. */
export const rebootArgs = strict({
  msg: z.string().optional().describe("Why the host reboots; shown as the change's description. Default 'reboot'."),
  rebootTimeoutSec: seconds
    .refine((n) => n > 0, { error: 'must be a positive number of seconds, e.g. 600', when: (p) => !p.issues.length })
    .optional()
    .describe('Seconds to wait for the host to come back, > 0. Default 600.'),
  testCommand: z
    .string()
    .refine((c) => c.trim() !== '', { error: "is empty: leave it out (the default is 'true') or give a command, e.g. 'systemctl is-system-running --wait'" })
    .optional()
    .describe("Command that must succeed after the reboot before the task counts as done. Default 'true'."),
  allowed: z.boolean().optional().describe('Consent: when false the task reports the needed reboot and changes nothing. Default true.'),
}).describe('The host rebooted, reconnected, with a new boot_id and a passing test command; facts refreshed. Never in check mode.');
/** Arguments of the reboot module. */
export type RebootArgs = z.infer<typeof rebootArgs>;

/** The boot id before the reboot. */
export interface RebootState {
  readonly bootId: string;
}

/** What a reboot task registers. */
export interface RebootOutput {
  /** boot_id seen before the reboot (the runner waits for a different one). */
  readonly bootIdBefore: string;
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
  args: rebootArgs,
  probe: (): Reads<RebootState> => ({ bootId: read(bootId, undefined) }),
  plan: (a, s) => plan(a, s),
});
