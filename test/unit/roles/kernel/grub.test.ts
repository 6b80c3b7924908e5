import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../../src/core/index.ts';
import { grubAssignment, grubDefaults, grubDropIns, missingTokens, type GrubDropIn } from '../../../../roles/kernel/library/grub-facts.ts';
import { editGrubDefaults, grubCmdlineModule, mergeTokens } from '../../../../roles/kernel/library/grub.ts';

const fx = (p: string) => readFileSync(new URL(`../../../fixtures/facts/grub/${p}`, import.meta.url), 'utf8');
const parse = (p: string) => grubDefaults.parse({ stdout: fx(p), stderr: '', code: 0 }, '/etc/default/grub');
const plan = (file: ReturnType<typeof parse>, tokens = ['cgroup_enable=memory', 'swapaccount=1'], dropIns: readonly GrubDropIn[] = []) =>
  grubCmdlineModule.plan({ tokens }, { file, dropIns }, undefined as never);
const cloudDropIns = grubDropIns.parse({ stdout: fx('dropins-debian-cloud.txt'), stderr: '', code: 0 }, '/etc/default/grub.d');

describe('grub facts', () => {
  it('reads the stock Debian 12 file: empty GRUB_CMDLINE_LINUX', () => {
    const f = parse('debian12-default-grub.txt');
    expect(grubAssignment(f.text!)).toEqual({ line: 9, value: '', tokens: [] });
    expect(grubAssignment(f.text!, 'GRUB_CMDLINE_LINUX_DEFAULT')?.tokens).toEqual(['quiet']);
  });
  it('absent file is a value', () => expect(parse('absent.txt')).toEqual({ path: '/etc/default/grub' }));
  it('missing tokens are checked against /proc/cmdline exactly', () => {
    expect(missingTokens('BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro swapaccount=0', ['cgroup_enable=memory', 'swapaccount=1'])).toEqual(['cgroup_enable=memory', 'swapaccount=1']);
    expect(missingTokens('ro cgroup_enable=memory swapaccount=1 quiet', ['cgroup_enable=memory', 'swapaccount=1'])).toEqual([]);
  });
});

describe('grubCmdline plan', () => {
  it('fresh Debian: one write adding both tokens, other lines untouched', () => {
    const f = parse('debian12-default-grub.txt');
    const p = plan(f);
    expect(p.changes).toHaveLength(1);
    const after = (p.changes[0] as { content: string }).content;
    expect(after).toBe(f.text!.replace('GRUB_CMDLINE_LINUX=""', 'GRUB_CMDLINE_LINUX="cgroup_enable=memory swapaccount=1"'));
  });
  it('existing tokens kept in place; same-key token replaced', () => {
    const f = parse('edited-grub.txt');
    const after = (plan(f).changes[0] as { content: string }).content;
    expect(grubAssignment(after)?.value).toBe('console=ttyS0,115200 swapaccount=1 net.ifnames=0 cgroup_enable=memory');
  });
  it('converged: no change', () => {
    const f = parse('debian12-default-grub.txt');
    const after = editGrubDefaults(f.text!, ['cgroup_enable=memory', 'swapaccount=1']);
    expect(plan({ path: f.path, text: after }).changes).toEqual([]);
  });
  it('no GRUB: a failure naming the way out', () => expect(plan(parse('absent.txt')).failed).toMatch(/grub_manage: false/));
  it('appends the variable when missing', () => expect(editGrubDefaults('GRUB_TIMEOUT=0\n', ['a=1'])).toBe('GRUB_TIMEOUT=0\nGRUB_CMDLINE_LINUX="a=1"\n'));
  it('mergeTokens keeps bare duplicates out', () => expect(mergeTokens(['quiet', 'a=0'], ['quiet', 'a=1', 'b'])).toEqual(['quiet', 'a=1', 'b']));

  it('a grub.d file that sets the command line again (Debian cloud images) fails naming it, before any change', () => {
    expect(cloudDropIns.map((d) => d.path)).toEqual(['/etc/default/grub.d/10_cloud.cfg', '/etc/default/grub.d/20_append.cfg']);
    const p = plan(parse('debian12-default-grub.txt'), undefined, cloudDropIns);
    expect(p.changes).toEqual([]);
    expect(p.failed).toBe(
      'GRUB_CMDLINE_LINUX is set again in /etc/default/grub.d/10_cloud.cfg (read after /etc/default/grub), so cgroup_enable=memory swapaccount=1 written to /etc/default/grub would not reach the kernel: add them there, or make that line append ("$GRUB_CMDLINE_LINUX ...")',
    );
  });
  it('drop-ins that only append, or already hold the tokens, do not block the edit', () => {
    const appendOnly = cloudDropIns.filter((d) => d.path.endsWith('20_append.cfg'));
    expect(plan(parse('debian12-default-grub.txt'), undefined, appendOnly).changes).toHaveLength(1);
    const holding = [{ path: '/etc/default/grub.d/10_cloud.cfg', text: 'GRUB_CMDLINE_LINUX="console=ttyS0 cgroup_enable=memory swapaccount=1"\n' }];
    expect(plan(parse('debian12-default-grub.txt'), undefined, holding).failed).toBeUndefined();
    expect(grubDropIns.parse({ stdout: '', stderr: '', code: 0 }, '/etc/default/grub.d')).toEqual([]);
  });
});

describe('grubCmdline args', () => {
  const v = (a: unknown) => argProblems(grubCmdlineModule, a);
  it('valid args have no problems', () => {
    expect(v({ tokens: ['cgroup_enable=memory', 'swapaccount=1', 'console=ttyS0,115200', 'quiet'] })).toEqual([]);
    expect(v({ tokens: ['a=1'], path: '/etc/default/grub', variable: 'GRUB_CMDLINE_LINUX_DEFAULT' })).toEqual([]);
  });
  it('each bad token is named', () => {
    expect(v({ tokens: ['a b', 'x"', 'ok=1', '$X'] })).toEqual([
      'tokens[0]: "a b" is not a kernel command line token (no spaces, quotes or $)',
      'tokens[1]: "x\\"" is not a kernel command line token (no spaces, quotes or $)',
      'tokens[3]: "$X" is not a kernel command line token (no spaces, quotes or $)',
    ]);
  });
  it.each([
    [{ tokens: [] }, "tokens: list at least one token, e.g. ['cgroup_enable=memory', 'swapaccount=1']"],
    [{ tokens: 'cgroup_enable=memory swapaccount=1' }, 'tokens: expected a list of kernel command line tokens, got "cgroup_enable=memory swapaccount=1"'],
    [{}, 'tokens: expected a list of kernel command line tokens, got undefined'],
    [{ tokens: [1] }, 'tokens[0]: expected a kernel command line token as a string, got 1'],
    [{ tokens: [{ a: 1 }] }, 'tokens[0]: expected a kernel command line token as a string, got {"a":1}'],
    [{ tokens: ['a=1'], variable: 'GRUB_CMDLINE' }, 'variable: Invalid option: expected one of "GRUB_CMDLINE_LINUX"|"GRUB_CMDLINE_LINUX_DEFAULT"'],
    [{ tokens: ['a=1'], path: 'etc/default/grub' }, 'path: must be an absolute path, got "etc/default/grub"'],
    [{ tokens: ['a=1'], token: ['b'] }, "unknown key 'token' (did you mean 'tokens'?)"],
  ])('%j → %s', (args, message) => expect(v(args).join('\n')).toContain(message));
});
