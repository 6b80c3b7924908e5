/** grubCmdline: wanted tokens in GRUB_CMDLINE_LINUX of /etc/default/grub, other tokens preserved (token-wise edit). */
import { absPath, defineModule, read, strict, z, type Plan, type Reads, type ReadonlyDeep, type WriteChange } from '../../../src/index.ts';
import { appendsTo, grubAssignment, grubDefaults, grubDropIns, tokenKey, type GrubDefaults, type GrubDropIn } from './grub-facts.ts';

const TOKEN = /^[A-Za-z0-9_.:,/+-]+(=[A-Za-z0-9_.:,/+=-]*)?$/;

/** Args schema of grubCmdline. */
export const grubCmdlineArgs = strict({
  tokens: z
    .array(
      z.string({ error: (iss) => `expected a kernel command line token as a string, got ${JSON.stringify(iss.input)}` }).regex(TOKEN, {
        error: (iss) => `${JSON.stringify(iss.input)} is not a kernel command line token (no spaces, quotes or $)`,
      }),
      { error: (iss) => `expected a list of kernel command line tokens, got ${JSON.stringify(iss.input)}` },
    )
    .min(1, { error: "list at least one token, e.g. ['cgroup_enable=memory', 'swapaccount=1']" })
    .describe("Tokens the kernel command line must hold, e.g. ['cgroup_enable=memory', 'swapaccount=1']; a token with the same key (swapaccount=0) is replaced in place."),
  path: absPath.optional().describe("The GRUB defaults file; <path>.d/*.cfg are checked for overrides. Default '/etc/default/grub'."),
  variable: z
    .enum(['GRUB_CMDLINE_LINUX', 'GRUB_CMDLINE_LINUX_DEFAULT'])
    .optional()
    .describe("Default 'GRUB_CMDLINE_LINUX' (used for every boot entry, recovery included); GRUB_CMDLINE_LINUX_DEFAULT only for normal boots."),
}).describe('Wanted tokens in GRUB_CMDLINE_LINUX of /etc/default/grub, other tokens kept (token-wise edit); notify an update-grub handler.');
/** Arguments of grubCmdline. */
export type GrubCmdlineArgs = ReadonlyDeep<z.infer<typeof grubCmdlineArgs>>;

/** What grubCmdline reads. */
export interface GrubCmdlineState {
  readonly file: GrubDefaults;
  /** <path>.d/*.cfg, sourced after the file: one that sets the variable again wins over the file. */
  readonly dropIns: readonly GrubDropIn[];
}

/**
 * Merge wanted tokens into existing ones: a token with the same key (`swapaccount=0`) is replaced in place, a missing
 * one is appended, every other token keeps its place.
 */
export function mergeTokens(existing: readonly string[], wanted: readonly string[]): string[] {
  const out = [...existing];
  for (const w of wanted) {
    if (out.includes(w)) continue;
    const i = out.findIndex((t) => t.includes('=') && w.includes('=') && tokenKey(t) === tokenKey(w));
    if (i >= 0) out[i] = w;
    else out.push(w);
  }
  return out;
}

/** The file text with `variable` holding the wanted tokens; the same text when nothing is missing. */
export function editGrubDefaults(text: string, wanted: readonly string[], variable = 'GRUB_CMDLINE_LINUX'): string {
  const found = grubAssignment(text, variable);
  const tokens = mergeTokens(found?.tokens ?? [], wanted);
  if (found && tokens.join(' ') === found.tokens.join(' ')) return text;
  const line = `${variable}="${tokens.join(' ')}"`;
  if (!found) return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
  const lines = text.split('\n');
  lines[found.line] = line;
  return lines.join('\n');
}

function plan(a: GrubCmdlineArgs, s: GrubCmdlineState): Plan<undefined> {
  const path = a.path ?? '/etc/default/grub';
  const variable = a.variable ?? 'GRUB_CMDLINE_LINUX';
  if (s.file.text === undefined) return { changes: [], failed: `${path} does not exist: this host does not boot with GRUB (set grub_manage: false for it)` };
  // Debian/Ubuntu cloud images set the command line again in grub.d: an edit of the main file would never reach the kernel
  const overriding = s.dropIns.filter((f) => grubAssignment(f.text, variable) && !appendsTo(f.text, variable)).at(-1);
  const lost = overriding ? a.tokens.filter((t) => !grubAssignment(overriding.text, variable)?.tokens.includes(t)) : [];
  if (overriding && lost.length) {
    return {
      changes: [],
      failed: `${variable} is set again in ${overriding.path} (read after ${path}), so ${lost.join(' ')} written to ${path} would not reach the kernel: add them there, or make that line append ("$${variable} ...")`,
    };
  }
  const after = editGrubDefaults(s.file.text, a.tokens, variable);
  if (after === s.file.text) return { changes: [], msg: `${variable} holds ${a.tokens.join(' ')}` };
  const write: WriteChange = { kind: 'write', path, content: after, description: `set ${variable} tokens ${a.tokens.join(' ')} in ${path}` };
  return { changes: [write], diff: [{ path, before: s.file.text, after }], msg: `${variable} updated` };
}

/** Token-wise edit of GRUB_CMDLINE_LINUX; notify an update-grub handler, reboot on missing /proc/cmdline tokens. */
export const grubCmdlineModule = defineModule<GrubCmdlineArgs, GrubCmdlineState, undefined>({
  name: 'grubCmdline',
  args: grubCmdlineArgs,
  probe: (a): Reads<GrubCmdlineState> => ({ file: read(grubDefaults, a.path ?? '/etc/default/grub'), dropIns: read(grubDropIns, `${a.path ?? '/etc/default/grub'}.d`) }),
  plan: (a, s) => plan(a, s),
});
