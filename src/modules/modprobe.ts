/** modprobe: load or unload a kernel module and make that last across reboots. */
import type { Change } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule } from '../core/module.ts';
import type { Diff } from '../core/module.ts';
import { sh } from '../core/quote.ts';
import { canonicalModuleName, isValidModuleName, kernelModule, modprobeConfFile } from '../facts/modprobe.ts';
import type { KernelModule } from '../facts/modprobe.ts';
import { strict, z } from '../schema/index.ts';

const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));

/** Args schema of the modprobe module. */
export const modprobeArgs = strict({
  name: z
    .string({ error: (iss) => `expected a module name as a string, e.g. "br_netfilter", got ${show(iss.input)}` })
    .min(1, { error: 'must not be empty: give a module name like "br_netfilter"', abort: true })
    .refine(isValidModuleName, { error: (iss) => `${show(iss.input)} is not a valid module name (letters, digits, _ and -, at most 64)` })
    .describe("Module name, e.g. 'br_netfilter' ('-' and '_' are the same module to the kernel)."),
  state: z
    .enum(['present', 'absent'])
    .optional()
    .describe("Loaded in the running kernel ('present', default) or not ('absent'). A built-in module counts as loaded and cannot be made absent."),
  persistent: z
    .enum(['present', 'absent', 'disabled'])
    .optional()
    .describe(
      "Loading at boot: 'present' lists the module in /etc/modules-load.d/<name>.conf (params go to /etc/modprobe.d/<name>.conf), " +
        "'absent' takes it out of both, 'disabled' leaves those files alone (Ansible's meaning). Default: the same as state.",
    ),
  params: z
    .string({ error: (iss) => `expected parameters as one string, e.g. "hashsize=4096 nf_conntrack_helper=0", got ${show(iss.input)}` })
    .refine((v) => !/[\r\n#]/.test(v), { error: "must be one line without '#'" })
    .optional()
    .describe("Parameters like 'nf_conntrack_helper=0 hashsize=4096'; used when loading, never re-applied to a loaded module."),
}).describe('A kernel module loaded or unloaded now and at boot (modules-load.d / modprobe.d).');
/** Arguments of the modprobe module. */
export type ModprobeArgs = z.infer<typeof modprobeArgs>;

/** What the modprobe module reads. */
export interface ModprobeState {
  readonly module: KernelModule;
  /** /etc/modules-load.d/<name>.conf, null when missing. */
  readonly loadFile: string | null;
  /** /etc/modprobe.d/<name>.conf, null when missing. */
  readonly optionsFile: string | null;
}

/** Boot-time files for a module. */
export function modprobePaths(name: string): { readonly loadFile: string; readonly optionsFile: string } {
  const n = canonicalModuleName(name);
  return { loadFile: `/etc/modules-load.d/${n}.conf`, optionsFile: `/etc/modprobe.d/${n}.conf` };
}

const HEADER = '# Managed by rig.\n';
const words = (params: string | undefined): string[] => (params ?? '').trim().split(/\s+/).filter(Boolean);
const isComment = (l: string): boolean => /^\s*([#;]|$)/.test(l);

// modules-load.d: one module name per line
const isLoadLine = (name: string) => (l: string) => !isComment(l) && canonicalModuleName(l.trim()) === canonicalModuleName(name);
// modprobe.d: "options <module> <params...>"
const isOptionsLine = (name: string) => (l: string) => {
  const f = l.trim().split(/\s+/);
  return f[0] === 'options' && canonicalModuleName(f[1] ?? '') === canonicalModuleName(name);
};

/** Content with exactly one line matching `isOurs`, equal to `wanted` (or none when undefined); unchanged input when already so. */
export function editLines(before: string | null, isOurs: (l: string) => boolean, wanted: string | undefined, same: (l: string) => boolean): string | null {
  const lines = before === null ? [] : before.split('\n');
  const ours = lines.flatMap((l, i) => (isOurs(l) ? [i] : []));
  if (wanted === undefined ? ours.length === 0 : ours.length === 1 && same(lines[ours[0] as number] as string)) return before;
  const first = ours[0];
  if (wanted !== undefined && first === undefined) {
    if (before === null) return `${HEADER}${wanted}\n`;
    return `${before === '' || before.endsWith('\n') ? before : `${before}\n`}${wanted}\n`;
  }
  const kept = lines.filter((_, i) => !ours.includes(i) || i === first);
  if (wanted === undefined) kept.splice(first as number, 1);
  else kept[first as number] = wanted;
  return kept.join('\n');
}

function fileChange(path: string, before: string | null, after: string | null, changes: Change[], diff: Diff[]): void {
  if (after === before) return;
  diff.push({ path, before: before ?? '', after: after ?? '' });
  // nothing but comments left: the file has no reason to exist
  if (after === null || after.split('\n').every(isComment)) changes.push({ kind: 'exec', command: sh`rm -f ${path}`.text, description: `remove ${path}` });
  else changes.push({ kind: 'write', path, content: after, mode: '0644', description: `write ${path}` });
}

/** Load or unload a kernel module, persisted in modules-load.d / modprobe.d. */
export const modprobeModule = defineModule<ModprobeArgs, ModprobeState>({
  name: 'modprobe',
  args: modprobeArgs,
  // the schema checked each field; this is the one check across them
  validate: (args) =>
    args.state === 'absent' && args.persistent === 'present' ? ["state 'absent' with persistent 'present' would load it again at boot: use persistent 'absent' or 'disabled'"] : [],
  probe(args) {
    const p = modprobePaths(args.name);
    return { module: read(kernelModule, args.name), loadFile: read(modprobeConfFile, p.loadFile), optionsFile: read(modprobeConfFile, p.optionsFile) };
  },
  plan(args, state) {
    const name = canonicalModuleName(args.name);
    const present = (args.state ?? 'present') === 'present';
    const persistent = args.persistent ?? (present ? 'present' : 'absent');
    const paths = modprobePaths(name);
    const params = words(args.params);
    const changes: Change[] = [];
    const diff: Diff[] = [];
    const { loaded, builtin, usedBy } = state.module;

    if (!present && builtin) return { changes: [], failed: `${name} is built into the kernel and cannot be unloaded` };
    if (!present && loaded && usedBy.length) return { changes: [], failed: `${name} is in use by ${usedBy.join(', ')}: unload those first` };

    if (persistent !== 'disabled') {
      const wantLoad = persistent === 'present' ? name : undefined;
      fileChange(paths.loadFile, state.loadFile, editLines(state.loadFile, isLoadLine(name), wantLoad, () => true), changes, diff);
      // options are managed only when given (present) or when the module goes away (absent)
      if (persistent === 'absent' || params.length) {
        const wanted = persistent === 'present' ? `options ${name} ${params.join(' ')}` : undefined;
        const same = (l: string) => l.trim().split(/\s+/).join(' ') === wanted;
        fileChange(paths.optionsFile, state.optionsFile, editLines(state.optionsFile, isOptionsLine(name), wanted, same), changes, diff);
      }
    }

    // loaded already (or built in)?
    if (present && !loaded && !builtin)
      changes.push({ kind: 'exec', command: sh`modprobe ${name} ${params}`.text.trimEnd(), description: `modprobe ${[name, ...params].join(' ')}` });
    if (!present && loaded) changes.push({ kind: 'exec', command: sh`modprobe -r ${name}`.text, description: `modprobe -r ${name}` });

    const msg = present && loaded && params.length ? `${name} already loaded: params apply at its next load` : undefined;
    return { changes, ...(diff.length ? { diff } : {}), ...(msg ? { msg } : {}) };
  },
});
