/** The pending-handler records alone, for plays that gather no facts (the facts script reads them otherwise). */
import type { Fact } from '../core/fact.ts';
import { quote } from '../core/quote.ts';
import { PENDING_HANDLERS_PATHS } from './host.ts';

/** Handler names an interrupted run left, and where (/var/lib/rig, and the login user's home even under sudo). */
export interface PendingRecords {
  readonly names: readonly string[];
  readonly places: readonly ('system' | 'user')[];
}

/** `cat` of both records, each framed by its place (no output for a record that is not there). */
export const pendingRecords: Fact<PendingRecords, void> = {
  name: 'rig.pendingHandlers',
  command: () =>
    [
      `if [ -r ${quote(PENDING_HANDLERS_PATHS.system)} ]; then echo '@system'; cat ${quote(PENDING_HANDLERS_PATHS.system)}; echo; fi`,
      // under sudo the login user is SUDO_USER: its passwd entry gives the home the record is in
      `h=$HOME; if [ "$(id -u)" = 0 ] && [ -n "\${SUDO_USER:-}" ] && e=$(getent passwd "$SUDO_USER"); then h=\${e#*:*:*:*:*:}; h=\${h%%:*}; fi`,
      `if [ -r "$h"/${quote(PENDING_HANDLERS_PATHS.userRelative)} ]; then echo '@user'; cat "$h"/${quote(PENDING_HANDLERS_PATHS.userRelative)}; echo; fi`,
      ':',
    ].join('\n'),
  parse(out) {
    const names: string[] = [];
    const places: ('system' | 'user')[] = [];
    for (const part of out.stdout.split(/^@(?=system$|user$)/m).filter((p) => p.trim())) {
      const place = part.startsWith('system') ? 'system' : 'user';
      const json = part.slice(place.length).trim();
      if (!json) continue;
      let list: unknown;
      try {
        list = JSON.parse(json);
      } catch {
        throw new Error(`cannot parse the pending-handler record (${place}) as JSON: ${json.slice(0, 200)}`);
      }
      if (!Array.isArray(list)) throw new Error(`the pending-handler record (${place}) must hold a JSON array of handler names`);
      places.push(place);
      for (const n of list) if (typeof n === 'string' && !names.includes(n)) names.push(n);
    }
    return { names, places };
  },
};
