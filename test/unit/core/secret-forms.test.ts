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
