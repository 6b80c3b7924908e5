/** A secret is hidden in every form rig prints it: as given, JSON-escaped (messages, --json) and shell-quoted (-v). */
import { describe, expect, it } from 'vitest';
import { quote, redact, REDACTED, secret, showValue } from '../../../src/core/index.ts';

describe('secret forms', () => {
  it.each([`hunter"2`, 'tok"en\\9', "pa'ss wd", '-----BEGIN KEY-----\nS3CR3TK3YDATA\n-----END KEY-----\n'])('%j', (s) => {
    secret(s);
    for (const printed of [s, JSON.stringify(s), `x = ${showValue({ k: s })}`, `sh -c ${quote(s)}`, JSON.stringify({ cmd: `sh -c ${quote(s)}` })]) {
      const out = redact(printed);
      expect(out).toContain(REDACTED);
      expect(out).not.toContain('S3CR3T');
      expect(out).not.toContain('hunter');
      expect(out).not.toContain('tok');
      expect(out).not.toContain('pa');
    }
  });
});

describe('problems are printed without raw control characters (a binary inventory file, a crafted name)', () => {
  it.each([
    [{ where: 'hosts:1', message: 'bad \u001b[31mline\u0007' }, 'hosts:1: bad \\x1b[31mline\\x07'],
    [{ message: 'tab\tand\nnewline stay', hint: 'x\u009by' }, 'tab\tand\nnewline stay\n  → x\\x9by'],
  ])('%j', async (p, text) => {
    const { formatProblem } = await import('../../../src/core/errors.ts');
    expect(formatProblem(p)).toBe(text);
  });
});
