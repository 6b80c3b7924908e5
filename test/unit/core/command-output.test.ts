import { describe, expect, it } from 'vitest';
import { commandOutput, stripTrailingNewlines } from '../../../src/core/index.ts';

// what ansible-core 2.19's command module registers (strip_empty_ends, stdout_lines = splitlines())
describe('commandOutput', () => {
  it.each([
    ['hello\n', 'hello', ['hello']],
    ['a\n\n\n', 'a', ['a']],
    ['a\r\n', 'a', ['a']],
    ['a\nb\n', 'a\nb', ['a', 'b']],
    ['a\n\nb\n', 'a\n\nb', ['a', '', 'b']],
    ['no newline', 'no newline', ['no newline']],
    ['\n', '', []],
    ['', '', []],
    ['  indented  \n', '  indented  ', ['  indented  ']],
  ])('stdout %j → %j, lines %j', (raw, stdout, lines) => {
    const out = commandOutput({ stdout: raw, stderr: `${raw}`, code: 3 });
    expect(out).toEqual({ stdout, stderr: stdout, rc: 3, stdout_lines: lines, stderr_lines: lines });
  });

  it('keeps leading and inner newlines', () => {
    expect(stripTrailingNewlines('\n\nx\n\ny\n')).toBe('\n\nx\n\ny');
  });
});
