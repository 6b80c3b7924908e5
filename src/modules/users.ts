/** user and group: local accounts with useradd/usermod/userdel and groupadd/groupmod/groupdel. */
import type { Change } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule } from '../core/module.ts';
import type { Reads } from '../core/module.ts';
import { sh } from '../core/quote.ts';
import { groupEntry, isValidAccountName, passwdEntry, shadowHash, userGroups } from '../facts/users.ts';
import type { GroupEntry, PasswdEntry } from '../facts/users.ts';

/** Arguments of the user module. */
export interface UserArgs {
  readonly name: string;
  /** @default 'present' */
  readonly state?: 'present' | 'absent';
  readonly uid?: number;
  /** Primary group, by name or gid. @default useradd's choice (a group named like the user on Debian/RHEL) */
  readonly group?: string | number;
  /** Supplementary groups; they must exist. */
  readonly groups?: readonly string[];
  /** Add to `groups` and keep other memberships; false makes `groups` the exact list. @default true */
  readonly append?: boolean;
  readonly shell?: string;
  /** Home directory path (an existing home is not moved). */
  readonly home?: string;
  /** Create the home directory when creating the user. @default true for regular users, false for system users */
  readonly createHome?: boolean;
  /** Create a system account (uid below UID_MIN); ignored for an existing user. @default false */
  readonly system?: boolean;
  /** GECOS field. */
  readonly comment?: string;
  /** A crypt(3) hash (e.g. from `openssl passwd -6`), never clear text; it travels on stdin, never in a command line. */
  readonly password?: string;
  /** With state 'absent': also remove the home directory and mail spool (userdel -r). @default false */
  readonly removeHome?: boolean;
}

/** What the user module reads. */
export interface UserState {
  readonly user: PasswdEntry | null;
  /** `id -Gn`: primary group first. */
  readonly groups: readonly string[];
  /** The wanted primary group, read only when `group` is given. */
  readonly primaryGroup?: GroupEntry | null;
  /** Current hash, read only when `password` is given (needs root). */
  readonly shadow?: string | null;
}

/** Arguments of the group module. */
export interface GroupArgs {
  readonly name: string;
  /** @default 'present' */
  readonly state?: 'present' | 'absent';
  readonly gid?: number;
  /** Create a system group; ignored for an existing group. @default false */
  readonly system?: boolean;
}

/** What the group module reads. */
export interface GroupState {
  readonly group: GroupEntry | null;
}

const STATES = ['present', 'absent'];
const isId = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 2 ** 32 - 1;
// passwd(5) fields are ':'-separated lines
const badField = (s: string): boolean => /[:\r\n]/.test(s);

function validateUser(a: UserArgs): string[] {
  const p: string[] = [];
  const who = `user ${a.name}`;
  if (!a.name) return ['user: name is required'];
  if (!isValidAccountName(a.name)) p.push(`user: "${a.name}" is not a valid user name (letters, digits, _ . -, at most 32, not starting with a digit or -)`);
  if (a.state !== undefined && !STATES.includes(a.state)) p.push(`${who}: state must be 'present' or 'absent', got "${String(a.state)}"`);
  if (a.uid !== undefined && !isId(a.uid)) p.push(`${who}: uid must be a non-negative integer, got ${String(a.uid)}`);
  if (a.group !== undefined && !(isId(a.group) || (typeof a.group === 'string' && (isValidAccountName(a.group) || /^\d+$/.test(a.group)))))
    p.push(`${who}: group "${String(a.group)}" is neither a group name nor a gid`);
  for (const g of a.groups ?? []) if (!isValidAccountName(g)) p.push(`${who}: "${g}" in groups is not a valid group name`);
  for (const [k, v] of [['shell', a.shell], ['home', a.home]] as const)
    if (v !== undefined && (!v.startsWith('/') || badField(v))) p.push(`${who}: ${k} must be an absolute path without ':', got "${v}"`);
  if (a.comment !== undefined && badField(a.comment)) p.push(`${who}: comment must be one line without ':'`);
  // the value is never echoed back: it may be a clear-text password given by mistake
  if (a.password !== undefined && (badField(a.password) || !/^(\$[A-Za-z0-9]+\$\S+|![^\s]*|\*)$/.test(a.password)))
    p.push(`${who}: password must be a crypt(3) hash such as the output of \`openssl passwd -6\` (or '!' / '*' to lock), not clear text`);
  return p;
}

/** The useradd/usermod options still needed for an existing user. */
function usermodOptions(a: UserArgs, s: UserState, user: PasswdEntry): (string | number)[] {
  const o: (string | number)[] = [];
  if (a.uid !== undefined && a.uid !== user.uid) o.push('-u', a.uid);
  if (a.group !== undefined) {
    const wantedGid = typeof a.group === 'number' || /^\d+$/.test(a.group) ? Number(a.group) : s.primaryGroup?.gid;
    // an unknown group (created by an earlier task in this run) means a change
    if (wantedGid !== user.gid) o.push('-g', a.group);
  }
  if (a.groups !== undefined) {
    // the primary group is never a supplementary one: listing it would re-add it on every run
    const primary = new Set([s.groups[0], typeof a.group === 'string' ? a.group : undefined, s.primaryGroup?.name]);
    const current = s.groups.slice(1).filter((g) => !primary.has(g));
    const wanted = [...new Set(a.groups)].filter((g) => !primary.has(g));
    if (a.append ?? true) {
      const missing = wanted.filter((g) => !current.includes(g));
      if (missing.length) o.push('-a', '-G', missing.join(','));
    } else if (wanted.length !== current.length || wanted.some((g) => !current.includes(g))) o.push('-G', wanted.join(','));
  }
  if (a.shell !== undefined && a.shell !== user.shell) o.push('-s', a.shell);
  if (a.home !== undefined && a.home !== user.home) o.push('-d', a.home);
  if (a.comment !== undefined && a.comment !== user.comment) o.push('-c', a.comment);
  return o;
}

function useraddOptions(a: UserArgs): (string | number)[] {
  const o: (string | number)[] = [];
  if (a.uid !== undefined) o.push('-u', a.uid);
  if (a.group !== undefined) o.push('-g', a.group);
  if (a.groups?.length) o.push('-G', [...new Set(a.groups)].join(','));
  if (a.shell !== undefined) o.push('-s', a.shell);
  if (a.home !== undefined) o.push('-d', a.home);
  if (a.comment !== undefined) o.push('-c', a.comment);
  if (a.system) o.push('-r');
  // explicit either way: Debian's login.defs does not create homes, RHEL's does
  o.push((a.createHome ?? !a.system) ? '-m' : '-M');
  return o;
}

const exec = (command: string, description: string, stdin?: string): Change => ({ kind: 'exec', command, description, ...(stdin !== undefined ? { stdin } : {}) });

/** Create, update or remove a local user. */
export const userModule = defineModule<UserArgs, UserState>({
  name: 'user',
  validate: validateUser,
  probe(args) {
    const reads: { -readonly [K in keyof UserState]: Reads<UserState>[K] } = {
      user: read(passwdEntry, args.name),
      groups: read(userGroups, args.name),
    };
    if ((args.state ?? 'present') === 'present' && args.group !== undefined) reads.primaryGroup = read(groupEntry, String(args.group));
    if ((args.state ?? 'present') === 'present' && args.password !== undefined) reads.shadow = read(shadowHash, args.name);
    return reads;
  },
  plan(args, state) {
    const name = args.name;
    if ((args.state ?? 'present') === 'absent') {
      if (!state.user) return { changes: [] };
      const cmd = args.removeHome ? sh`userdel -r ${name}` : sh`userdel ${name}`;
      return { changes: [exec(cmd.text, cmd.text)] };
    }
    const changes: Change[] = [];
    if (!state.user) {
      const cmd = sh`useradd ${useraddOptions(args)} ${name}`.text;
      changes.push(exec(cmd, cmd));
    } else {
      const opts = usermodOptions(args, state, state.user);
      if (opts.length) {
        const cmd = sh`usermod ${opts} ${name}`.text;
        changes.push(exec(cmd, cmd));
      }
    }
    // the hash goes on stdin so it shows in no command line, -v output or process list
    if (args.password !== undefined && (!state.user || state.shadow !== args.password))
      changes.push(exec('chpasswd -e', `set password of ${name}`, `${name}:${args.password}\n`));
    return { changes };
  },
});

/** Create, update or remove a local group. */
export const groupModule = defineModule<GroupArgs, GroupState>({
  name: 'group',
  validate(a) {
    if (!a.name) return ['group: name is required'];
    const p: string[] = [];
    if (!isValidAccountName(a.name)) p.push(`group: "${a.name}" is not a valid group name (letters, digits, _ . -, at most 32, not starting with a digit or -)`);
    if (a.state !== undefined && !STATES.includes(a.state)) p.push(`group ${a.name}: state must be 'present' or 'absent', got "${String(a.state)}"`);
    if (a.gid !== undefined && !isId(a.gid)) p.push(`group ${a.name}: gid must be a non-negative integer, got ${String(a.gid)}`);
    return p;
  },
  probe: (args) => ({ group: read(groupEntry, args.name) }),
  plan(args, state) {
    const cmd = (c: string): { changes: Change[] } => ({ changes: [exec(c, c)] });
    if ((args.state ?? 'present') === 'absent') return state.group ? cmd(sh`groupdel ${args.name}`.text) : { changes: [] };
    if (!state.group) {
      const opts: (string | number)[] = [...(args.gid !== undefined ? ['-g', args.gid] : []), ...(args.system ? ['-r'] : [])];
      return cmd(sh`groupadd ${[...opts, args.name]}`.text);
    }
    if (args.gid !== undefined && args.gid !== state.group.gid) return cmd(sh`groupmod -g ${args.gid} ${args.name}`.text);
    return { changes: [] };
  },
});
