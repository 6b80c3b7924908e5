/** zipMember (unarchive-lite used after getUrl): python3 zipfile facts on captured output, sha256-compare plans. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { zipMember, type ZipMemberArg, type ZipMemberState } from '../../../src/facts/zip-member.ts';
import { zipMemberModule, type ZipMemberArgs } from '../../../src/modules/zip-member.ts';
import { absent, planContext, regular } from '../../fixtures/facts/files/plan-context.ts';

interface Capture {
  readonly arg: ZipMemberArg;
  readonly command: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}
const capture = (name: string): Capture => JSON.parse(readFileSync(new URL(`../../fixtures/facts/zip-member/${name}.json`, import.meta.url), 'utf8')) as Capture;
const state = (name: string): ZipMemberState => {
  const c = capture(name);
  return zipMember.parse(c, c.arg);
};
// the member's bytes (README of the fixtures): what the fake consul script is
const script = '#!/bin/sh\n# fake consul for rig tests\nif [ "$1" = version ]; then echo "Consul v1.21.0"; echo "Revision 00000000"; exit 0; fi\nexit 0\n';

// zipMember parse cases are data: test/cases/facts/zip-member.zipMember/*.json
describe('zipMember plan', () => {
  const ctx = planContext();
  const args: ZipMemberArgs = { archive: '/var/cache/rig/consul_1.21.0_linux_amd64.zip', member: 'consul', dest: '/usr/local/bin/consul', mode: '0755' };
  const member = state('member');

  it('args: absolute paths, a file member, octal mode', () => {
    expect(argProblems(zipMemberModule, args)).toEqual([]);
    expect(argProblems(zipMemberModule, { ...args, archive: 'c.zip', member: 'dir/' })).toEqual(['archive: must be an absolute path, got "c.zip"', 'member: must name a file inside the archive, got "dir/"']);
  });
  it.each([
    [{ archive: undefined }, 'archive: expected an absolute path (a string starting with /)'],
    [{ member: '' }, 'member: must name a file inside the archive, got ""'],
    [{ member: 5 }, 'member: expected the name of a file inside the archive, got 5'],
    [{ dest: 'bin/consul' }, 'dest: must be an absolute path, got "bin/consul"'],
    [{ mode: 755 }, "mode: mode must be an octal string, got the number 755: write '0755' (quoted)"],
    [{ group: 'a b' }, 'group: must be a non-empty name or id without spaces or ":"'],
    [{ memebr: 'consul' }, "unknown key 'memebr' (did you mean 'member'?)"],
  ])('%j → %s', (a, message) => {
    const problems = argProblems(zipMemberModule, { ...args, ...a });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('installed binary is that member (sha256) with its mode → no change', () => {
    expect(zipMemberModule.plan(args, { dest: regular(args.dest, script, { mode: '0755' }), member }, ctx).changes).toEqual([]);
  });

  it('mode drift only → chmod, no extraction', () => {
    const p = zipMemberModule.plan(args, { dest: regular(args.dest, script, { mode: '0700' }), member }, ctx);
    expect(p.changes.map((c) => ('command' in c ? c.command : c.kind))).toEqual(['chmod 00755 -- /usr/local/bin/consul']);
  });

  it('other binary or none → one exec: python3 extracts into a temp file beside dest, checks the planned sha256, renames', () => {
    for (const dest of [absent(args.dest), regular(args.dest, 'old consul', { mode: '0755' })]) {
      const p = zipMemberModule.plan(args, { dest, member }, ctx);
      expect(p.changes).toHaveLength(1);
      const c = p.changes[0]!;
      const cmd = c.kind === 'exec' ? c.command : '';
      expect(cmd).toContain('p=/usr/local/bin/consul; d=/usr/local/bin');
      expect(cmd).toMatch(new RegExp(`python3 -c '.*' /var/cache/rig/consul_1.21.0_linux_amd64.zip consul "\\$tmp" ${member.kind === 'member' ? member.sha256 : ''} \\|\\| fail`, 's'));
      // the temp file's mode is set before the member is extracted into it
      expect(cmd.indexOf('chmod 0755 "$tmp"')).toBeLessThan(cmd.indexOf('python3'));
      expect(cmd.indexOf('chmod 0755 "$tmp"')).toBeGreaterThan(0);
      expect(cmd).toContain('mv -f -- "$tmp" "$p"');
      expect(c.description).toBe(`extract consul from ${args.archive} to /usr/local/bin/consul (${script.length} bytes)`);
    }
  });

  it('archive not downloaded yet: check mode predicts the extraction, a real run fails', () => {
    const s = { dest: absent(args.dest), member: state('archive-absent') };
    const predicted = zipMemberModule.plan(args, s, { ...ctx, check: true });
    expect(predicted.changes).toHaveLength(1);
    expect(predicted.msg).toBe(`${args.archive} is not there yet: extraction predicted`);
    expect(zipMemberModule.plan(args, s, ctx).failed).toBe(`${args.archive} does not exist (download it first, e.g. with getUrl)`);
  });

  it('missing member, broken archive, no python3 → plan-time failures naming what to do', () => {
    expect(zipMemberModule.plan(args, { dest: absent(args.dest), member: state('no-member') }, ctx).failed).toBe(`${args.archive} has no member "consul" (it has: consul, LICENSE.txt)`);
    expect(zipMemberModule.plan(args, { dest: absent(args.dest), member: state('not-a-zip') }, ctx).failed).toBe(`cannot read ${args.archive}: BadZipFile: File is not a zip file`);
    expect(zipMemberModule.plan(args, { dest: absent(args.dest), member: state('no-python3') }, ctx).failed).toBe(`python3 is needed on web1 to read ${args.archive} (apt: python3-minimal)`);
  });
});
