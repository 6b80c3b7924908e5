/** consulRestart: restart the agent and wait until this node is alive in `consul members` (the rolling restart's step). */
import { absPath, defineModule, sh, strict, z, type CommandOutput, type Plan, type Reads } from '../../../src/index.ts';

/** Args schema of consulRestart. */
export const consulRestartArgs = strict({
  node: z.string().min(1).describe("This node's name in the cluster (its hostname)."),
  consulBin: absPath.describe('The consul binary, e.g. /usr/local/bin/consul.'),
  aliveTimeoutSec: z.number().int().positive().describe('Seconds the restarted agent gets to be alive in consul members before the task fails.'),
}).describe("Restart the Consul agent (daemon-reload first) and wait until this node is alive in `consul members`; fails after aliveTimeoutSec.");
/** Arguments of consulRestart. */
export type ConsulRestartArgs = z.infer<typeof consulRestartArgs>;

/** Always one exec (a handler runs it when notified); the wait is declared so the terminal shows it while it lasts. */
export const consulRestartModule = defineModule<ConsulRestartArgs, Record<string, never>, CommandOutput | undefined>({
  name: 'consulRestart',
  args: consulRestartArgs,
  probe: (): Reads<Record<string, never>> => ({}),
  plan: (a): Plan<CommandOutput | undefined> => ({
    changes: [
      {
        kind: 'exec',
        command: sh`n=${a.node}; t=${a.aliveTimeoutSec}; systemctl daemon-reload && systemctl restart consul && i=0 && until ${a.consulBin} members -status=alive 2>/dev/null | awk 'NR > 1 { print $1 }' | grep -qxF "$n"; do i=$((i + 1)); if [ "$i" -ge "$t" ]; then echo "consul: $n not alive in consul members $t s after the restart" >&2; exit 1; fi; sleep 1; done`.text,
        description: `restart consul, wait until ${a.node} is alive`,
        waits: { what: `${a.node} alive in consul members after the restart`, limitSec: a.aliveTimeoutSec },
      },
    ],
  }),
});
