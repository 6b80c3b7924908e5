/** grubCmdline: wanted tokens in effect on the kernel line GRUB builds, by a token-wise edit of /etc/default/grub. */
import { absPath, defineModule, read, strict, z, type Plan, type Reads, type ReadonlyDeep, type WriteChange } from '../../../src/index.ts';
import { contradicts, dropContradicting, inEffect, mergeTokens, parseToken } from './cmdline.ts';
import { grubDefaults, grubDropIns, type GrubDefaults, type GrubDropIn } from './grub-facts.ts';
import { CMDLINE_VARIABLES, cmdlineAssignments, effectiveCmdline, normalBootLine, quoteValue, rewriteAssignment, type CmdlineVariable, type PlacedToken } from './grub-model.ts';

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
    .describe("Tokens the kernel command line must have in effect, e.g. ['cgroup_enable=memory', 'swapaccount=1']: a single-valued key written with another value (swapaccount=0) is replaced in place (and dropped from GRUB_CMDLINE_LINUX_DEFAULT, which follows it on the kernel line); repeatable keys (console=, cgroup_enable=…) are added beside the others."),
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
 * The defaults file with the wanted tokens in `variable` (its last assignment, or a new line at the end) and, when
 * that is GRUB_CMDLINE_LINUX, tokens of GRUB_CMDLINE_LINUX_DEFAULT contradicting them removed (it follows on the kernel
 * line, so its `swapaccount=0` would win over `swapaccount=1`). The same text when nothing is to change.
 */
export function editGrubDefaults(text: string, wanted: readonly string[], variable: CmdlineVariable = 'GRUB_CMDLINE_LINUX', path = '/etc/default/grub'): string {
  const last = (t: string, v: CmdlineVariable) => cmdlineAssignments({ path, text: t }).filter((a) => a.variable === v).at(-1);
  const found = last(text, variable);
  let out = text;
  if (!found) out = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${variable}=${quoteValue(mergeTokens([], wanted))}\n`;
  else {
    const tokens = mergeTokens(found.tokens, wanted);
    if (tokens.join(' ') !== found.tokens.join(' ')) out = rewriteAssignment(out, found.index, tokens);
  }
  for (const v of CMDLINE_VARIABLES.slice(CMDLINE_VARIABLES.indexOf(variable) + 1)) {
    const a = last(out, v);
    if (!a) continue;
    const kept = dropContradicting(a.tokens, wanted);
    if (kept.length !== a.tokens.length) out = rewriteAssignment(out, a.index, kept);
  }
  return out;
}

/** Why a wanted token is still not in effect after the edit: the drop-in line that overrides or contradicts it. */
function blocker(line: readonly PlacedToken[], wanted: string, s: GrubCmdlineState, variable: CmdlineVariable): string | undefined {
  const w = parseToken(wanted);
  const last = [...line].reverse().find((t) => contradicts(parseToken(t.raw), w));
  if (last) return `${last.raw} at ${last.at} overrides ${wanted}`;
  const reset = s.dropIns.flatMap((f) => cmdlineAssignments(f)).filter((a) => a.variable === variable && !a.appends).at(-1);
  return reset ? `${reset.at} sets ${variable} again without it` : undefined;
}

function plan(a: GrubCmdlineArgs, s: GrubCmdlineState): Plan<undefined> {
  const path = a.path ?? '/etc/default/grub';
  const variable = a.variable ?? 'GRUB_CMDLINE_LINUX';
  if (s.file.text === undefined) return { changes: [], failed: `${path} does not exist: this host does not boot with GRUB (set grub_manage: false for it)` };
  const lineOf = (text: string) => normalBootLine(effectiveCmdline([{ path, text }, ...s.dropIns]));
  const missing = (text: string) => a.tokens.filter((t) => !inEffect(lineOf(text).map((p) => p.raw), t));
  if (missing(s.file.text).length === 0) return { changes: [], msg: `the kernel line has ${a.tokens.join(' ')} in effect` };
  const after = editGrubDefaults(s.file.text, a.tokens, variable, path);
  // Debian/Ubuntu cloud images set the command line again in grub.d: an edit of the main file would never reach the kernel
  const still = missing(after);
  if (still.length) {
    const why = [...new Set(still.map((t) => blocker(lineOf(after), t, s, variable)).filter((b): b is string => b !== undefined))];
    return {
      changes: [],
      failed: `${still.join(' ')} written to ${path} would not reach the kernel: ${why.join('; ')} (grub.d files are read after ${path}): change it there, or make that line append ("$${variable} ...")`,
    };
  }
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
