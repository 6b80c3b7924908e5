import { describe, expect, it } from 'vitest';
import type { HostRecap, RunSummary } from '../../../src/core/result.ts';
import { formatDuration, printRecap, recapLines } from '../../../src/reporters/index.ts';
import { StringStream } from './fixture-run.ts';

const zero: HostRecap = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0, execs: 0 };
const summary = (recap: Record<string, Partial<HostRecap>>, durationMs = 61_500): RunSummary => ({
  recap: Object.fromEntries(Object.entries(recap).map(([h, r]) => [h, { ...zero, ...r }])),
  results: [],
  exitCode: 0,
  durationMs,
  check: false,
});

describe('printRecap', () => {
  it('prints ansible columns, hosts sorted, and the rig extras line', () => {
    const out = new StringStream();
    printRecap(summary({ 'node-b': { ok: 12, changed: 3, execs: 2 }, 'node-a': { ok: 5, rescued: 1, execs: 1 } }), out, false);
    expect(out.text.split('\n')).toEqual([
      '',
      'PLAY RECAP *********************************************************************',
      'node-a                     : ok=5    changed=0    unreachable=0    failed=0    skipped=0    rescued=1    ignored=0',
      'node-b                     : ok=12   changed=3    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
      '',
      'execs: node-a=1 node-b=2 total=3  duration: 1m 01.5s',
      '',
    ]);
  });

  it('widens the host column for long names so counts stay aligned', () => {
    const lines = recapLines(summary({ 'a-very-long-host-name.example.internal': { ok: 1 }, b: { ok: 1 } }), false);
    const cols = lines.filter((l) => l.includes(' : ok=')).map((l) => l.indexOf(' : ok='));
    expect(cols[0]).toBe('a-very-long-host-name.example.internal'.length);
    expect(new Set(cols).size).toBe(1);
  });

  it('colors host names by outcome and non-zero counts like ansible', () => {
    const lines = recapLines(summary({ bad: { failed: 1 }, chg: { ok: 1, changed: 1 }, good: { ok: 1, skipped: 2, ignored: 1 } }), true);
    const [bad, chg, good] = lines.filter((l) => l.includes('ok='));
    expect(bad!.startsWith('\x1b[31mbad\x1b[39m')).toBe(true);
    expect(bad).toContain('\x1b[31mfailed=1   \x1b[39m');
    expect(bad).toContain(' ok=0    changed=0 ');
    expect(chg!.startsWith('\x1b[33mchg\x1b[39m')).toBe(true);
    expect(good!.startsWith('\x1b[32mgood\x1b[39m')).toBe(true);
    expect(good).toContain('\x1b[36mskipped=2   \x1b[39m');
    expect(good).toContain('\x1b[95mignored=1\x1b[39m');
  });

  it('formats durations', () => {
    expect([formatDuration(850), formatDuration(2345), formatDuration(125_000)]).toEqual(['850ms', '2.3s', '2m 05.0s']);
  });
});
