/** Kernel modules: loaded or built in, and the files that load them at boot. */
import { fileContent } from './files.ts';
import type { Fact } from '../core/fact.ts';
import { sh } from '../core/quote.ts';

/** One kernel module as the running kernel sees it. */
export interface KernelModule {
  /** Listed in /proc/modules. */
  readonly loaded: boolean;
  /** Listed in /lib/modules/$(uname -r)/modules.builtin, or in /sys/module without being loaded: cannot be unloaded. */
  readonly builtin: boolean;
  /** Modules using it (from /proc/modules), when loaded. */
  readonly usedBy: readonly string[];
}

/** Whether `name` is a plausible module name (letters, digits, '_' and '-'). */
export function isValidModuleName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name) && name.length <= 64;
}

/** The kernel treats '-' and '_' in module names alike and reports '_'. */
export function canonicalModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

// a regex matching either spelling; safe because names are validated before use
const pattern = (name: string): string => canonicalModuleName(name).replace(/_/g, '[-_]');

/** Loaded / built-in state of one module. */
export const kernelModule: Fact<KernelModule, string> = {
  name: 'modprobe.module',
  command: (name) => {
    const p = pattern(name);
    // /sys/module/<name> also lists built-ins that have parameters, for kernels shipped without modules.builtin
    return sh`echo @@rig:loaded@@; grep -E ${`^${p} `} /proc/modules 2>/dev/null; echo @@rig:builtin@@; grep -E ${`(^|/)${p}\\.ko`} "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null; [ -d ${`/sys/module/${canonicalModuleName(name)}`} ] && echo sysfs; echo @@rig:end@@`.text;
  },
  parse: (out, name) => {
    const m = /@@rig:loaded@@\n([\s\S]*?)@@rig:builtin@@\n([\s\S]*?)@@rig:end@@/.exec(out.stdout);
    if (!m) throw new Error(`modprobe.module ${name}: unexpected output ${JSON.stringify(out.stdout.slice(0, 200))}`);
    const line = (m[1] ?? '').split('\n').find((l) => l.trim());
    // /proc/modules: name size refcount users state offset; users is '-' or 'a,b,'
    const users = line?.split(/\s+/)[3] ?? '-';
    const builtinLines = (m[2] ?? '').split('\n').filter((l) => l.trim());
    const inSysfs = builtinLines.includes('sysfs');
    return {
      loaded: line !== undefined,
      builtin: builtinLines.some((l) => l !== 'sysfs') || (inSysfs && line === undefined),
      usedBy: users === '-' ? [] : users.split(',').filter(Boolean),
    };
  },
};

/** Content of a modules-load.d / modprobe.d file, or null when it does not exist (the files domain's fact). */
export const modprobeConfFile = fileContent;
