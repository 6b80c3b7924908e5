import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalModuleName, isValidModuleName, kernelModule, modprobeConfFile } from '../../../src/facts/modprobe.ts';

const fx = (name: string) => ({ stdout: readFileSync(new URL(`../../fixtures/facts/modprobe/${name}`, import.meta.url), 'utf8'), stderr: '', code: 0 });

describe('kernelModule on real output (kernel without loadable modules)', () => {
  it('a built-in without parameters is invisible: reads as not loaded', () => {
    expect(kernelModule.parse(fx('module-br_netfilter.debian12-vm.txt'), 'br_netfilter')).toEqual({ loaded: false, builtin: false, usedBy: [] });
  });

  it('a built-in with parameters is found in /sys/module, whichever spelling was asked', () => {
    expect(kernelModule.parse(fx('module-overlay.debian12-vm.txt'), 'overlay')).toEqual({ loaded: false, builtin: true, usedBy: [] });
    expect(kernelModule.parse(fx('module-nf-conntrack.debian12-vm.txt'), 'nf-conntrack')).toEqual({ loaded: false, builtin: true, usedBy: [] });
    expect(kernelModule.command('nf-conntrack')).toContain('[ -d /sys/module/nf_conntrack ]');
  });
});

describe('kernelModule on documented output', () => {
  it('a loaded module (in /sys/module too) is loaded, not built in', () => {
    expect(kernelModule.parse(fx('module-br_netfilter.ubuntu22.04-loaded.from-docs.txt'), 'br_netfilter')).toEqual({ loaded: true, builtin: false, usedBy: [] });
  });

  it('lists the modules using it', () => {
    expect(kernelModule.parse(fx('module-bridge.ubuntu22.04-in-use.from-docs.txt'), 'bridge')).toEqual({ loaded: true, builtin: false, usedBy: ['br_netfilter'] });
  });

  it('modules.builtin makes it built in', () => {
    expect(kernelModule.parse(fx('module-loop.ubuntu22.04-builtin.from-docs.txt'), 'loop')).toEqual({ loaded: false, builtin: true, usedBy: [] });
  });

  it('matches both spellings in /proc/modules and modules.builtin', () => {
    expect(kernelModule.command('br-netfilter')).toContain("grep -E '^br[-_]netfilter ' /proc/modules");
    expect(kernelModule.command('br-netfilter')).toContain("grep -E '(^|/)br[-_]netfilter\\.ko'");
  });

  it('throws on foreign output', () => {
    expect(() => kernelModule.parse({ stdout: 'Permission denied\n', stderr: '', code: 1 }, 'x')).toThrow(/unexpected output/);
  });
});

describe('modprobeConfFile', () => {
  it('a dangling symlink (real: Debian modules.conf → /etc/modules) and a missing file are null', () => {
    expect(modprobeConfFile.parse(fx('file-dangling-symlink.txt'), '/etc/modules-load.d/modules.conf')).toBeNull();
    expect(modprobeConfFile.parse(fx('file-absent.txt'), '/etc/modules-load.d/br_netfilter.conf')).toBeNull();
  });

  it('returns the exact content', () => {
    expect(modprobeConfFile.parse(fx('file-k8s.conf.from-docs.txt'), '/etc/modules-load.d/k8s.conf')).toBe('overlay\nbr_netfilter\n');
  });
});

describe('module names', () => {
  it('validates and canonicalises', () => {
    expect(isValidModuleName('br_netfilter')).toBe(true);
    expect(isValidModuleName('nf-conntrack')).toBe(true);
    for (const bad of ['', '-r', 'a b', 'x;reboot', '../x', 'a.ko']) expect(isValidModuleName(bad), bad).toBe(false);
    expect(canonicalModuleName('nf-conntrack')).toBe('nf_conntrack');
  });
});
