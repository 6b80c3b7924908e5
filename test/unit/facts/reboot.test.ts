import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootId, procCmdline } from '../../../src/facts/reboot.ts';

const hasProc = existsSync('/proc/sys/kernel/random/boot_id') && existsSync('/proc/cmdline');
if (!hasProc) console.warn('skipping live /proc tests: this machine has no Linux /proc');

const run = (cmd: string) => {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 255 };
};

// parse cases are data: test/cases/facts/reboot.bootId, reboot.procCmdline
describe('bootId', () => {
  it.skipIf(!hasProc)('live: reads this kernel’s boot_id', () => {
    expect(bootId.parse(run(bootId.command()))).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
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
});
