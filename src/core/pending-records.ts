/**
 * Handler notifications an interrupted run left on a host, one record per inventory host: inventory hosts that are one
 * machine (aliases, local hosts) keep their own, so one host's handler run never clears another's. A record is a JSON
 * array of handler names in `<place>/pending-handlers.d/host-<name>.json`, the name percent-encoded.
 */
import { quote } from './quote.ts';

/** Where records are kept: /var/lib/rig when the change runs as root, else the login user's ~/.local/state/rig. */
export const PENDING_PLACES = {
  system: '/var/lib/rig',
  /** Relative to the login user's $HOME (facts.user.home). */
  userRelative: '.local/state/rig',
} as const;

/** The directory under a place that holds the records. */
export const PENDING_DIR = 'pending-handlers.d';

/** One record per machine, as rig wrote it before records were per inventory host: read as every host's record, and
 *  removed when a host clears its own. */
export const LEGACY_RECORD = 'pending-handlers.json';

/** A record found on a host. */
export interface PendingRecord {
  readonly place: 'system' | 'user';
  /** The inventory host it belongs to; unset for the legacy per-machine record (every host's). */
  readonly host?: string;
  readonly names: readonly string[];
}

/** `host-<name>.json`: every byte but [A-Za-z0-9_-] percent-encoded (no `/`, no leading dot, no `..`). */
export function recordFileName(host: string): string {
  const enc = Array.from(new TextEncoder().encode(host), (b) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');
  return `host-${enc}.json`;
}

/** Shell printing every record under `place` (a shell word), each after a `#<file name>` line; `cat` prints a file. */
export function catRecords(place: string, cat: string): string {
  return `for rig_f in ${place}/${quote(LEGACY_RECORD)} ${place}/${quote(PENDING_DIR)}/host-*.json; do [ -r "$rig_f" ] || continue; printf '#%s\\n' "\${rig_f##*/}"; ${cat} "$rig_f"; echo; done`;
}

/** Parse `catRecords` output of one place (`where` names it in errors). Text without a `#` line is one legacy record. */
export function parseRecords(text: string, place: PendingRecord['place'], where: string): PendingRecord[] {
  const parts: { file: string; json: string }[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) parts.push({ file: line.slice(1), json: '' });
    else if (parts.length) parts[parts.length - 1]!.json += `${line}\n`;
    else if (line.trim()) parts.push({ file: LEGACY_RECORD, json: `${line}\n` });
  }
  return parts.flatMap(({ file, json }) => {
    if (!json.trim()) return [];
    let list: unknown;
    try {
      list = JSON.parse(json);
    } catch {
      throw new Error(`cannot parse the pending-handler record ${where}/${file} as JSON: ${json.slice(0, 200)}`);
    }
    if (!Array.isArray(list)) throw new Error(`the pending-handler record ${where}/${file} must hold a JSON array of handler names`);
    const names = list.filter((n): n is string => typeof n === 'string');
    const m = /^host-(.*)\.json$/.exec(file);
    if (file !== LEGACY_RECORD && !m) return [];
    let host: string | undefined;
    try {
      host = m ? decodeURIComponent(m[1]!) : undefined;
    } catch {
      return []; // not a name rig wrote
    }
    return [{ place, ...(host !== undefined ? { host } : {}), names }];
  });
}

/** What `host` has pending: its own records and the legacy ones, names once each, and the places they are in. */
export function pendingOf(records: readonly PendingRecord[], host: string): { names: string[]; places: PendingRecord['place'][] } {
  const names: string[] = [];
  const places: PendingRecord['place'][] = [];
  for (const r of records) {
    if (r.host !== undefined && r.host !== host) continue;
    if (!places.includes(r.place)) places.push(r.place);
    for (const n of r.names) if (!names.includes(n)) names.push(n);
  }
  return { names, places };
}
