// The lab's per-VM Debian release (issue 16): RIG_LAB_RELEASES, one suite or a list cycled over the VMs.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RELEASES, labReleases, vmSpecs } from '../../lab/config.ts';
import { LabError } from '../../lab/errors.ts';

describe('lab releases', () => {
  it('default: a mixed cluster, Debian 13 on lab1 and lab3, Debian 12 on lab2', () => {
    expect(DEFAULT_RELEASES).toEqual(['trixie', 'bookworm']);
    expect(vmSpecs(3, {}).map((v) => `${v.name} ${v.release}`)).toEqual(['lab1 trixie', 'lab2 bookworm', 'lab3 trixie']);
  });

  it.each([
    ['trixie', 3, ['trixie', 'trixie', 'trixie']],
    ['bookworm', 2, ['bookworm', 'bookworm']],
    [' bookworm , trixie ', 3, ['bookworm', 'trixie', 'bookworm']],
    ['trixie,bookworm,bookworm,trixie', 2, ['trixie', 'bookworm']],
  ] as const)('RIG_LAB_RELEASES=%j for %i VMs', (value, count, want) => {
    expect(labReleases(count, { RIG_LAB_RELEASES: value })).toEqual(want);
  });

  it.each(['buster', 'trixie,sid', 'Trixie', ' , '])('refuses RIG_LAB_RELEASES=%j, naming the variable and the choices', (value) => {
    expect(() => labReleases(3, { RIG_LAB_RELEASES: value })).toThrow(LabError);
    expect(() => labReleases(3, { RIG_LAB_RELEASES: value })).toThrow(/RIG_LAB_RELEASES=.*use trixie or bookworm/);
  });
});
