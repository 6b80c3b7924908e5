/** The batch script really runs under sh and its framing survives hostile output. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildBatch } from '../../../src/runner/batch.ts';
import { serialBatches } from '../../../src/runner/serial.ts';
import { selectedByTags } from '../../../src/runner/tags.ts';

const runSh = (script: string, env?: NodeJS.ProcessEnv) => {
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env });
  return { stdout: r.stdout, stderr: r.stderr };
};

describe('buildBatch', () => {
  it('keeps each command’s stdout, stderr and exit code apart, byte-exact', () => {
    const b = buildBatch([
      "printf 'no newline'",
      "printf 'a\\n\\nb\\n'; echo err >&2; exit 7",
      'exit 0',
      "printf '@@rig-fake:0:rc@@\\n'",
      'cd /; exit 3',
      'pwd',
      'cat # reads nothing: stdin is closed',
    ]);
    const out = b.parse(runSh(b.script));
    expect(out).toEqual([
      { stdout: 'no newline', stderr: '', code: 0 },
      { stdout: 'a\n\nb\n', stderr: 'err\n', code: 7 },
      { stdout: '', stderr: '', code: 0 },
      { stdout: '@@rig-fake:0:rc@@\n', stderr: '', code: 0 },
      { stdout: '', stderr: '', code: 3 },
      { stdout: `${process.cwd()}\n`, stderr: '', code: 0 },
      { stdout: '', stderr: '', code: 0 },
    ]);
  });

  it('many commands in order (each found after the one before): outputs, stderr and codes stay with their command', () => {
    const n = 300;
    const cmds = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `echo out${i}; echo err${i} >&2; exit ${i % 7}` : i % 3 === 1 ? `printf 'x%.0s' $(seq ${(i % 50) + 1})` : `echo only-err${i} >&2`));
    const b = buildBatch(cmds);
    const out = b.parse(runSh(b.script));
    expect(out).toHaveLength(n);
    out.forEach((o, i) => {
      if (i % 3 === 0) expect(o).toEqual({ stdout: `out${i}\n`, stderr: `err${i}\n`, code: i % 7 });
      else if (i % 3 === 1) expect(o).toEqual({ stdout: 'x'.repeat((i % 50) + 1), stderr: '', code: 0 });
      else expect(o).toEqual({ stdout: '', stderr: `only-err${i}\n`, code: 0 });
    });
  });

  it('reports reads cut off by a dropped connection instead of inventing output', () => {
    const b = buildBatch(['echo one', 'echo two']);
    const full = runSh(b.script);
    const cut = { stdout: full.stdout.slice(0, full.stdout.indexOf('two')), stderr: full.stderr };
    expect(b.parse(cut)[0]).toEqual({ stdout: 'one\n', stderr: '', code: 0 });
    expect(b.parse(cut)[1]!.code).toBe(255);
  });

  it('frames stderr on the stream itself: no newline, many lines, fake marks, and output from outside any frame', () => {
    const b = buildBatch(["printf 'x' >&2", "printf 'e1\\ne2\\n' >&2; echo o", "printf '@@rig-fake:2:eend@@\\n' >&2", 'true']);
    const out = runSh(`echo 'login banner' >&2\n${b.script}`);
    expect(b.parse(out)).toEqual([
      { stdout: '', stderr: 'x', code: 0 },
      { stdout: 'o\n', stderr: 'e1\ne2\n', code: 0 },
      { stdout: '', stderr: '@@rig-fake:2:eend@@\n', code: 0 },
      { stdout: '', stderr: '', code: 0 },
    ]);
    // a transport that lost stderr still yields stdout and exit codes
    expect(b.parse({ stdout: out.stdout, stderr: '' })[1]).toEqual({ stdout: 'o\n', stderr: '', code: 0 });
  });

  it('starts no helper process: it runs with an empty PATH (no mktemp, cat or rm per exec)', () => {
    const b = buildBatch(['echo hi', 'echo oops >&2; exit 4']);
    const out = runSh(b.script, { PATH: '' });
    expect(b.parse(out)).toEqual([
      { stdout: 'hi\n', stderr: '', code: 0 },
      { stdout: '', stderr: 'oops\n', code: 4 },
    ]);
    expect(out.stderr).not.toMatch(/not found/);
  });
});

describe('buildBatch with changes (a segment)', () => {
  const runIn = (script: string, input: string) => {
    const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', input });
    return { stdout: r.stdout, stderr: r.stderr, code: r.status };
  };

  it('changes share stdin in order, each taking its bytes; reads after them get none', () => {
    const b = buildBatch(['head -c 3', 'head -c 0; echo -', 'head -c 4', 'cat'], { changes: 3 });
    const out = runIn(b.script, 'abcdefg-rest');
    expect(b.parse(out).map((o) => o.stdout)).toEqual(['abc', '-\n', 'defg', '']);
  });

  it('the first failing change ends the exec: later changes and the reads do not run', () => {
    const b = buildBatch(['echo one', 'echo two >&2; exit 3', 'echo three', 'echo read'], { changes: 3 });
    const raw = runIn(b.script, '');
    expect(raw.code).toBe(3);
    const out = b.parse(raw);
    expect(out.slice(0, 2)).toEqual([
      { stdout: 'one\n', stderr: '', code: 0 },
      { stdout: '', stderr: 'two\n', code: 3 },
    ]);
    expect(raw.stdout).not.toContain('three');
    expect(raw.stdout).not.toContain('read');
    expect(out[2]!.code).toBe(255);
  });

  it('a change that exits from inside its frame fails only its frame', () => {
    const b = buildBatch(['exit 0', 'x=1; exit 5', 'echo unreached'], { changes: 2 });
    const out = b.parse(runIn(b.script, ''));
    expect(out.map((o) => o.code)).toEqual([0, 5, 255]);
  });
});

describe('serialBatches', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e'];
  it('numbers, percentages and growing lists, like Ansible', () => {
    expect(serialBatches(hosts, undefined)).toEqual([hosts]);
    expect(serialBatches(hosts, 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(serialBatches(hosts, '40%')).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(serialBatches(hosts, '10%')).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
    expect(serialBatches(hosts, [1, 2])).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });
});

describe('selectedByTags', () => {
  it('follows Ansible: always, never, tagged, untagged', () => {
    expect(selectedByTags(['web'], ['web'])).toBe(true);
    expect(selectedByTags(['db'], ['web'])).toBe(false);
    expect(selectedByTags(['always'], ['web'])).toBe(true);
    expect(selectedByTags(['always'], ['web'], ['always'])).toBe(false);
    expect(selectedByTags(['never', 'debug'], undefined)).toBe(false);
    expect(selectedByTags(['never', 'debug'], ['debug'])).toBe(true);
    expect(selectedByTags([], ['untagged'])).toBe(true);
    expect(selectedByTags(['x'], ['tagged'])).toBe(true);
  });
});
