/** getUrl: required sha256, plans from captured facts (downloader on PATH, dest state), the download script's shape. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import { readCommand } from '../../../src/core/fact.ts';
import { downloadTool, type DownloadTool } from '../../../src/facts/get-url.ts';
import { getUrlModule, sha256Of, type GetUrlArgs } from '../../../src/modules/get-url.ts';
import { getUrl } from '../../../src/index.ts';
import { absent, directory, planContext, regular, symlink } from '../../fixtures/facts/files/plan-context.ts';

interface Capture {
  readonly command: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}
const capture = (name: string): Capture => JSON.parse(readFileSync(new URL(`../../fixtures/facts/get-url/${name}.json`, import.meta.url), 'utf8')) as Capture;
const tool = (name: 'curl' | 'wget' | 'none'): DownloadTool => downloadTool.parse(capture(`tool-${name}`), undefined);

const ctx = planContext();
const body = 'consul zip bytes\n';
const hex = regular('/x', body).sha256!;
const args: GetUrlArgs = { url: 'https://releases.example.org/consul_1.21.0_linux_amd64.zip', dest: '/var/cache/rig/consul.zip', checksum: `sha256:${hex}`, mode: '0644' };
const execs = (p: { changes: readonly { kind: string }[] }) => p.changes.map((c) => ('command' in c ? (c as { command: string }).command : c.kind));

// downloadTool parse cases are data: test/cases/facts/get-url.downloadTool/*.json
describe('getUrl args', () => {
  const v = (a: Record<string, unknown>) => argProblems(getUrlModule, { ...args, ...a });
  it('refuses a download without a checksum', () => {
    const { checksum: _, ...noSum } = args;
    const required = "checksum: is required ('sha256:<64 hex digits>'): a download that cannot be verified is neither idempotent nor safe";
    expect(argProblems(getUrlModule, noSum)).toEqual([required]);
    expect(v({ checksum: '' })).toEqual([required]);
  });
  it('only sha256 with 64 hex digits; upper case is normalized', () => {
    expect(v({ checksum: `md5:${'a'.repeat(32)}` })).toEqual([`checksum: must be 'sha256:<64 hex digits>', got "md5:${'a'.repeat(32)}"`]);
    expect(v({ checksum: hex })[0]).toMatch(/^checksum: must be 'sha256:/);
    expect(v({ checksum: `sha256:${hex.toUpperCase()}` })).toEqual([]);
    expect(sha256Of(`sha256:${hex.toUpperCase()}`)).toBe(hex);
  });
  it('valid: http(s) URL, absolute file dest, octal mode, owner, timeout', () => {
    expect(v({})).toEqual([]);
    expect(v({ url: 'http://10.0.0.1:8080/a.zip?x=1', owner: 'root', group: '0', timeoutSec: 90 })).toEqual([]);
  });
  it.each([
    [{ url: 'ftp://x/y' }, 'url: must be an http:// or https:// URL without spaces, got "ftp://x/y"'],
    [{ url: 'https://x/a b' }, 'url: must be an http:// or https:// URL without spaces'],
    [{ url: 'https:///path' }, 'url: must be an http:// or https:// URL'],
    [{ url: new URL('https://x/y') }, 'url: expected an http:// or https:// URL as a string, got "https://x/y"'],
    [{ dest: 'consul.zip' }, 'dest: must be an absolute path, got "consul.zip"'],
    [{ dest: '/var/cache/' }, 'dest: must be a file path, not a directory (/var/cache/): add the file name'],
    [{ dest: undefined }, 'dest: expected an absolute path (a string starting with /)'],
    [{ checksum: 42 }, "checksum: expected 'sha256:<64 hex digits>' as a string, got 42"],
    [{ checksum: `sha256:${hex}0` }, "checksum: must be 'sha256:<64 hex digits>'"],
    [{ mode: 'u+x' }, `mode: mode must be an octal string like '0644', got "u+x"`],
    [{ mode: 755 }, "mode: mode must be an octal string, got the number 755: write '0755' (quoted)"],
    [{ owner: '' }, 'owner: must be a non-empty name or id without spaces or ":"'],
    [{ timeoutSec: 0 }, 'timeoutSec: must be a whole number of seconds > 0, got 0'],
    [{ timeoutSec: -5 }, 'timeoutSec: must be a whole number of seconds > 0, got -5'],
    [{ timeoutSec: 1.5 }, 'timeoutSec: must be a whole number of seconds > 0, got 1.5'],
    [{ timeoutSec: '60' }, 'timeoutSec: expected a whole number of seconds > 0, got "60"'],
    [{ sha256: hex }, "unknown key 'sha256'"],
    [{ timeoutSecs: 60 }, "unknown key 'timeoutSecs' (did you mean 'timeoutSec'?)"],
    [{ timeout: 60 }, "unknown key 'timeout'; known keys: mode, owner, group, url, dest, checksum, timeoutSec"],
  ])('%j → %s', (a, message) => {
    const problems = v(a);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
  it('the factory is exported from the package entry', () => {
    expect(getUrl(args).module).toBe(getUrlModule);
  });
});

describe('getUrl probe', () => {
  it('dest stat + sha256 (no content, no follow) and the downloader, one read each', () => {
    const r = getUrlModule.probe(args, ctx);
    expect(r.dest.arg).toEqual({ path: args.dest });
    expect(readCommand(r.tool)).toBe(capture('tool-curl').command);
  });
});

describe('getUrl plan', () => {
  it('converged: dest has that sha256 and mode → no change', () => {
    const p = getUrlModule.plan(args, { dest: regular(args.dest, body), tool: tool('curl') }, ctx);
    expect(p.changes).toEqual([]);
    expect(p.msg).toBe('sha256 matches (/var/cache/rig/consul.zip)');
  });

  it('converged bytes, wrong mode/owner → chmod/chown only, no download (even without a downloader)', () => {
    const p = getUrlModule.plan({ ...args, owner: 'root' }, { dest: regular(args.dest, body, { mode: '0600', owner: 'www', uid: 33 }), tool: tool('none') }, ctx);
    expect(execs(p)).toEqual(['chown root -- /var/cache/rig/consul.zip', 'chmod 00644 -- /var/cache/rig/consul.zip']);
  });

  it('missing dest → one exec: curl into a temp file in dest dir, sha256 check, attributes, rename', () => {
    const p = getUrlModule.plan(args, { dest: absent(args.dest), tool: tool('curl') }, ctx);
    expect(p.changes).toHaveLength(1);
    const cmd = execs(p)[0]!;
    expect(cmd).toContain('p=/var/cache/rig/consul.zip; d=/var/cache/rig');
    expect(cmd).toContain(`url=https://releases.example.org/consul_1.21.0_linux_amd64.zip; want=${hex}`);
    expect(cmd).toContain('tmp=$(mktemp "$d/.rig-XXXXXX")');
    expect(cmd).toContain(`trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT`);
    expect(cmd).toMatch(/curl -fsSL --retry 3 --connect-timeout 30 --max-time 600 -o "\$tmp" -- "\$url"/);
    expect(cmd).toContain('checksum mismatch for $url: expected sha256:$want, got sha256:$h ($p left untouched)');
    // the temp file's mode set before anything is downloaded into it; verified before the rename, the only line
    // touching dest
    const order = ['chmod 0644 "$tmp"', 'curl', 'sha256sum', 'mv -f -- "$tmp" "$p"'].map((s) => cmd.indexOf(s));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
    // dest is only ever the target of the rename (read for its owner/mode otherwise)
    expect(cmd.match(/"\$p"/g)?.length).toBe(cmd.match(/--reference="\$p"|-[ed] "\$p"|"\$tmp" "\$p"/g)?.length);
    expect(p.msg).toBe(`/var/cache/rig/consul.zip was missing, want sha256:${hex}`);
  });

  it('different bytes → the same single download exec; the message names both hashes', () => {
    const old = regular(args.dest, 'older release\n');
    const p = getUrlModule.plan(args, { dest: old, tool: tool('curl') }, ctx);
    expect(p.changes.map((c) => c.kind)).toEqual(['exec']);
    expect(p.msg).toBe(`/var/cache/rig/consul.zip was sha256:${old.sha256}, want sha256:${hex}`);
  });

  it('a symlink at dest is replaced by the file', () => {
    expect(getUrlModule.plan(args, { dest: symlink(args.dest, '/tmp/elsewhere'), tool: tool('curl') }, ctx).msg).toMatch(/was a symlink/);
  });

  it('wget when curl is missing, bounded by timeout(1); no mode given keeps the old mode', () => {
    const { mode: _, ...noMode } = args;
    const cmd = execs(getUrlModule.plan({ ...noMode, timeoutSec: 90 }, { dest: absent(args.dest), tool: tool('wget') }, ctx))[0]!;
    expect(cmd).toContain('timeout 90 wget -q -t 3 -T 30 -O "$tmp" -- "$url"');
    expect(cmd).not.toContain('curl');
    expect(cmd).toContain('chmod --reference="$p" "$tmp"');
  });

  it('neither curl nor wget → plan-time failure naming the host, nothing applied', () => {
    expect(getUrlModule.plan(args, { dest: absent(args.dest), tool: tool('none') }, ctx)).toEqual({
      changes: [],
      failed: `cannot download ${args.url}: neither curl nor wget is installed on web1 (install curl)`,
    });
  });

  it('a directory or an unreadable file at dest is refused', () => {
    expect(getUrlModule.plan(args, { dest: directory(args.dest), tool: tool('curl') }, ctx).failed).toMatch(/is a directory/);
    const unreadable = { ...regular(args.dest, body), sha256: undefined, unreadable: true };
    expect(getUrlModule.plan(args, { dest: unreadable, tool: tool('curl') }, ctx).failed).toMatch(/become: true/);
  });

  it('the URL is quoted as one shell word', () => {
    const cmd = execs(getUrlModule.plan({ ...args, url: "https://x.example/a?b=1&c='2'" }, { dest: absent(args.dest), tool: tool('curl') }, ctx))[0]!;
    expect(cmd).toContain(`url='https://x.example/a?b=1&c='\\''2'\\'''`);
  });
});
