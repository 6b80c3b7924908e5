/**
 * The live tree in a real pseudo-terminal (util-linux `script`), and the same run piped: Ansible's item labels,
 * delegation and ignored failures; NO_COLOR and FORCE_COLOR honoured on a terminal and on a pipe.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasColor, ptyUnavailable, runInPty, stripAnsi } from '../../support/pty.ts';

const fixture = path.join(import.meta.dirname, 'tty-fixture.ts');
const tsx = path.resolve(import.meta.dirname, '../../../node_modules/.bin/tsx');
const noPty = ptyUnavailable();
if (noPty) console.warn(`SKIPPED reporter TTY tests: ${noPty}`);

/** The environment of a terminal without any color preference. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', ...extra };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'CI']) if (!(k in extra)) delete e[k];
  return e;
}

const onTty = (scenario: string, extra: Record<string, string> = {}, maxHostRows?: number) =>
  runInPty([tsx, fixture, scenario, ...(maxHostRows ? [String(maxHostRows)] : [])], { env: env(extra) });

function piped(scenario: string, extra: Record<string, string> = {}): string {
  const r = spawnSync(tsx, [fixture, scenario], { env: env(extra), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** The final frame of each task: lines of the live tree after the last redraw, without escapes. */
const lines = (out: string) => stripAnsi(out).split('\n').map((l) => l.trimEnd());

describe.skipIf(noPty !== undefined)('reporters on a real terminal', () => {
  it('the live tree: (item=label), [host -> delegate], an ignored failure with a cross and ...ignoring, counts ignored=1', async () => {
    const run = await onTty('loop');
    expect(run.code, run.output).toBe(0);
    const text = lines(run.output);
    expect(text).toContain('⚠ TASK [ignored failure]  ok=1 ignored=1');
    expect(text).toContain('✔ TASK [register worker]  ok=1 changed=1');
    expect(text.some((l) => /^\s+✔ ok: \[ux2 -> ux1\]$/.test(l)), 'the delegated row').toBe(true);
    // items are printed under the collapsed task, as Ansible prints them
    expect(text).toEqual(expect.arrayContaining(['changed: [ux1] => (item=overlay)', 'ok: [ux1] => (item=br_netfilter)', 'changed: [ux2] => (item=overlay)']));
    // the failure, then ...ignoring: never a green tick for it
    const at = text.indexOf('fatal: [ux2]: FAILED! => command failed (rc=1)');
    expect(at).toBeGreaterThan(-1);
    expect(text[at + 1]).toBe('...ignoring');
    expect(text.some((l) => l.startsWith('✔') && l.includes('FAILED'))).toBe(false);
    expect(text.some((l) => /^\s*✖ fatal: \[ux2\]: FAILED! => command failed \(rc=1\) \.\.\.ignoring/.test(l))).toBe(true);
    expect(text.find((l) => l.startsWith('ux2 '))).toMatch(/ignored=1$/);
    expect(hasColor(run.output)).toBe(true);
  });

  it.each([
    ['nothing set: color on a terminal', {}, true],
    ['NO_COLOR=1', { NO_COLOR: '1' }, false],
    ['NO_COLOR= (empty: no preference, no-color.org)', { NO_COLOR: '' }, true],
    ['FORCE_COLOR=0', { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=1 wins over NO_COLOR=1 (as Node and chalk)', { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['TERM=dumb', { TERM: 'dumb' }, false],
  ])('terminal, %s', async (_name, extra, colored) => {
    const run = await onTty('real', extra);
    expect(run.code, run.output).toBe(0);
    expect(hasColor(run.output), 'SGR colors (icons, status lines, recap)').toBe(colored);
    // the live tree is drawn either way
    expect(lines(run.output)).toContain('⚠ TASK [check port 80]  failed=1 skipped=1');
    expect(run.output).not.toContain('s3cr3t');
  });

  it.each([
    ['nothing set: no color on a pipe', {}, false],
    ['FORCE_COLOR=1', { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=true', { FORCE_COLOR: 'true' }, true],
    ['FORCE_COLOR=false', { FORCE_COLOR: 'false' }, false],
    ['NO_COLOR=1', { NO_COLOR: '1' }, false],
  ])('pipe, %s', (_name, extra, colored) => {
    const out = piped('loop', extra);
    expect(hasColor(out)).toBe(colored);
    expect(lines(out)).toEqual(expect.arrayContaining(['changed: [ux1] => (item=overlay)', 'ok: [ux2 -> ux1]', 'fatal: [ux2]: FAILED! => command failed (rc=1)', '...ignoring']));
  });
});

describe.skipIf(noPty !== undefined)('long waits', () => {
  it('the live tree shows what a host waits for, elapsed and limit, in its row; the row ends as its result', async () => {
    const run = await onTty('wait');
    expect(run.code, run.output).toBe(0);
    const text = lines(run.output);
    expect(text.some((l) => /^\s+\S ux1 {2}waiting for the swarm node to leave state 'pending': 1[23]s of 2m 00s$/.test(l)), text.join('\n')).toBe(true);
    expect(text).toContain('✔ TASK [swarm : join swarm]  ok=1 changed=1');
    // the row ends as the result; no wait is drawn after it
    const done = text.findIndex((l) => l.trim() === '✔ changed: [ux1]');
    expect(done).toBeGreaterThan(-1);
    expect(text.slice(done).some((l) => l.includes('waiting'))).toBe(false);
  });

  it('the compact view (many hosts) lists the waiting host under the task, with elapsed and limit', async () => {
    const run = await onTty('wait', {}, 1);
    expect(run.code, run.output).toBe(0);
    const text = lines(run.output);
    expect(text).toContain("    ux1: waiting for the swarm node to leave state 'pending': 12s of 2m 00s");
    expect(text.some((l) => /^\S TASK \[swarm : join swarm\]  \(1\/2\) ok=1$/.test(l))).toBe(true);
  });

  it('piped: a line per notice interval while the wait lasts', () => {
    const out = lines(piped('wait'));
    const notices = out.filter((l) => l.startsWith('waiting: [ux1] for '));
    expect(notices.length).toBeGreaterThanOrEqual(2);
    expect(notices[0]).toMatch(/^waiting: \[ux1\] for the swarm node to leave state 'pending': 1[23]s of 2m 00s$/);
    expect(out.slice(out.indexOf('changed: [ux1]')).some((l) => l.startsWith('waiting:'))).toBe(false);
  });
});
