import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reporter } from '../../../src/core/result.ts';
import { JsonReporter, MultiReporter, PlainReporter, RecordingReporter } from '../../../src/reporters/index.ts';
import { checkRun, realRun, StringStream } from './fixture-run.ts';

describe('RecordingReporter', () => {
  it('records every event in order', () => {
    const r = new RecordingReporter();
    const summary = realRun(r);
    r.onRunEnd(summary);
    expect(r.trace()).toEqual([
      'run [web1,web2,db1]',
      'play web servers',
      'task install nginx [web1,web2,db1]',
      'log web1: exec: apt-get install -y nginx',
      '  web1: changed',
      '  web2: ok',
      'unreachable db1: ssh: connect to host 10.0.0.3 port 22: Connection refused',
      '  db1: unreachable',
      'task write nginx.conf [web1,web2]',
      '  web1: changed',
      '  web2: failed',
      'task check port 80 [web1,web2]',
      '  web1: skipped',
      '  web2: failed',
      'handler restart nginx [web1]',
      '  web1: changed',
      'play tuning',
      'task set vm.swappiness [web1]',
      '  web1: ok',
      'task write api token [web1]',
      '  web1: changed',
      'end exit=2',
    ]);
    expect(r.results()).toEqual(summary.results);
    expect(r.summary()).toBe(summary);
  });

  it('statuses per host show predictions', () => {
    const r = new RecordingReporter();
    checkRun(r);
    expect(r.statuses('web1')).toEqual([
      'install nginx → changed (predicted)',
      'write nginx.conf → changed (predicted)',
      'check port 80 → changed (predicted)',
      'restart nginx → changed (predicted)',
    ]);
    expect(r.statuses('web2')).toEqual(['install nginx → ok', 'write nginx.conf → ok', 'check port 80 → skipped']);
  });
});

describe('MultiReporter', () => {
  it('fans every event out: plain output, JSON file and recording agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rig-multi-'));
    try {
      const out = new StringStream();
      const rec = new RecordingReporter();
      const file = join(dir, 'run.json');
      const multi = new MultiReporter([new PlainReporter({ out, verbosity: 0, diff: false, color: false }), new JsonReporter({ file }), rec]);
      await multi.onRunEnd(realRun(multi));
      expect(out.text).toContain('fatal: [web2]: FAILED! => non-zero return code');
      expect(JSON.parse(readFileSync(file, 'utf8')).plays).toHaveLength(2);
      expect(rec.events).toHaveLength(22);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a throwing reporter does not starve the others; its error is rethrown', async () => {
    const rec = new RecordingReporter();
    const broken: Reporter = {
      onPlayStart() {
        throw new Error('broken reporter');
      },
      async onRunEnd() {
        throw new Error('broken end');
      },
    };
    const multi = new MultiReporter([broken, rec]);
    expect(() => multi.onPlayStart({ name: 'p', hosts: [], check: false })).toThrow('broken reporter');
    await expect(multi.onRunEnd({ recap: {}, results: [], exitCode: 0, durationMs: 0, check: false })).rejects.toThrow('broken end');
    expect(rec.trace()).toEqual(['play p', 'end exit=0']);
  });
});
