import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../../src/core/index.ts';
import { mergeTokens, missingTokens } from '../../../../roles/kernel/library/cmdline.ts';
import { grubDefaults, grubDropIns, type GrubDropIn } from '../../../../roles/kernel/library/grub-facts.ts';
import { cmdlineAssignments, effectiveCmdline } from '../../../../roles/kernel/library/grub-model.ts';
import { editGrubDefaults, grubCmdlineModule } from '../../../../roles/kernel/library/grub.ts';

const fx = (p: string) => readFileSync(new URL(`../../../fixtures/facts/grub/${p}`, import.meta.url), 'utf8');
const parse = (p: string) => grubDefaults.parse({ stdout: fx(p), stderr: '', code: 0 }, '/etc/default/grub');
const plan = (file: ReturnType<typeof parse>, tokens = ['cgroup_enable=memory', 'swapaccount=1'], dropIns: readonly GrubDropIn[] = []) =>
  grubCmdlineModule.plan({ tokens }, { file, dropIns }, undefined as never);
const assignment = (text: string, variable = 'GRUB_CMDLINE_LINUX') => cmdlineAssignments({ path: '/etc/default/grub', text }).filter((a) => a.variable === variable).at(-1);
const cloudDropIns = grubDropIns.parse({ stdout: fx('dropins-debian-cloud.txt'), stderr: '', code: 0 }, '/etc/default/grub.d');

// grubDefaults/grubDropIns parse cases are data: test/cases/facts/kernel.grub-facts.*/*.json
describe('grub facts', () => {
  it('reads the stock Debian 12 file: empty GRUB_CMDLINE_LINUX', () => {
    const f = parse('debian12-default-grub.txt');
    expect(assignment(f.text!)).toEqual({ variable: 'GRUB_CMDLINE_LINUX', index: 9, at: '/etc/default/grub:10', tokens: [], appends: false });
    expect(assignment(f.text!, 'GRUB_CMDLINE_LINUX_DEFAULT')?.tokens).toEqual(['quiet']);
  });
  it('missing tokens are checked against /proc/cmdline exactly', () => {
    expect(missingTokens('BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro swapaccount=0', ['cgroup_enable=memory', 'swapaccount=1'])).toEqual(['cgroup_enable=memory', 'swapaccount=1']);
    expect(missingTokens('ro cgroup_enable=memory swapaccount=1 quiet', ['cgroup_enable=memory', 'swapaccount=1'])).toEqual([]);
  });
  it('the effective value decides (the last occurrence of a key wins, repeatable keys count every occurrence)', () => {
    // /proc/cmdline of a host whose GRUB_CMDLINE_LINUX_DEFAULT said swapaccount=0: the reboot is still needed
    expect(missingTokens('BOOT_IMAGE=/vmlinuz ro cgroup_enable=memory swapaccount=1 quiet swapaccount=0', ['cgroup_enable=memory', 'swapaccount=1'])).toEqual(['swapaccount=1']);
    expect(missingTokens('ro console=ttyS0 cgroup_enable=cpuset cgroup_memory=1 cgroup_enable=memory swapaccount=1', ['cgroup_enable=memory', 'swapaccount=1'])).toEqual([]);
    expect(missingTokens('ro cgroup-enable=memory swap_account=1', ['cgroup_enable=memory', 'swapaccount=1'])).toEqual(['swapaccount=1']);
    expect(missingTokens('ro acpi_osi="Windows 2009" quiet', ['quiet', '2009"'])).toEqual(['2009"']);
    expect(missingTokens('ro quiet -- swapaccount=1', ['swapaccount=1', 'quiet'])).toEqual(['swapaccount=1']);
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
    expect(assignment(after)?.tokens.join(' ')).toBe('console=ttyS0,115200 swapaccount=1 net.ifnames=0 cgroup_enable=memory');
  });
  it('converged: no change', () => {
    const f = parse('debian12-default-grub.txt');
    const after = editGrubDefaults(f.text!, ['cgroup_enable=memory', 'swapaccount=1']);
    expect(plan({ path: f.path, text: after }).changes).toEqual([]);
  });
  it('no GRUB: a failure naming the way out', () => expect(plan(parse('absent.txt')).failed).toMatch(/grub_manage: false/));
  it('appends the variable when missing', () => expect(editGrubDefaults('GRUB_TIMEOUT=0\n', ['a=1'])).toBe('GRUB_TIMEOUT=0\nGRUB_CMDLINE_LINUX="a=1"\n'));
  it('mergeTokens keeps bare duplicates out', () => expect(mergeTokens(['quiet', 'a=0'], ['quiet', 'a=1', 'b'])).toEqual(['quiet', 'a=1', 'b']));
  it.each([
    ['a repeatable key is added beside its other values', ['console=ttyS0', 'cgroup_enable=cpuset', 'cgroup_memory=1'], ['cgroup_enable=memory'], ['console=ttyS0', 'cgroup_enable=cpuset', 'cgroup_memory=1', 'cgroup_enable=memory']],
    ['a single-valued key written twice keeps one, at its first place', ['swapaccount=0', 'quiet', 'swapaccount=0'], ['swapaccount=1'], ['swapaccount=1', 'quiet']],
    ['init arguments after -- stay after it', ['quiet', '--', 'single'], ['swapaccount=1'], ['quiet', 'swapaccount=1', '--', 'single']],
    ['dashes and underscores are one key', ['cgroup-memory=0'], ['cgroup_memory=1'], ['cgroup_memory=1']],
    ['a present repeatable value is not added again', ['console=tty0', 'console=ttyS0'], ['console=ttyS0'], ['console=tty0', 'console=ttyS0']],
  ])('mergeTokens: %s', (_name, existing, wanted, merged) => expect(mergeTokens(existing, wanted)).toEqual(merged));

  it('a grub.d file that sets the command line again (Debian cloud images) fails naming it, before any change', () => {
    expect(cloudDropIns.map((d) => d.path)).toEqual(['/etc/default/grub.d/10_cloud.cfg', '/etc/default/grub.d/20_append.cfg']);
    const p = plan(parse('debian12-default-grub.txt'), undefined, cloudDropIns);
    expect(p.changes).toEqual([]);
    expect(p.failed).toBe(
      'cgroup_enable=memory swapaccount=1 written to /etc/default/grub would not reach the kernel: /etc/default/grub.d/10_cloud.cfg:1 sets GRUB_CMDLINE_LINUX again without it (grub.d files are read after /etc/default/grub): change it there, or make that line append ("$GRUB_CMDLINE_LINUX ...")',
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

const BASE = 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\n';
const cases: {
  name: string;
  grub: string;
  dropIns?: readonly GrubDropIn[];
  tokens?: string[];
  variable?: 'GRUB_CMDLINE_LINUX' | 'GRUB_CMDLINE_LINUX_DEFAULT';
  /** The file after the edit; undefined: no change. */
  after?: string;
  failed?: string;
}[] = [
  {
    name: 'Raspberry-style cgroup_enable=cpuset is kept: cgroup_enable may be given once per controller',
    grub: `${BASE}GRUB_CMDLINE_LINUX="console=ttyS0 cgroup_enable=cpuset cgroup_memory=1"\n`,
    after: `${BASE}GRUB_CMDLINE_LINUX="console=ttyS0 cgroup_enable=cpuset cgroup_memory=1 cgroup_enable=memory swapaccount=1"\n`,
  },
  {
    name: 'swapaccount=0 in GRUB_CMDLINE_LINUX_DEFAULT (read after GRUB_CMDLINE_LINUX on the kernel line) is removed there',
    grub: `${BASE}GRUB_CMDLINE_LINUX_DEFAULT="quiet swapaccount=0"\nGRUB_CMDLINE_LINUX=""\n`,
    after: `${BASE}GRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="cgroup_enable=memory swapaccount=1"\n`,
  },
  {
    name: 'in effect through GRUB_CMDLINE_LINUX_DEFAULT already: nothing to change',
    grub: `${BASE}GRUB_CMDLINE_LINUX_DEFAULT="quiet cgroup_enable=memory swapaccount=1"\nGRUB_CMDLINE_LINUX=""\n`,
  },
  {
    name: 'editing GRUB_CMDLINE_LINUX_DEFAULT leaves GRUB_CMDLINE_LINUX (read before it) alone',
    grub: `${BASE}GRUB_CMDLINE_LINUX="swapaccount=0"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n`,
    variable: 'GRUB_CMDLINE_LINUX_DEFAULT',
    after: `${BASE}GRUB_CMDLINE_LINUX="swapaccount=0"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet cgroup_enable=memory swapaccount=1"\n`,
  },
  {
    name: 'export, indentation and a quoted value with spaces survive',
    grub: `${BASE}  export GRUB_CMDLINE_LINUX="acpi_osi=\\"Windows 2009\\" swapaccount=0"\n`,
    after: `${BASE}  export GRUB_CMDLINE_LINUX="acpi_osi=\\"Windows 2009\\" swapaccount=1 cgroup_enable=memory"\n`,
  },
  {
    name: 'no assignment: one is added at the end',
    grub: BASE.trimEnd(),
    after: `${BASE}GRUB_CMDLINE_LINUX="cgroup_enable=memory swapaccount=1"\n`,
  },
  {
    name: 'a drop-in appending swapaccount=0 overrides the edit: refused, naming its file:line',
    grub: `${BASE}GRUB_CMDLINE_LINUX=""\n`,
    dropIns: [{ path: '/etc/default/grub.d/60_local.cfg', text: '# local\nGRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX swapaccount=0"\n' }],
    failed: 'swapaccount=1 written to /etc/default/grub would not reach the kernel: swapaccount=0 at /etc/default/grub.d/60_local.cfg:2 overrides swapaccount=1 (grub.d files are read after /etc/default/grub): change it there, or make that line append ("$GRUB_CMDLINE_LINUX ...")',
  },
  {
    name: 'a drop-in setting GRUB_CMDLINE_LINUX_DEFAULT (Ubuntu cloud images: consoles) does not block an edit of GRUB_CMDLINE_LINUX',
    grub: `${BASE}GRUB_CMDLINE_LINUX=""\n`,
    dropIns: [{ path: '/etc/default/grub.d/50-cloudimg-settings.cfg', text: 'GRUB_TIMEOUT=0\nGRUB_CMDLINE_LINUX_DEFAULT="console=tty1 console=ttyS0"\n' }],
    after: `${BASE}GRUB_CMDLINE_LINUX="cgroup_enable=memory swapaccount=1"\n`,
  },
  {
    name: 'a drop-in appending the wanted tokens already: nothing to change',
    grub: `${BASE}GRUB_CMDLINE_LINUX="quiet"\n`,
    dropIns: [{ path: '/etc/default/grub.d/70.cfg', text: 'GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} cgroup_enable=memory swapaccount=1"\n' }],
  },
];

describe('grubCmdline on real-world files (data: file + drop-ins + wanted tokens → file after, or the refusal)', () => {
  it.each(cases)('$name', (c) => {
    const tokens = c.tokens ?? ['cgroup_enable=memory', 'swapaccount=1'];
    const file = { path: '/etc/default/grub', text: c.grub };
    const p = grubCmdlineModule.plan({ tokens, ...(c.variable && { variable: c.variable }) }, { file, dropIns: c.dropIns ?? [] }, undefined as never);
    expect(p.failed).toBe(c.failed);
    const after = (p.changes[0] as { content?: string } | undefined)?.content;
    expect(after).toBe(c.after);
    if (after === undefined) return;
    // the kernel line GRUB builds from the result has every wanted token in effect, and a second run changes nothing
    const line = effectiveCmdline([{ path: file.path, text: after }, ...(c.dropIns ?? [])]);
    const kernel = [...line.GRUB_CMDLINE_LINUX, ...line.GRUB_CMDLINE_LINUX_DEFAULT].map((t) => t.raw).join(' ');
    expect(missingTokens(kernel, tokens)).toEqual([]);
    expect(grubCmdlineModule.plan({ tokens, ...(c.variable && { variable: c.variable }) }, { file: { ...file, text: after }, dropIns: c.dropIns ?? [] }, undefined as never).changes).toEqual([]);
  });
});
