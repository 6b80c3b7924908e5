/**
 * The kernel command line as the kernel reads it: ordered tokens, `key` or `key=value`, double quotes grouping spaces,
 * `-` and `_` equal in keys, the last occurrence of a key winning — except for parameters the kernel (or the initramfs)
 * takes once per occurrence, like `console=` and `cgroup_enable=`. Everything after a bare `--` goes to init.
 * Source: the kernel's lib/cmdline.c next_arg and kernel/params.c parameq; Documentation/admin-guide/kernel-parameters.txt.
 */

/** One token of a command line. */
export interface CmdlineToken {
  /** As written, quotes included. */
  readonly raw: string;
  /** Normalised key: before the first `=`, quotes removed, `-` as `_`. */
  readonly key: string;
  /** The value after the first `=`, surrounding quotes removed; undefined for a bare flag (`quiet`). */
  readonly value?: string;
}

/**
 * Keys every occurrence of which counts: several consoles, one controller per `cgroup_enable=`, memory map entries,
 * hugepage pools, dracut's repeatable `rd.*`/`ip=` arguments. Any other key: the last occurrence wins.
 */
export const REPEATABLE_KEYS: ReadonlySet<string> = new Set([
  'console', 'cgroup_enable', 'cgroup_disable', 'memmap', 'acpi_osi', 'hugepagesz', 'hugepages', 'modprobe.blacklist',
  'ip', 'nameserver', 'rd.luks.uuid', 'rd.luks.name', 'rd.lvm.lv', 'rd.lvm.vg', 'rd.md.uuid', 'rd.dm.uuid', 'systemd.wants',
  'systemd.mask',
]);

/** The normalised key of a token (`cgroup-enable="x"` → `cgroup_enable`). */
export function keyOf(raw: string): string {
  const eq = raw.indexOf('=');
  return (eq < 0 ? raw : raw.slice(0, eq)).replace(/"/g, '').replace(/-/g, '_');
}

/** Parse one token. */
export function parseToken(raw: string): CmdlineToken {
  const eq = raw.indexOf('=');
  if (eq < 0) return { raw, key: keyOf(raw) };
  return { raw, key: keyOf(raw), value: raw.slice(eq + 1).replace(/^"(.*)"$/s, '$1') };
}

/** Split a command line into raw tokens: whitespace separates, except inside double quotes (`acpi_osi="Windows 2009"`). */
export function splitCmdline(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    if (!quoted && /\s/.test(c)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** Tokens the kernel itself reads (those before a bare `--`). */
export function kernelTokens(tokens: readonly string[]): CmdlineToken[] {
  const end = tokens.indexOf('--');
  return (end < 0 ? tokens : tokens.slice(0, end)).map(parseToken);
}

/** Whether the key takes every occurrence (REPEATABLE_KEYS). */
export const isRepeatable = (key: string): boolean => REPEATABLE_KEYS.has(key);

/**
 * Whether a command line (raw tokens, in order) has `wanted` in effect: for a repeatable key, some occurrence with that
 * value; otherwise the last occurrence of the key has that value (a bare flag: the key is present).
 */
export function inEffect(tokens: readonly string[], wanted: string): boolean {
  const w = parseToken(wanted);
  const same = kernelTokens(tokens).filter((t) => t.key === w.key);
  if (isRepeatable(w.key)) return same.some((t) => t.value === w.value);
  const last = same.at(-1);
  return last !== undefined && last.value === w.value;
}

/** Whether token `t` contradicts wanted token `w`: same single-valued key, another value. */
export function contradicts(t: CmdlineToken, w: CmdlineToken): boolean {
  return t.key === w.key && !isRepeatable(w.key) && t.value !== w.value;
}

/** Wanted tokens not in effect on a running kernel's /proc/cmdline (`swapaccount=1 … swapaccount=0` lacks swapaccount=1). */
export function missingTokens(cmdline: string, wanted: readonly string[]): string[] {
  const tokens = splitCmdline(cmdline);
  return wanted.filter((w) => !inEffect(tokens, w));
}

/**
 * Put the wanted tokens into one variable's tokens: a token already there stays where it is; a single-valued key
 * written with another value is replaced at its first place (later duplicates of the key dropped); anything else is
 * appended (before a bare `--`). Repeatable keys are only ever appended. Other tokens keep their order.
 */
export function mergeTokens(existing: readonly string[], wanted: readonly string[]): string[] {
  let out = [...existing];
  for (const raw of wanted) {
    const w = parseToken(raw);
    const end = out.indexOf('--') < 0 ? out.length : out.indexOf('--');
    const mine = out.slice(0, end).map(parseToken);
    if (isRepeatable(w.key)) {
      if (!mine.some((t) => t.key === w.key && t.value === w.value)) out.splice(end, 0, raw);
      continue;
    }
    const first = mine.findIndex((t) => t.key === w.key);
    if (first < 0) {
      out.splice(end, 0, raw);
      continue;
    }
    out = out.filter((_, i) => i >= end || i === first || mine[i]!.key !== w.key);
    out[first] = mine[first]!.value === w.value ? out[first]! : raw;
  }
  return out;
}

/** Remove from a variable's tokens those contradicting a wanted token (used on variables read after the edited one). */
export function dropContradicting(existing: readonly string[], wanted: readonly string[]): string[] {
  const ws = wanted.map(parseToken);
  const end = existing.indexOf('--') < 0 ? existing.length : existing.indexOf('--');
  return existing.filter((raw, i) => i >= end || !ws.some((w) => contradicts(parseToken(raw), w)));
}
