/** Kernel parameters: the live value under /proc/sys and the persisted sysctl.d file. */
import { fileContent } from './files.ts';
import type { Fact } from '../core/fact.ts';
import { sh } from '../core/quote.ts';

/** The running kernel's view of one key. */
export interface SysctlLive {
  /** The key exists under /proc/sys (false e.g. for net.bridge.* before br_netfilter is loaded). */
  readonly exists: boolean;
  /** The value as the kernel prints it (tabs kept); undefined when missing or write-only (vm.drop_caches). */
  readonly value?: string;
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_/-]*$/;

/** Whether `name` is a safe sysctl key: dot-separated segments; '/' in a segment stands for a literal dot. */
export function isValidSysctlKey(name: string): boolean {
  return name.length > 0 && name.length <= 255 && name.split('.').every((s) => SEGMENT.test(s));
}

/**
 * Canonical dot notation. sysctl.d(5): if the first separator is a slash, slashes and dots swap roles
 * ('net/ipv4/conf/eth0.100/rp_filter' ≡ 'net.ipv4.conf.eth0/100.rp_filter').
 */
export function normaliseSysctlKey(key: string): string {
  const first = key.search(/[./]/);
  if (first < 0 || key[first] === '.') return key;
  return key.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

/** Path of a (dot notation) key under /proc/sys. */
export function sysctlProcPath(name: string): string {
  return `/proc/sys/${normaliseSysctlKey(name).replace(/[./]/g, (c) => (c === '.' ? '/' : '.'))}`;
}

/** Whitespace-insensitive form used to compare values ("4096\t87380\t6291456" ≡ "4096 87380 6291456"). */
export function normaliseSysctlValue(value: string | number): string {
  return String(value).trim().split(/\s+/).join(' ');
}

/** The live value of one key, read from /proc/sys (works without the sysctl binary). */
export const sysctlLive: Fact<SysctlLive, string> = {
  name: 'sysctl.live',
  command: (name) =>
    sh`rig_p=${sysctlProcPath(name)}; if [ ! -e "$rig_p" ]; then echo missing; elif rig_v=$(cat "$rig_p" 2>/dev/null); then echo value; printf '%s\\n' "$rig_v"; else echo unreadable; fi`.text,
  parse: (out, name) => {
    const nl = out.stdout.indexOf('\n');
    const status = (nl < 0 ? out.stdout : out.stdout.slice(0, nl)).trim();
    if (status === 'missing') return { exists: false };
    if (status === 'unreadable') return { exists: true };
    if (status === 'value') return { exists: true, value: out.stdout.slice(nl + 1).replace(/\n$/, '') };
    throw new Error(`sysctl.live ${name}: unexpected output ${JSON.stringify(out.stdout.slice(0, 200))} (exit ${out.code})`);
  },
};

/** Content of a sysctl.d file, or null when it does not exist (the files domain's fact). */
export const sysctlConfFile = fileContent;

/** One `key = value` line of a sysctl.d file. */
export interface SysctlLine {
  /** Canonical (dot notation) key. */
  readonly key: string;
  readonly value: string;
}

/** Parse one line of a sysctl.d file; undefined for comments, blanks and anything else. */
export function parseSysctlLine(line: string): SysctlLine | undefined {
  // a leading '-' means "ignore errors for this key" (sysctl.d(5))
  const m = /^\s*-?\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
  if (!m) return undefined;
  return { key: normaliseSysctlKey(m[1] as string), value: m[2] as string };
}
