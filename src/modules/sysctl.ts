/** sysctl: set a kernel parameter live and persist it in a sysctl.d file. */
import type { Change } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule } from '../core/module.ts';
import type { Diff } from '../core/module.ts';
import { sh } from '../core/quote.ts';
import {
  isValidSysctlKey,
  normaliseSysctlKey,
  normaliseSysctlValue,
  parseSysctlLine,
  sysctlConfFile,
  sysctlLive,
} from '../facts/sysctl.ts';
import type { SysctlLive } from '../facts/sysctl.ts';

/** Arguments of the sysctl module. */
export interface SysctlArgs {
  /** Key in dot notation, e.g. 'net.ipv4.ip_forward'; '/' stands for a literal dot ('net.ipv4.conf.eth0/100.rp_filter'). */
  readonly name: string;
  /** Desired value; compared whitespace-insensitively ("4096 87380 6291456"). Required when state is 'present'. */
  readonly value?: string | number;
  /**
   * File holding the persisted setting. One file per key keeps tasks independent (no read-modify-write race between
   * two tasks' prefetched reads of a shared file). '99-rig-' sorts after distro defaults (/usr/lib/sysctl.d/50-*) and
   * before Debian's 99-sysctl.conf, so /etc/sysctl.conf keeps the final word, as admins expect.
   * @default `/etc/sysctl.d/99-rig-<name>.conf`
   */
  readonly file?: string;
  /** 'absent' removes the persisted line (the live value is left alone: the kernel has no "unset"). @default 'present' */
  readonly state?: 'present' | 'absent';
  /** Also apply the value to the running kernel with `sysctl -w`. @default true */
  readonly reload?: boolean;
}

/** What the sysctl module reads. */
export interface SysctlState {
  readonly live: SysctlLive;
  /** Content of the persisted file, null when it does not exist. */
  readonly file: string | null;
}

/** Default persisted file for a key. */
export function sysctlDefaultFile(name: string): string {
  return `/etc/sysctl.d/99-rig-${normaliseSysctlKey(name).replace(/\//g, '_')}.conf`;
}

const HEADER = '# Managed by rig.\n';

/** The file with `key` set to `value` (undefined: removed), or the same string when nothing needs to change. */
export function editSysctlConf(before: string | null, name: string, value: string | number | undefined): string {
  const key = normaliseSysctlKey(name);
  const wanted = value === undefined ? undefined : `${key} = ${normaliseSysctlValue(value)}`;
  if (before === null) return wanted === undefined ? '' : `${HEADER}${wanted}\n`;
  const lines = before.split('\n');
  const hits = lines.flatMap((l, i) => (parseSysctlLine(l)?.key === key ? [i] : []));
  // a later line for the same key wins, so the last one decides whether the file already says the right thing
  const last = hits.at(-1);
  const lastLine = last === undefined ? undefined : parseSysctlLine(lines[last] as string);
  if (value !== undefined && hits.length === 1 && lastLine && normaliseSysctlValue(lastLine.value) === normaliseSysctlValue(value)) return before;
  if (value === undefined && hits.length === 0) return before;
  const first = hits[0];
  if (first === undefined) {
    const body = before === '' || before.endsWith('\n') ? before : `${before}\n`;
    return `${body}${wanted}\n`;
  }
  // the first occurrence takes the new value, duplicates go (no line before `first` is dropped, so its index holds)
  const kept = lines.filter((_, i) => !hits.includes(i) || i === first);
  if (wanted === undefined) kept.splice(first, 1);
  else kept[first] = wanted;
  return kept.join('\n');
}

const hasSettings = (content: string): boolean => content.split('\n').some((l) => parseSysctlLine(l) !== undefined);

/** Set (and persist) a kernel parameter. */
export const sysctlModule = defineModule<SysctlArgs, SysctlState>({
  name: 'sysctl',
  validate(args) {
    const problems: string[] = [];
    if (!args.name) problems.push('sysctl: name is required (e.g. "net.ipv4.ip_forward")');
    else if (!isValidSysctlKey(args.name))
      problems.push(`sysctl: "${args.name}" is not a valid key (dot-separated segments of letters, digits, _ - and /)`);
    const state = args.state ?? 'present';
    if (state !== 'present' && state !== 'absent') problems.push(`sysctl: state must be 'present' or 'absent', got "${String(state)}"`);
    if (state === 'present') {
      if (args.value === undefined || normaliseSysctlValue(args.value) === '') problems.push(`sysctl ${args.name}: value is required`);
      else if (/[\r\n]/.test(String(args.value))) problems.push(`sysctl ${args.name}: value must be a single line`);
    }
    if (args.file !== undefined && (!args.file.startsWith('/') || /[\r\n]/.test(args.file)))
      problems.push(`sysctl ${args.name}: file must be an absolute path, got "${args.file}"`);
    return problems;
  },
  probe(args) {
    return { live: read(sysctlLive, args.name), file: read(sysctlConfFile, args.file ?? sysctlDefaultFile(args.name)) };
  },
  plan(args, state) {
    const path = args.file ?? sysctlDefaultFile(args.name);
    const key = normaliseSysctlKey(args.name);
    const changes: Change[] = [];
    const diff: Diff[] = [];
    const notes: string[] = [];
    const present = (args.state ?? 'present') === 'present';

    const after = editSysctlConf(state.file, key, present ? args.value : undefined);
    if (state.file === null ? after !== '' : after !== state.file) {
      diff.push({ path, before: state.file ?? '', after });
      // our own per-key file with nothing left in it goes away entirely
      if (!present && args.file === undefined && !hasSettings(after)) changes.push({ kind: 'exec', command: sh`rm -f ${path}`.text, description: `remove ${path}` });
      else changes.push({ kind: 'write', path, content: after, mode: '0644', description: `${present ? 'persist' : 'unpersist'} ${key} in ${path}` });
    }

    // the running kernel differs?
    if (present && (args.reload ?? true) && args.value !== undefined) {
      const value = normaliseSysctlValue(args.value);
      if (state.live.exists && state.live.value === undefined) notes.push(`${key} is write-only: live value not compared`);
      else if (!state.live.exists || normaliseSysctlValue(state.live.value ?? '') !== value) {
        // a missing key may appear once its module is loaded by an earlier task; if not, sysctl -w fails and says so
        if (!state.live.exists) notes.push(`${key} does not exist in the running kernel yet`);
        changes.push({ kind: 'exec', command: sh`sysctl -w ${`${key}=${value}`}`.text, description: `sysctl -w ${key}=${value}` });
      }
    }
    return { changes, ...(diff.length ? { diff } : {}), ...(notes.length ? { msg: notes.join('; ') } : {}) };
  },
});
