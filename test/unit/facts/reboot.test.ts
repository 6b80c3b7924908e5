import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootId, procCmdline, splitCmdline } from '../../../src/facts/reboot.ts';

const hasProc = existsSync('/proc/sys/kernel/random/boot_id') && existsSync('/proc/cmdline');
if (!hasProc) console.warn('skipping live /proc tests: this machine has no Linux /proc');

const run = (cmd: string) => {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 255 };
};

describe('bootId', () => {
  it.skipIf(!hasProc)('live: reads this kernel’s boot_id', () => {
    expect(bootId.parse(run(bootId.command()))).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  });
  it('an unreadable boot_id is an error, not an empty id', () => {
    expect(() => bootId.parse(run('cat /nonexistent/boot_id'))).toThrow(/cannot read boot_id/);
  });
});

describe('procCmdline', () => {
  it.skipIf(!hasProc)('live: tokens of this kernel’s command line', () => {
    const text = readFileSync('/proc/cmdline', 'utf8');
    const tokens = procCmdline.parse(run(procCmdline.command()));
    // no quotes on this machine's cmdline → plain whitespace split
    if (!text.includes('"')) expect(tokens).toEqual(text.trim().split(/\s+/));
    expect(tokens.length).toBeGreaterThan(0);
  });
  it('double quotes group a value with spaces, and are removed', () => {
    expect(splitCmdline('BOOT_IMAGE=/vmlinuz root=UUID=ab ro dyndbg="file x.c +p" quiet\n')).toEqual([
      'BOOT_IMAGE=/vmlinuz', 'root=UUID=ab', 'ro', 'dyndbg=file x.c +p', 'quiet',
    ]);
    expect(splitCmdline('  cgroup_enable=memory   swapaccount=1 ')).toEqual(['cgroup_enable=memory', 'swapaccount=1']);
    expect(splitCmdline('a "" b')).toEqual(['a', '', 'b']);
  });
});
