/** user and group: local accounts with useradd/usermod/userdel and groupadd/groupmod/groupdel. */
import type { Change } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule } from '../core/module.ts';
import type { Reads } from '../core/module.ts';
import { sh } from '../core/quote.ts';
import { groupEntry, isValidAccountName, passwdEntry, shadowHash, userGroups } from '../facts/users.ts';
import type { GroupEntry, PasswdEntry } from '../facts/users.ts';
import { absPath, strict, z } from '../schema/index.ts';
import type { ReadonlyDeep } from '../schema/index.ts';

const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));
const NAME_RULE = 'letters, digits, _ . -, at most 32, not starting with a digit or -';
// passwd(5) fields are ':'-separated lines
const oneField = (s: string): boolean => !/[:\r\n]/.test(s);

const accountName = (what: 'user' | 'group') =>
  z
    .string({ error: (iss) => `expected a ${what} name as a string, got ${show(iss.input)}` })
    .min(1, { error: `must not be empty: give a ${what} name like 'deploy'`, abort: true })
    .refine(isValidAccountName, { error: (iss) => `${show(iss.input)} is not a valid ${what} name (${NAME_RULE})` });

/** A uid or gid: 0 to 2^32-2 (2^32-1 is (uid_t)-1, "no id"). */
const id = (what: 'uid' | 'gid') =>
  z
    .number({ error: (iss) => `expected a ${what} as a number, got ${show(iss.input)}` })
    .int({ error: (iss) => `must be a non-negative integer, got ${String(iss.input)}`, abort: true })
    .min(0, { error: (iss) => `must be a non-negative integer, got ${String(iss.input)}` })
    .max(2 ** 32 - 2, { error: (iss) => `must be at most ${2 ** 32 - 2}, got ${String(iss.input)}` });

/** An absolute path that fits a passwd field. */
const passwdPath = absPath.refine(oneField, { error: (iss) => `must be an absolute path without ':', got ${show(iss.input)}` });

const stateShape = {
  state: z.enum(['present', 'absent']).optional().describe("'present' (default) or 'absent'."),
};

/** Args schema of the user module. */
export const userArgs = strict({
  name: accountName('user').describe(`User name (${NAME_RULE}).`),
  ...stateShape,
  uid: id('uid').optional().describe('Numeric user id.'),
  group: z
    .union(
      [
        z.string().refine((g) => isValidAccountName(g) || /^\d+$/.test(g), { error: (iss) => `${show(iss.input)} is neither a group name nor a gid` }),
        id('gid'),
      ],
      { error: (iss) => `expected a group name or a gid (a whole number >= 0), got ${show(iss.input)}` },
    )
    .optional()
    .describe("Primary group, by name or gid. Default: useradd's choice (a group named like the user on Debian/RHEL)."),
  groups: z
    .array(
      z.string({ error: (iss) => `expected a group name as a string, got ${show(iss.input)}` }).refine(isValidAccountName, {
        error: (iss) => `${show(iss.input)} is not a valid group name (${NAME_RULE})`,
      }),
      { error: (iss) => `expected a list of group names, got ${show(iss.input)}` },
    )
    .optional()
    .describe('Supplementary groups; they must exist.'),
  append: z.boolean().optional().describe('Add to groups and keep other memberships; false makes groups the exact list. Default true.'),
  shell: passwdPath.optional().describe("Login shell, an absolute path (e.g. '/usr/sbin/nologin')."),
  home: passwdPath.optional().describe('Home directory path (an existing home is not moved).'),
  createHome: z.boolean().optional().describe('Create the home directory when creating the user. Default true for regular users, false for system users.'),
  system: z.boolean().optional().describe('Create a system account (uid below UID_MIN); ignored for an existing user. Default false.'),
  comment: z
    .string({ error: (iss) => `expected the GECOS comment as a string, got ${show(iss.input)}` })
    .refine(oneField, { error: "must be one line without ':'" })
    .optional()
    .describe('GECOS field.'),
  // the value is never echoed back: it may be a clear-text password given by mistake
  password: z
    .string({ error: 'expected a crypt(3) hash as a string' })
    .refine((pw) => oneField(pw) && /^(\$[A-Za-z0-9]+\$\S+|![^\s]*|\*)$/.test(pw), {
      error: "must be a crypt(3) hash such as the output of `openssl passwd -6` (or '!' / '*' to lock), not clear text",
    })
    .optional()
    .describe("A crypt(3) hash (e.g. from `openssl passwd -6`), never clear text; it travels on stdin, never in a command line. '!' or '*' locks."),
  removeHome: z.boolean().optional().describe("With state 'absent': also remove the home directory and mail spool (userdel -r). Default false."),
}).describe('A local user created, updated or removed (useradd / usermod / userdel).');
/** Arguments of the user module. */
export type UserArgs = ReadonlyDeep<z.infer<typeof userArgs>>;

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

/** Args schema of the group module. */
export const groupArgs = strict({
  name: accountName('group').describe(`Group name (${NAME_RULE}).`),
  ...stateShape,
  gid: id('gid').optional().describe('Numeric group id.'),
  system: z.boolean().optional().describe('Create a system group; ignored for an existing group. Default false.'),
}).describe('A local group created, updated or removed (groupadd / groupmod / groupdel).');
/** Arguments of the group module. */
export type GroupArgs = z.infer<typeof groupArgs>;

/** What the group module reads. */
export interface GroupState {
  readonly group: GroupEntry | null;
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
  args: userArgs,
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
  args: groupArgs,
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
