/** The pending-handler records alone, for plays that gather no facts (the facts script reads them otherwise). */
import type { Fact } from '../core/fact.ts';
import { catRecords, parseRecords, PENDING_PLACES, type PendingRecord } from '../core/pending-records.ts';
import { quote } from '../core/quote.ts';

/** Every record on the machine (/var/lib/rig, and the login user's home even under sudo), each place framed by `@<place>`. */
export const pendingRecords: Fact<readonly PendingRecord[], void> = {
  name: 'rig.pendingHandlers',
  command: () =>
    [
      `echo '@system'; ${catRecords(quote(PENDING_PLACES.system), 'cat')}`,
      // under sudo the login user is SUDO_USER: its passwd entry gives the home the record is in
      `h=$HOME; if [ "$(id -u)" = 0 ] && [ -n "\${SUDO_USER:-}" ] && e=$(getent passwd "$SUDO_USER"); then h=\${e#*:*:*:*:*:}; h=\${h%%:*}; fi`,
      `echo '@user'; ${catRecords(`"$h"/${quote(PENDING_PLACES.userRelative)}`, 'cat')}`,
      ':',
    ].join('\n'),
  parse(out) {
    const [, system = '', user = ''] = out.stdout.split(/^@(?:system|user)$/m);
    return [...parseRecords(system, 'system', PENDING_PLACES.system), ...parseRecords(user, 'user', `~/${PENDING_PLACES.userRelative}`)];
  },
};
