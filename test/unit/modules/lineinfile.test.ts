import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import type { FileState } from '../../../src/facts/files.ts';
import { editLines, expandBackrefs, lineinfileModule, pyRegex, type LineEdit, type LineinfileArgs } from '../../../src/modules/lineinfile.ts';
import { absent, directory, planContext, regular } from '../../fixtures/facts/files/plan-context.ts';

// Cases follow ansible.builtin.lineinfile's documented behaviour (and its lineinfile.py present()/absent()).
const present = (o: Partial<LineEdit> & { line: string }): LineEdit => ({ state: 'present', ...o });
const edit = (text: string, o: LineEdit) => editLines(text, o);
const converges = (text: string, o: LineEdit) => {
  const first = edit(text, o);
  expect(edit(first.text, o), 'second run changes nothing').toEqual({ text: first.text, changed: false, msg: '' });
  return first;
};

describe('editLines: regexp', () => {
  it('replaces the last matching line (SELinux example)', () => {
    const r = converges('SELINUX=permissive\n# SELINUX=disabled\nSELINUXTYPE=targeted\n', present({ regexp: pyRegex('^SELINUX='), line: 'SELINUX=enforcing' }));
    expect(r).toEqual({ text: 'SELINUX=enforcing\n# SELINUX=disabled\nSELINUXTYPE=targeted\n', changed: true, msg: 'line replaced' });
    const last = edit('a=1\nb=2\na=3\n', present({ regexp: pyRegex('^a='), line: 'a=9' }));
    expect(last.text).toBe('a=1\nb=2\na=9\n');
  });
  it('firstmatch replaces the first one', () => {
    expect(edit('a=1\nb=2\na=3\n', present({ regexp: pyRegex('^a='), line: 'a=9', firstmatch: true })).text).toBe('a=9\nb=2\na=3\n');
  });
  it('$ matches before the newline like Python re.search on readlines()', () => {
    expect(edit('port 22\n', present({ regexp: pyRegex('^port \\d+$'), line: 'port 2222' })).text).toBe('port 2222\n');
  });
  it('no match: appended at EOF, adding the missing final newline first', () => {
    expect(converges('a\nb', present({ regexp: pyRegex('^c='), line: 'c=1' })).text).toBe('a\nb\nc=1\n');
    expect(edit('', present({ line: 'x' })).text).toBe('x\n');
  });
  it('no regexp match but the exact line exists: unchanged', () => {
    expect(edit('a\nc=1\n', present({ regexp: pyRegex('^c=2'), line: 'c=1' }))).toMatchObject({ changed: false });
  });
});

// CRLF files keep their line endings (Ansible rewrites a CRLF line equal to `line` with LF and writes os.linesep):
// lines match whatever ends them, a replaced line keeps its ending, new lines get the file's.
describe('editLines on CRLF files (data: text + options → text, or unchanged)', () => {
  it.each([
    ['the exact line with CR exists: unchanged', 'x\r\ny\r\n', present({ line: 'x' }), undefined],
    ['a regexp with $ matches a CRLF line; the line keeps CRLF', 'a=1\r\nb=2\r\n', present({ regexp: pyRegex('^a=.*$'), line: 'a=3' }), 'a=3\r\nb=2\r\n'],
    ['a new line at EOF gets CRLF', 'a\r\n', present({ line: 'b' }), 'a\r\nb\r\n'],
    ['no final line ending: CRLF added before the new line', 'a\r\nc', present({ line: 'b' }), 'a\r\nc\r\nb\r\n'],
    ['insertbefore BOF gets CRLF', 'a\r\n', present({ line: 'b', insertbefore: 'BOF' }), 'b\r\na\r\n'],
    ['insertafter a CRLF anchor', 'a\r\nc\r\n', present({ line: 'b', insertafter: pyRegex('^a$') }), 'a\r\nb\r\nc\r\n'],
    ['absent removes the CRLF line', 'x\r\ny\r\n', { state: 'absent' as const, line: 'x' }, 'y\r\n'],
    ['an LF file stays LF', 'a\n', present({ line: 'b' }), 'a\nb\n'],
  ] as [string, string, LineEdit, string | undefined][])('%s', (_name, text, o, after) => {
    const r = converges(text, o);
    expect(r.changed ? r.text : undefined).toBe(after);
  });
});

describe('editLines: searchString', () => {
  it('substring match, last one replaced', () => {
    expect(edit('a.b=1\nab=2\na.b=3\n', present({ searchString: 'a.b', line: 'a.b=0' })).text).toBe('a.b=1\nab=2\na.b=0\n');
  });
});

describe('editLines: insertafter / insertbefore', () => {
  const services = 'ssh 22/tcp\nwww 80/tcp\nhttps 443/tcp\nwww 80/udp\nend\n';
  it('insertafter: after the last matching line', () => {
    expect(converges(services, present({ insertafter: pyRegex('^www'), line: 'new 8080/tcp' })).text).toBe(
      'ssh 22/tcp\nwww 80/tcp\nhttps 443/tcp\nwww 80/udp\nnew 8080/tcp\nend\n',
    );
  });
  it('insertafter with firstmatch: after the first matching line', () => {
    expect(edit(services, present({ insertafter: pyRegex('^www'), line: 'new', firstmatch: true })).text).toBe('ssh 22/tcp\nwww 80/tcp\nnew\nhttps 443/tcp\nwww 80/udp\nend\n');
  });
  it('insertbefore: before the last matching line (the /etc/services doc example)', () => {
    expect(converges(services, present({ insertbefore: pyRegex('^www.*80/tcp'), line: '# port 80' })).text).toBe(
      'ssh 22/tcp\n# port 80\nwww 80/tcp\nhttps 443/tcp\nwww 80/udp\nend\n',
    );
  });
  it('BOF and EOF', () => {
    expect(converges('a\n', present({ insertbefore: 'BOF', line: '#!/bin/sh' })).text).toBe('#!/bin/sh\na\n');
    expect(edit('a\n', present({ insertafter: 'BOF', line: 'z' })).text).toBe('z\na\n');
    expect(edit('a\n', present({ insertafter: 'EOF', line: 'z' })).text).toBe('a\nz\n');
  });
  it('anchor not found: EOF', () => {
    expect(edit('a\n', present({ insertafter: pyRegex('^nope'), line: 'z' })).text).toBe('a\nz\n');
    expect(edit('a\n', present({ insertbefore: pyRegex('^nope'), line: 'z' })).text).toBe('a\nz\n');
  });
  it('regexp match wins over insertafter', () => {
    expect(edit('k=1\nanchor\n', present({ regexp: pyRegex('^k='), insertafter: pyRegex('^anchor'), line: 'k=2' })).text).toBe('k=2\nanchor\n');
  });
  it('anchor is the last line without newline', () => {
    expect(edit('a\nanchor', present({ insertafter: pyRegex('^anchor'), line: 'z' })).text).toBe('a\nanchor\nz\n');
  });
});

describe('editLines: backrefs', () => {
  it('expands groups into the line', () => {
    const r = converges('host=old.example\n', present({ regexp: pyRegex('^(host=).*'), line: '\\g<1>new.example', backrefs: true }));
    expect(r.text).toBe('host=new.example\n');
    expect(edit('ListenAddress 0.0.0.0\n', present({ regexp: pyRegex('^(?P<key>Listen\\w+) .*'), line: '\\g<key> 10.0.0.1', backrefs: true })).text).toBe('ListenAddress 10.0.0.1\n');
  });
  it('no match: file left unchanged (no append)', () => {
    expect(edit('a\n', present({ regexp: pyRegex('^(host=).*'), line: '\\1x', backrefs: true }))).toEqual({ text: 'a\n', changed: false, msg: '' });
  });
  it('expandBackrefs: numbered, named, escapes, unmatched groups empty', () => {
    const m = /(a)(b)?(?<n>c)/.exec('ac')!;
    expect(expandBackrefs('\\1-\\2-\\g<n>-\\g<3>\\t\\\\', m)).toBe('a--c-c\t\\');
  });
});

describe('editLines: state absent', () => {
  it('removes every line matching regexp, with a count', () => {
    expect(edit('# a\nx\n# b\n', { state: 'absent', regexp: pyRegex('^#') })).toEqual({ text: 'x\n', changed: true, msg: '2 line(s) removed' });
  });
  it('removes exact lines only when given line', () => {
    expect(edit('x\nx y\nx\n', { state: 'absent', line: 'x' }).text).toBe('x y\n');
    expect(edit('y\n', { state: 'absent', line: 'x' })).toEqual({ text: 'y\n', changed: false, msg: '' });
  });
});

describe('pyRegex', () => {
  it('translates Python-only syntax and leading inline flags', () => {
    expect(pyRegex('(?i)^port').test('PORT 1')).toBe(true);
    expect(pyRegex('(?P<k>a)(?P=k)').test('aa')).toBe(true);
    expect(pyRegex('\\Aab\\Z').test('ab')).toBe(true);
    expect(pyRegex(/x/g).flags).toBe('');
  });
});

describe('lineinfile module', () => {
  const ctx = planContext();
  const plan = (a: LineinfileArgs, file: FileState = regular('/etc/ssh/sshd_config', 'PermitRootLogin yes\n')) => lineinfileModule.plan(a, { file }, ctx);
  const args: LineinfileArgs = { path: '/etc/ssh/sshd_config', regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no', validate: '/usr/sbin/sshd -t -f %s' };

  it('probes the followed file with content', () => {
    expect(lineinfileModule.probe(args, ctx).file.arg).toEqual({ path: args.path, content: true, follow: true });
  });
  it('change → one write of the whole new content, with diff and Ansible message', () => {
    const p = plan(args);
    expect(p.changes).toEqual([{ kind: 'write', path: args.path, content: 'PermitRootLogin no\n', validate: '/usr/sbin/sshd -t -f %s', description: 'update /etc/ssh/sshd_config (19 bytes)' }]);
    expect(p.diff).toEqual([{ path: args.path, before: 'PermitRootLogin yes\n', after: 'PermitRootLogin no\n' }]);
    expect(p.msg).toBe('line replaced');
  });
  it('converged → []', () => expect(plan(args, regular(args.path, 'PermitRootLogin no\n')).changes).toEqual([]));
  it('content same, mode differs → chmod only', () => {
    expect(plan({ ...args, mode: '0600' }, regular(args.path, 'PermitRootLogin no\n')).changes.map((c) => c.description)).toEqual(['chmod 0600 /etc/ssh/sshd_config (was 0644)']);
  });
  it('writes through a symlink to its real path', () => {
    const p = plan({ path: '/etc/hosts', line: '10.0.0.1 db' }, { ...regular('/etc/hosts', '127.0.0.1 localhost\n'), realPath: '/etc/hosts.real' });
    expect(p.changes[0]).toMatchObject({ kind: 'write', path: '/etc/hosts.real', content: '127.0.0.1 localhost\n10.0.0.1 db\n' });
  });
  it('missing file: failure without create; with create mkdir -p parent then write', () => {
    expect(plan(args, absent(args.path)).failed).toBe('/etc/ssh/sshd_config does not exist (set create: true to create it)');
    const p = plan({ path: '/etc/app conf/a.conf', line: 'x=1', create: true, mode: '0640' }, absent('/etc/app conf/a.conf'));
    expect(p.changes.map((c) => (c.kind === 'exec' ? c.command : c.kind === 'write' ? `write ${c.path}` : c.kind))).toEqual([`mkdir -p -- '/etc/app conf'`, 'write /etc/app conf/a.conf']);
  });
  it('create below a symlink to nothing: mkdir -p would stop there (File exists), so the plan fails first', () => {
    const file = { ...absent('/srv/d/c/a.conf'), danglingParent: { path: '/srv/d', to: '/srv/a' } };
    expect(plan({ path: '/srv/d/c/a.conf', line: 'x', create: true }, file).failed).toBe(
      'cannot create /srv/d/c/a.conf: /srv/d is a symlink to /srv/a, which does not exist; remove the link or create its target',
    );
    expect(plan({ path: '/srv/d/c/a.conf', line: 'x', state: 'absent' }, file)).toMatchObject({ changes: [], msg: 'file not present' });
  });
  it('state absent on a missing file is ok', () => {
    expect(plan({ path: '/x', state: 'absent', line: 'a' }, absent('/x'))).toMatchObject({ changes: [], msg: 'file not present' });
  });
  it('refuses directories, binary files, files over 1 MiB', () => {
    expect(plan(args, directory(args.path)).failed).toMatch(/is a directory/);
    expect(plan(args, regular(args.path, new Uint8Array([0, 1, 2]))).failed).toMatch(/not UTF-8 text/);
    expect(plan(args, { ...regular(args.path, 'x'), content: undefined, contentOmitted: 'too-large' }).failed).toMatch(/over 1 MiB/);
  });
});

describe('lineinfile args', () => {
  const v = (a: unknown) => argProblems(lineinfileModule, a);
  const ok = { path: '/etc/ssh/sshd_config', line: 'PermitRootLogin no' };
  it('valid args: patterns as Python re text or RegExp, EOF/BOF positions', () => {
    expect(v({ ...ok, regexp: '(?i)^#?PermitRootLogin', validate: '/usr/sbin/sshd -t -f %s', mode: '0600', backup: true })).toEqual([]);
    expect(v({ ...ok, regexp: /^#?PermitRootLogin/i, firstmatch: true })).toEqual([]);
    expect(v({ ...ok, insertafter: 'EOF' })).toEqual([]);
    expect(v({ ...ok, insertafter: 'BOF' })).toEqual([]);
    expect(v({ ...ok, insertbefore: /^Match/ })).toEqual([]);
    expect(v({ path: '/x', state: 'absent', searchString: 'foo' })).toEqual([]);
  });
  it.each([
    // the schema: types, formats, enums, unknown keys
    [{ line: 'a' }, 'path: expected an absolute path (a string starting with /)'],
    [{ ...ok, path: 'etc/x' }, 'path: must be an absolute path, got "etc/x"'],
    [{ ...ok, line: 5 }, 'line: expected the line as a string, got 5'],
    [{ ...ok, line: 'a\nb' }, 'line: must be a single line (use blockinfile for several)'],
    [{ ...ok, regexp: '(' }, 'regexp: not a valid regular expression: Invalid regular expression: /(/: Unterminated group'],
    [{ ...ok, regexp: '(?x)a b' }, 'regexp: not a valid regular expression: verbose flag (?x) is not supported'],
    [{ ...ok, regexp: '^(?i)a' }, 'regexp: not a valid regular expression: Invalid regular expression: /^(?i)a/: Invalid group'],
    [{ ...ok, regexp: 5 }, 'regexp: expected a regular expression (Python re syntax as a string, or a RegExp), got 5'],
    [{ ...ok, regexp: '' }, 'regexp: an empty regexp matches every line; write ^ if that is meant'],
    [{ ...ok, searchString: '' }, 'searchString: an empty searchString matches every line'],
    [{ ...ok, insertafter: '[' }, 'insertafter: not a valid regular expression'],
    [{ ...ok, insertbefore: '[' }, 'insertbefore: not a valid regular expression'],
    [{ ...ok, insertbefore: () => 'BOF' }, 'insertbefore: expected a regular expression (Python re syntax as a string, or a RegExp), got a function'],
    [{ ...ok, state: 'gone' }, 'state: Invalid option: expected one of "present"|"absent"'],
    [{ ...ok, create: 'yes' }, 'create: Invalid input: expected boolean, received string'],
    [{ ...ok, backrefs: 1 }, 'backrefs: Invalid input: expected boolean, received number'],
    [{ ...ok, mode: 644 }, "mode: mode must be an octal string, got the number 644: write '0644' (quoted)"],
    [{ ...ok, owner: 'a:b' }, 'owner: must be a non-empty name or id without spaces or ":"'],
    [{ ...ok, validate: 'sshd -t' }, 'validate: must contain %s (the temp file to check), got "sshd -t"'],
    [{ ...ok, regex: '^a=' }, "unknown key 'regex' (did you mean 'regexp'?)"],
    [{ ...ok, insertAfter: 'EOF' }, "unknown key 'insertAfter' (did you mean 'insertafter'?)"],
    // validate: Ansible's rules across fields
    [{ path: '/x' }, "line is required with state 'present'"],
    [{ ...ok, insertafter: 'x', insertbefore: 'y' }, 'insertafter and insertbefore are mutually exclusive'],
    [{ ...ok, regexp: 'a', searchString: 'a' }, 'regexp and searchString are mutually exclusive'],
    [{ ...ok, backrefs: true }, 'backrefs needs regexp'],
    [{ path: '/x', state: 'absent' }, "state 'absent' needs line, regexp or searchString"],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
  it('cross-field checks run only on args the schema accepts', () => {
    expect(v({ path: 'x', insertafter: 'a', insertbefore: 'b' })).toEqual(['path: must be an absolute path, got "x"']);
  });
});
