/** grubCmdline: wanted tokens in GRUB_CMDLINE_LINUX of /etc/default/grub, other tokens preserved (token-wise edit). */
import type { WriteChange } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule, type Plan, type Reads } from '../core/module.ts';
import { appendsTo, grubAssignment, grubDefaults, grubDropIns, tokenKey, type GrubDefaults, type GrubDropIn } from '../facts/grub.ts';

/** Arguments of grubCmdline. */
export interface GrubCmdlineArgs {
  /** Tokens the kernel command line must hold, e.g. ['cgroup_enable=memory', 'swapaccount=1']. */
  readonly tokens: readonly string[];
  /** @default '/etc/default/grub' */
  readonly path?: string;
  /** @default 'GRUB_CMDLINE_LINUX' (used for every boot entry, recovery included) */
  readonly variable?: 'GRUB_CMDLINE_LINUX' | 'GRUB_CMDLINE_LINUX_DEFAULT';
}

/** What grubCmdline reads. */
export interface GrubCmdlineState {
  readonly file: GrubDefaults;
  /** <path>.d/*.cfg, sourced after the file: one that sets the variable again wins over the file. */
  readonly dropIns: readonly GrubDropIn[];
}

const TOKEN = /^[A-Za-z0-9_.:,/+-]+(=[A-Za-z0-9_.:,/+=-]*)?$/;

function validate(a: GrubCmdlineArgs): string[] {
  const p: string[] = [];
  if (!Array.isArray(a.tokens) || a.tokens.length === 0) p.push('grubCmdline: tokens must be a non-empty list');
  for (const t of a.tokens ?? []) {
    if (typeof t !== 'string' || !TOKEN.test(t)) p.push(`grubCmdline: ${JSON.stringify(t)} is not a kernel command line token (no spaces, quotes or $)`);
  }
  if (a.variable !== undefined && a.variable !== 'GRUB_CMDLINE_LINUX' && a.variable !== 'GRUB_CMDLINE_LINUX_DEFAULT') {
    p.push(`grubCmdline: variable must be GRUB_CMDLINE_LINUX or GRUB_CMDLINE_LINUX_DEFAULT, got ${JSON.stringify(a.variable)}`);
  }
  return p;
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
  validate,
  probe: (a): Reads<GrubCmdlineState> => ({ file: read(grubDefaults, a.path ?? '/etc/default/grub'), dropIns: read(grubDropIns, `${a.path ?? '/etc/default/grub'}.d`) }),
  plan: (a, s) => plan(a, s),
});
