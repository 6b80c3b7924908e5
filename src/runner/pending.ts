/** Pending handler notifications persisted on the host, so an interrupted run is finished by the next one. */
import { sh, type ShellFragment } from '../core/index.ts';

/** Script that atomically replaces the host's pending-handler list (root: /var/lib/rig, else ~/.local/state/rig). */
export function pendingScript(names: readonly string[], asRoot: boolean): ShellFragment {
  const dir = asRoot ? sh`/var/lib/rig` : sh`"$HOME/.local/state/rig"`;
  if (names.length === 0) return sh`rm -f ${dir}/pending-handlers.json`;
  const json = JSON.stringify(names);
  // the temp name carries the shell's pid: inventory hosts that are one machine (aliases, local hosts) write at once
  return sh`mkdir -p ${dir} && printf '%s' ${json} > ${dir}/.pending-handlers.json.$$.tmp && mv -f ${dir}/.pending-handlers.json.$$.tmp ${dir}/pending-handlers.json`;
}
