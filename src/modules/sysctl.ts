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
import { absPath, strict, z } from '../schema/index.ts';

const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));

/** Args schema of the sysctl module. */
export const sysctlArgs = strict({
  name: z
    .string({ error: (iss) => `expected a key as a string, e.g. "net.ipv4.ip_forward", got ${show(iss.input)}` })
    .min(1, { error: 'must not be empty: give a key like "net.ipv4.ip_forward"', abort: true })
    .refine(isValidSysctlKey, {
      error: (iss) => `${show(iss.input)} is not a valid key (dot-separated segments of letters, digits, _ - and /), e.g. "net.ipv4.ip_forward"`,
    })
    .describe("Key in dot notation, e.g. 'net.ipv4.ip_forward'; '/' stands for a literal dot ('net.ipv4.conf.eth0/100.rp_filter')."),
  value: z
    .union([z.string(), z.number()], { error: (iss) => `expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got ${show(iss.input)}` })
    .refine((v) => normaliseSysctlValue(v) !== '', { error: 'empty: give the value to set (or state: absent to unpersist the key)', abort: true })
    .refine((v) => !/[\r\n]/.test(String(v)), { error: 'must be a single line' })
    // 18446744073692774399 as a JS number is 18446744073692774000, and 1e21 prints as 1e+21: neither is what was meant
    .refine((v) => typeof v === 'string' || Number.isSafeInteger(v) || (Number.isFinite(v) && !Number.isInteger(v) && !/e/i.test(String(v))), {
      error: (iss) => `${show(iss.input)} cannot be written exactly as a number: give it as a string, e.g. "18446744073692774399"`,
    })
    .optional()
    .describe('Desired value (a string or a finite number); compared whitespace-insensitively ("4096 87380 6291456"). Required when state is present.'),
  file: absPath
    .refine((f) => !/[\r\n]/.test(f), { error: 'must be a single line' })
    .optional()
    .describe(
      "File holding the persisted setting. Default '/etc/sysctl.d/99-rig-<name>.conf': one file per key keeps tasks independent, and " +
        "'99-rig-' sorts after distro defaults and before Debian's 99-sysctl.conf, so /etc/sysctl.conf keeps the final word.",
    ),
  state: z
    .enum(['present', 'absent'])
    .optional()
    .describe("'present' (default); 'absent' removes the persisted line (the live value is left alone: the kernel has no \"unset\")."),
  reload: z.boolean().optional().describe('Also apply the value to the running kernel with sysctl -w. Default true.'),
}).describe('A kernel parameter set live (sysctl -w) and persisted in a sysctl.d file.');
/** Arguments of the sysctl module. */
export type SysctlArgs = z.infer<typeof sysctlArgs>;

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
  args: sysctlArgs,
  // the schema checked each field; the value is needed only with state present
  validate: (args) => ((args.state ?? 'present') === 'present' && args.value === undefined ? [`value is required with state present (e.g. value: 1)`] : []),
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

    // the running kernel first: a key or value the kernel refuses fails the task before it is persisted (a bad line in
    // sysctl.d would fail systemd-sysctl at every boot)
    if (present && (args.reload ?? true) && args.value !== undefined) {
      const value = normaliseSysctlValue(args.value);
      if (state.live.exists && state.live.value === undefined) notes.push(`${key} is write-only: live value not compared`);
      else if (!state.live.exists || normaliseSysctlValue(state.live.value ?? '') !== value) {
        // a missing key may appear once its module is loaded by an earlier task; if not, sysctl -w fails and says so
        if (!state.live.exists) notes.push(`${key} does not exist in the running kernel yet`);
        changes.push({ kind: 'exec', command: sh`sysctl -w ${`${key}=${value}`}`.text, description: `sysctl -w ${key}=${value}` });
      }
    }

    const after = editSysctlConf(state.file, key, present ? args.value : undefined);
    if (state.file === null ? after !== '' : after !== state.file) {
      diff.push({ path, before: state.file ?? '', after });
      // our own per-key file with nothing left in it goes away entirely
      if (!present && args.file === undefined && !hasSettings(after)) changes.push({ kind: 'exec', command: sh`rm -f ${path}`.text, description: `remove ${path}`, effects: [{ op: 'remove', path }] });
      else changes.push({ kind: 'write', path, content: after, mode: '0644', description: `${present ? 'persist' : 'unpersist'} ${key} in ${path}` });
    }
    return { changes, ...(diff.length ? { diff } : {}), ...(notes.length ? { msg: notes.join('; ') } : {}) };
  },
});
