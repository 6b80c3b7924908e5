/** A redacted secret keeps the text's lines: a diff of a secret file ends as the file does (no false "\ No newline"). */
import { describe, expect, it } from 'vitest';
import { redact, REDACTED, secret } from '../../../src/core/secret.ts';
import { palette } from '../../../src/reporters/colors.ts';
import { diffLines } from '../../../src/reporters/diff-text.ts';

const PEM = '-----BEGIN KEY-----\nK3YDATA\n-----END KEY-----\n';
for (const s of ['topsecret-value\n', 'crlf-secret\r\n', '\n\nlead-secret', PEM]) secret(s);

describe('redaction keeps the line breaks around a secret', () => {
  const cases: [string, string, string][] = [
    ['a secret file as read (trailing newline)', 'topsecret-value\n', `${REDACTED}\n`],
    ['inside a line', 'pw=topsecret-value\nnext\n', `pw=${REDACTED}\nnext\n`],
    ['where the output lost the newline (a command stdout)', 'echo: topsecret-value', `echo: ${REDACTED}`],
    ['CRLF', 'a=crlf-secret\r\nb\r\n', `a=${REDACTED}\r\nb\r\n`],
    ['leading line breaks', 'x\n\nlead-secret!', `x\n\n${REDACTED}!`],
    ['a multi-line key: one mark, its last newline kept', `key:\n${PEM}end\n`, `key:\n${REDACTED}\nend\n`],
    ['JSON-escaped (a message, the --json report)', JSON.stringify({ c: 'topsecret-value\n' }), `{"c":"${REDACTED}\\n"}`],
  ];
  for (const [name, text, shown] of cases) it(name, () => expect(redact(text)).toBe(shown));
});

describe('diffs of redacted content', () => {
  const plain = palette(false);
  const cases: [string, { before: string; after: string }, string[]][] = [
    ['a new file holding only the secret', { before: '', after: 'topsecret-value\n' }, ['@@ -0,0 +1,1 @@', `+${REDACTED}`]],
    ['a secret line added to a config', { before: 'user app\n', after: 'user app\npassword topsecret-value\n' }, ['@@ -1,1 +1,2 @@', ' user app', `+password ${REDACTED}`]],
    ['a change beside a multi-line key', { before: `${PEM}tail\n`, after: `${PEM}tail2\n` }, ['@@ -1,2 +1,2 @@', ` ${REDACTED}`, '-tail', '+tail2']],
    ['a file that really lacks its last newline still says so', { before: '', after: 'topsecret-value' }, ['@@ -0,0 +1,1 @@', `+${REDACTED}`, '\\ No newline at end of file']],
  ];
  for (const [name, d, body] of cases) {
    it(name, () => {
      expect(diffLines({ path: '/etc/app/secret', ...d }, plain)).toEqual(['--- before: /etc/app/secret', '+++ after: /etc/app/secret', ...body]);
    });
  }
});
