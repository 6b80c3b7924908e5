import { describe, expect, it } from 'vitest';
import { canonicalModuleName, isValidModuleName } from '../../../src/facts/modprobe.ts';

// parse cases (command + captured output → value) are data: test/cases/facts/modprobe.kernelModule, files.fileContent
describe('module names', () => {
  it('validates and canonicalises', () => {
    expect(isValidModuleName('br_netfilter')).toBe(true);
    expect(isValidModuleName('nf-conntrack')).toBe(true);
    for (const bad of ['', '-r', 'a b', 'x;reboot', '../x', 'a.ko']) expect(isValidModuleName(bad), bad).toBe(false);
    expect(canonicalModuleName('nf-conntrack')).toBe('nf_conntrack');
  });
});
