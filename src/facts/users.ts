/** Local users and groups, through getent (so LDAP/SSSD users are seen as the system sees them). */
import type { ExecOutput, Fact } from '../core/fact.ts';
import { sh } from '../core/quote.ts';

/** One passwd entry. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly comment: string;
  readonly home: string;
  readonly shell: string;
}

/** One group entry. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  /** Supplementary members listed in the group database. */
  readonly members: readonly string[];
}

/** Whether `name` is a portable user/group name (shadow-utils' rules, case allowed as RHEL does). */
export function isValidAccountName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(name) && name.length <= 32;
}

// getent exits 2 for "not found": `|| true` keeps a batched script going; absence is an empty stdout
function single(out: ExecOutput, what: string, key: string, fields: number): string[] | null {
  const line = out.stdout.split('\n').find((l) => l.trim());
  if (line === undefined) return null;
  const f = line.split(':');
  if (f.length < fields) throw new Error(`${what} ${key}: unexpected output ${JSON.stringify(line.slice(0, 200))}`);
  return f;
}

/** `getent passwd NAME`: the user, or null when it does not exist. */
export const passwdEntry: Fact<PasswdEntry | null, string> = {
  name: 'users.passwd',
  command: (name) => sh`getent passwd ${name} || true`.text,
  parse: (out, name) => {
    const f = single(out, 'users.passwd', name, 7);
    if (!f) return null;
    return { name: f[0] as string, uid: Number(f[2]), gid: Number(f[3]), comment: f[4] as string, home: f[5] as string, shell: f.slice(6).join(':') };
  },
};

/** `getent group NAME` (NAME may be a numeric gid): the group, or null. */
export const groupEntry: Fact<GroupEntry | null, string> = {
  name: 'users.group',
  command: (name) => sh`getent group ${name} || true`.text,
  parse: (out, name) => {
    const f = single(out, 'users.group', name, 4);
    if (!f) return null;
    return { name: f[0] as string, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) };
  },
};

/** A user's groups from `id -Gn NAME`: primary first, then supplementary; [] when the user does not exist. */
export const userGroups: Fact<readonly string[], string> = {
  name: 'users.groups',
  command: (name) => sh`id -Gn ${name} 2>/dev/null || true`.text,
  parse: (out) => out.stdout.trim().split(/\s+/).filter(Boolean),
};

/** The password hash from `getent shadow NAME`; null when the user is missing or shadow is unreadable (not root). */
export const shadowHash: Fact<string | null, string> = {
  name: 'users.shadow',
  command: (name) => sh`getent shadow ${name} || true`.text,
  parse: (out, name) => {
    const f = single(out, 'users.shadow', name, 2);
    return f ? (f[1] as string) : null;
  },
};
