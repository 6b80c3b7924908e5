/** Pending handler notifications persisted on the host, so an interrupted run is finished by the next one. */
import { LEGACY_RECORD, PENDING_DIR, PENDING_PLACES, recordFileName, sh, type ShellFragment } from '../core/index.ts';

/** Script that atomically replaces `host`'s pending-handler record (root: /var/lib/rig, else ~/.local/state/rig); an
 *  empty list removes it, and the legacy per-machine record with it (its names were read as this host's). */
export function pendingScript(names: readonly string[], asRoot: boolean, host: string): ShellFragment {
  const place = asRoot ? sh`${PENDING_PLACES.system}` : sh`"$HOME"/${PENDING_PLACES.userRelative}`;
  const file = recordFileName(host);
  if (names.length === 0) return sh`rm -f ${place}/${PENDING_DIR}/${file} ${place}/${LEGACY_RECORD}`;
  const json = JSON.stringify(names);
  // the temp name carries the shell's pid: inventory hosts that are one machine (aliases, local hosts) write at once
  return sh`mkdir -p ${place}/${PENDING_DIR} && printf '%s' ${json} > ${place}/${PENDING_DIR}/.${file}.$$.tmp && mv -f ${place}/${PENDING_DIR}/.${file}.$$.tmp ${place}/${PENDING_DIR}/${file}`;
}
