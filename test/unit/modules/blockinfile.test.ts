import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import type { FileState } from '../../../src/facts/files.ts';
import { blockinfileModule, DEFAULT_MARKER, editBlock, type BlockEdit, type BlockinfileArgs } from '../../../src/modules/blockinfile.ts';
import { pyRegex } from '../../../src/modules/lineinfile.ts';
import { absent, planContext, regular } from '../../fixtures/facts/files/plan-context.ts';

// Cases follow ansible.builtin.blockinfile's documented behaviour (and its blockinfile.py main()).
const B = '# BEGIN RIG MANAGED BLOCK\n';
const E = '# END RIG MANAGED BLOCK\n';
const opts = (o: Partial<BlockEdit>): BlockEdit => ({ state: 'present', block: '', marker: DEFAULT_MARKER, markerBegin: 'BEGIN', markerEnd: 'END', ...o });
const converges = (text: string | null, o: BlockEdit) => {
  const first = editBlock(text, o);
  expect(editBlock(first.text, o), 'second run changes nothing').toEqual({ text: first.text, changed: false, msg: '' });
  return first;
};

describe('editBlock', () => {
  it('no markers yet: block appended at EOF with markers', () => {
    expect(converges('auto lo\n', opts({ block: 'iface eth0 inet static\n    address 192.0.2.23' }))).toEqual({
      text: `auto lo\n${B}iface eth0 inet static\n    address 192.0.2.23\n${E}`,
      changed: true,
      msg: 'block inserted',
    });
  });
  it('a file without final newline gets one before the block', () => {
    expect(editBlock('a', opts({ block: 'x' })).text).toBe(`a\n${B}x\n${E}`);
  });
  it('markers present: the content between them is replaced in place', () => {
    const r = converges(`a\n${B}old1\nold2\n${E}z\n`, opts({ block: 'new' }));
    expect(r).toEqual({ text: `a\n${B}new\n${E}z\n`, changed: true, msg: 'block inserted' });
  });
  it('empty block or state absent removes block and markers', () => {
    expect(editBlock(`a\n${B}x\n${E}z\n`, opts({ block: '' }))).toEqual({ text: 'a\nz\n', changed: true, msg: 'block removed' });
    expect(editBlock(`a\n${B}x\n${E}z\n`, opts({ block: 'x', state: 'absent' })).text).toBe('a\nz\n');
    expect(editBlock('a\n', opts({ state: 'absent', block: 'x' }))).toEqual({ text: 'a\n', changed: false, msg: '' });
  });
  it('insertbefore BOF', () => {
    expect(converges('a\n', opts({ block: 'x', insertbefore: 'BOF' })).text).toBe(`${B}x\n${E}a\n`);
  });
  it('insertafter regexp: after the last match; no match: EOF', () => {
    const html = '<html>\n<body>\n<p/>\n</body>\n';
    const o = opts({ block: '<h1>Welcome</h1>', marker: '<!-- {mark} ANSIBLE MANAGED BLOCK -->', insertafter: pyRegex('<body>') });
    expect(converges(html, o).text).toBe('<html>\n<body>\n<!-- BEGIN ANSIBLE MANAGED BLOCK -->\n<h1>Welcome</h1>\n<!-- END ANSIBLE MANAGED BLOCK -->\n<p/>\n</body>\n');
    expect(editBlock('a\nk\nb\nk\nc\n', opts({ block: 'x', insertafter: pyRegex('^k$') })).text).toBe(`a\nk\nb\nk\n${B}x\n${E}c\n`);
    expect(editBlock('a\n', opts({ block: 'x', insertafter: pyRegex('^nope') })).text).toBe(`a\n${B}x\n${E}`);
  });
  it('insertbefore regexp: before the last match; no match: EOF', () => {
    expect(editBlock('a\nMatch User x\nb\n', opts({ block: 'x', insertbefore: pyRegex('^Match') })).text).toBe(`a\n${B}x\n${E}Match User x\nb\n`);
    expect(editBlock('a\n', opts({ block: 'x', insertbefore: pyRegex('^nope') })).text).toBe(`a\n${B}x\n${E}`);
  });
  it('(?m) pattern runs over the whole file', () => {
    const text = 'SID_LIST_LISTENER_DG =\n  (SID_LIST =\n  )\n';
    const o = opts({ block: '    (SID_DESC = x)', insertafter: pyRegex('(?m)SID_LIST_LISTENER_DG =\\n.*\\(SID_LIST =') });
    expect(converges(text, o).text).toBe(`SID_LIST_LISTENER_DG =\n  (SID_LIST =\n${B}    (SID_DESC = x)\n${E}  )\n`);
  });
  it('custom marker_begin / marker_end, several blocks in one file', () => {
    const a = opts({ block: '10.0.0.1 host1', marker: '# {mark} host1', markerBegin: 'START', markerEnd: 'STOP' });
    const b = opts({ block: '10.0.0.2 host2', marker: '# {mark} host2' });
    const once = editBlock(editBlock('127.0.0.1 localhost\n', a).text, b).text;
    expect(once).toBe('127.0.0.1 localhost\n# START host1\n10.0.0.1 host1\n# STOP host1\n# BEGIN host2\n10.0.0.2 host2\n# END host2\n');
    expect(editBlock(editBlock(once, a).text, b).text).toBe(once);
  });
  it('markers in reverse order are still replaced', () => {
    expect(editBlock(`a\n${E}junk\n${B}z\n`, opts({ block: 'x' })).text).toBe(`a\n${B}x\n${E}z\n`);
  });
  it('prepend/append a blank line unless at file edge or already blank', () => {
    const o = opts({ block: 'Match User agent\nPasswordAuthentication no', insertbefore: pyRegex('^Match'), prependNewline: true, appendNewline: true });
    expect(converges('Port 22\nMatch all\n', o).text).toBe(`Port 22\n\n${B}Match User agent\nPasswordAuthentication no\n${E}\nMatch all\n`);
    expect(editBlock('', opts({ block: 'x', prependNewline: true, appendNewline: true })).text).toBe(`${B}x\n${E}`);
  });
  it('a missing file is created with the block', () => {
    expect(editBlock(null, opts({ block: 'x' }))).toEqual({ text: `${B}x\n${E}`, changed: true, msg: 'file created' });
  });
});

// A file edited on Windows (or a vendor's CRLF config): markers match whatever ends their line, and the block is written
// with the file's own line ending, so a second run finds the block (Ansible writes os.linesep and appends a second one).
const CB = '# BEGIN RIG MANAGED BLOCK\r\n';
const CE = '# END RIG MANAGED BLOCK\r\n';
describe('editBlock on CRLF files (data: text + options → text)', () => {
  it.each([
    ['no block yet: appended with CRLF', 'a\r\n', { block: 'x\ny' }, `a\r\n${CB}x\r\ny\r\n${CE}`],
    ['an existing CRLF block is found and updated in place', `a\r\n${CB}old\r\n${CE}z\r\n`, { block: 'new' }, `a\r\n${CB}new\r\n${CE}z\r\n`],
    ['an existing CRLF block with the same content: unchanged', `a\r\n${CB}x\r\n${CE}`, { block: 'x' }, `a\r\n${CB}x\r\n${CE}`],
    ['a CRLF block is removed', `a\r\n${CB}x\r\n${CE}z\r\n`, { state: 'absent' as const }, 'a\r\nz\r\n'],
    ['no final line ending: CRLF added before the block', 'a\r\nb', { block: 'x' }, `a\r\nb\r\n${CB}x\r\n${CE}`],
    ['insertafter matches a CRLF line ($ before CR)', 'a=1\r\nb=2\r\n', { block: 'x', insertafter: pyRegex('^a=1$') }, `a=1\r\n${CB}x\r\n${CE}b=2\r\n`],
    ['prependNewline adds a CRLF blank line', 'a\r\n', { block: 'x', prependNewline: true }, `a\r\n\r\n${CB}x\r\n${CE}`],
    ['an LF file stays LF', 'a\n', { block: 'x' }, `a\n${B}x\n${E}`],
  ] as [string, string, Partial<BlockEdit>, string][])('%s', (_name, text, o, after) => {
    expect(converges(text, opts(o)).text).toBe(after);
  });
});

describe('blockinfile module', () => {
  const ctx = planContext();
  const args: BlockinfileArgs = { path: '/etc/ssh/sshd_config', block: 'Match User deploy\n  PasswordAuthentication no', backup: true };
  const plan = (a: BlockinfileArgs, file: FileState = regular('/etc/ssh/sshd_config', 'Port 22\n')) => blockinfileModule.plan(a, { file }, ctx);

  it('change → write with backup, diff and message', () => {
    const after = `Port 22\n${B}Match User deploy\n  PasswordAuthentication no\n${E}`;
    const p = plan(args);
    expect(p.changes).toEqual([{ kind: 'write', path: args.path, content: after, backup: true, description: `update /etc/ssh/sshd_config (${after.length} bytes)` }]);
    expect(p.diff).toEqual([{ path: args.path, before: 'Port 22\n', after }]);
    expect(p.msg).toBe('block inserted');
  });
  it('converged → []', () => {
    expect(plan(args, regular(args.path, `Port 22\n${B}Match User deploy\n  PasswordAuthentication no\n${E}`)).changes).toEqual([]);
  });
  it('missing file: failure without create, mkdir + write with create', () => {
    expect(plan(args, absent(args.path)).failed).toMatch(/does not exist \(set create: true/);
    expect(plan({ ...args, create: true }, absent(args.path)).changes.map((c) => c.kind)).toEqual(['exec', 'write']);
  });
});

describe('blockinfile args', () => {
  const v = (a: unknown) => argProblems(blockinfileModule, a);
  const ok = { path: '/etc/ssh/sshd_config', block: 'Match User deploy\n  PasswordAuthentication no' };
  it('valid args', () => {
    expect(v({ ...ok, backup: true, create: true, mode: '0600', state: 'present' })).toEqual([]);
    expect(v({ ...ok, marker: '<!-- {mark} app -->', markerBegin: 'START', markerEnd: 'STOP', insertafter: /<body>/ })).toEqual([]);
    expect(v({ ...ok, insertafter: 'EOF' })).toEqual([]);
    expect(v({ ...ok, insertbefore: 'BOF', prependNewline: true, appendNewline: false })).toEqual([]);
    expect(v({ path: '/x', state: 'absent' })).toEqual([]);
  });
  it.each([
    // the schema: types, formats, enums, unknown keys; markers that cannot be found again
    [{ block: 'a' }, 'path: expected an absolute path (a string starting with /)'],
    [{ ...ok, path: 'sshd_config' }, 'path: must be an absolute path, got "sshd_config"'],
    [{ ...ok, block: ['a', 'b'] }, 'block: Invalid input: expected string, received array'],
    [{ ...ok, marker: 5 }, 'marker: expected the marker line as a string, got 5'],
    [{ ...ok, marker: '# managed' }, 'marker: must contain {mark}, or the block is inserted again on every run: got "# managed"'],
    [{ ...ok, marker: '# {mark}\nmore' }, 'marker: must be a single line (no \\n)'],
    [{ ...ok, markerBegin: 'A\nB' }, 'markerBegin: must be a single line'],
    [{ ...ok, markerEnd: true }, 'markerEnd: expected the end marker as a string, got true'],
    [{ ...ok, insertafter: '(' }, 'insertafter: not a valid regular expression'],
    [{ ...ok, insertbefore: 7 }, 'insertbefore: expected a regular expression (Python re syntax as a string, or a RegExp), got 7'],
    [{ ...ok, state: 'removed' }, 'state: Invalid option: expected one of "present"|"absent"'],
    [{ ...ok, appendNewline: 'yes' }, 'appendNewline: Invalid input: expected boolean, received string'],
    [{ ...ok, mode: 0o600 }, "mode: mode must be an octal string, got the number 384: write '0600' (quoted)"],
    [{ ...ok, validate: 'sshd -t -f' }, 'validate: must contain %s'],
    [{ ...ok, marker_begin: 'X' }, "unknown key 'marker_begin' (did you mean 'markerBegin'?)"],
    [{ ...ok, blok: 'a' }, "unknown key 'blok' (did you mean 'block'?)"],
    // validate: across fields (markerBegin/markerEnd compare with their defaults)
    [{ ...ok, markerBegin: 'X', markerEnd: 'X' }, 'markerBegin and markerEnd must differ, or the block is inserted again on every run'],
    [{ ...ok, markerEnd: 'BEGIN' }, 'markerBegin and markerEnd must differ'],
    [{ ...ok, insertafter: 'EOF', insertbefore: 'BOF' }, 'insertafter and insertbefore are mutually exclusive'],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});
