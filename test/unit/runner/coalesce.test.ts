import { describe, expect, it } from 'vitest';
import { read, readCommand, type ExecOutput, type Fact } from '../../../src/core/index.ts';
import { coalesce, type ReadSpec } from '../../../src/runner/coalesce.ts';
import { cacheKey, specOf } from '../../../src/runner/reads.ts';

// a fact whose group command is `echo` of every arg and whose split hands each arg its own word back
const echo: Fact<string, string> = {
  name: 'test.echo',
  command: (a) => `echo ${a}`,
  parse: (out) => out.stdout.trim(),
  many: {
    accepts: (a) => !a.includes(' '),
    command: (args) => `echo ${args.join(' ')}`,
    split: (out, args) => args.map((_, i) => ({ stdout: `${out.stdout.trim().split(' ')[i]}\n`, stderr: '', code: 0 })),
  },
};
const plain: Fact<string, string> = { name: 'test.plain', command: (a) => `cat ${a}`, parse: (out) => out.stdout };

const spec = (f: Fact<string, string>, a: string): ReadSpec => {
  const r = read(f, a);
  return { command: readCommand(r), privilege: { become: false, becomeUser: 'root' }, volatile: false, read: r };
};
const ok = (stdout: string): ExecOutput => ({ stdout, stderr: '', code: 0 });

describe('coalesce', () => {
  it('runs a many fact once at its first read, others in order, duplicates once', () => {
    const specs = [spec(plain, 'x'), spec(echo, 'a'), spec(plain, 'y'), spec(echo, 'b'), spec(plain, 'x'), spec(echo, 'a')];
    const c = coalesce(specs);
    expect(c.commands).toEqual(['cat x', 'echo a b', 'cat y']);
    const outs = c.spread([ok('X'), ok('a b\n'), ok('Y')]);
    expect(outs.map((o) => o.stdout)).toEqual(['X', 'a\n', 'Y', 'b\n', 'X', 'a\n']);
  });

  it('a read the fact declines, a lone group member and a spec without a read run their own command', () => {
    const bare: ReadSpec = { command: 'hostname', privilege: { become: false, becomeUser: 'root' }, volatile: false };
    const c = coalesce([bare, spec(echo, 'has space'), spec(echo, 'solo')]);
    expect(c.commands).toEqual(['hostname', 'echo has space', 'echo solo']);
    expect(c.spread([ok('h'), ok('has space\n'), ok('solo\n')]).map((o) => o.stdout)).toEqual(['h', 'has space\n', 'solo\n']);
  });

  it('a group that did not finish gives every member its failure, not a guessed split', () => {
    const c = coalesce([spec(echo, 'a'), spec(echo, 'b')]);
    const dropped: ExecOutput = { stdout: '', stderr: 'rig: batched read did not complete', code: 255 };
    expect(c.spread([dropped])).toEqual([dropped, dropped]);
  });

  it("a declared read is one read by its fact and argument: its command text is built only when it runs alone", () => {
    let built = 0;
    const obj: Fact<string, { path: string; follow?: boolean }> = {
      name: 'test.obj',
      command: (a) => (built++, `stat ${a.path}`),
      parse: (out) => out.stdout,
      many: { accepts: () => true, command: (args) => `stat ${args.map((a) => a.path).join(' ')}`, split: (out, args) => args.map(() => out) },
    };
    const root = { become: false, becomeUser: 'root' };
    const a = specOf(read(obj, { path: '/a', follow: true }), root);
    const same = specOf(read(obj, { follow: true, path: '/a' }), root);
    const b = specOf(read(obj, { path: '/b' }), root);
    expect(cacheKey(a)).toBe(cacheKey(same));
    expect(cacheKey(a)).not.toBe(cacheKey(b));
    const c = coalesce([a, b, same]);
    expect(c.commands).toEqual(['stat /a /b']);
    expect(built).toBe(0);
    expect(coalesce([same]).commands).toEqual(['stat /a']);
    expect(built).toBe(1);
  });
});
