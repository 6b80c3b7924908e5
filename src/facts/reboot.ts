/** Facts for reboots: the kernel's boot id and the running kernel's command line. */
import type { Fact } from '../core/fact.ts';

/** /proc/sys/kernel/random/boot_id: a new value on every boot. */
export const bootId: Fact<string, void> = {
  name: 'reboot.bootId',
  command: () => 'cat /proc/sys/kernel/random/boot_id',
  parse(out) {
    const id = out.stdout.trim();
    if (out.code !== 0 || !/^[0-9a-f-]{36}$/.test(id)) {
      throw new Error(`cannot read boot_id (exit ${out.code}): ${out.stderr.trim() || JSON.stringify(out.stdout)}`);
    }
    return id;
  },
};

/** Split a kernel command line into tokens; double quotes group (`foo="a b"` is one token, quotes removed). */
export function splitCmdline(cmdline: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let inQuote = false;
  let any = false;
  for (const ch of cmdline) {
    if (ch === '"') {
      inQuote = !inQuote;
      any = true;
    } else if (!inQuote && /\s/.test(ch)) {
      if (any) tokens.push(cur);
      cur = '';
      any = false;
    } else {
      cur += ch;
      any = true;
    }
  }
  if (any) tokens.push(cur);
  return tokens;
}

/** Tokens of /proc/cmdline (e.g. to check `cgroup_enable=memory` in a `when:`). */
export const procCmdline: Fact<readonly string[], void> = {
  name: 'reboot.procCmdline',
  command: () => 'cat /proc/cmdline',
  parse(out) {
    if (out.code !== 0) throw new Error(`cannot read /proc/cmdline (exit ${out.code}): ${out.stderr.trim()}`);
    return splitCmdline(out.stdout);
  },
};
