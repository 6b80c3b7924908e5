/** get_url: a file downloaded on the host, verified against a required sha256, replaced atomically. */
import type { ExecChange } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule, type Plan } from '../core/module.ts';
import { raw, sh, type ShellFragment } from '../core/quote.ts';
import { replaceFileScript } from '../core/replace-file.ts';
import type { FileState } from '../facts/files.ts';
import { fileState } from '../facts/files.ts';
import { downloadTool, type DownloadTool } from '../facts/get-url.ts';
import { absPath, strict, z } from '../schema/index.ts';
import { attrChanges, failed, fileAttrsShape, normalizeMode, type FileAttrs, type FilePlan } from './files.ts';

const CHECKSUM = /^sha256:([0-9a-fA-F]{64})$/;
const REQUIRED = "is required ('sha256:<64 hex digits>'): a download that cannot be verified is neither idempotent nor safe";
const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : (JSON.stringify(v) ?? String(v)));

/** Args schema of `getUrl` (Ansible's get_url, checksum mandatory). */
export const getUrlArgs = strict({
  ...fileAttrsShape,
  url: z
    .string({ error: (iss) => `expected an http:// or https:// URL as a string, got ${show(iss.input)}` })
    .regex(/^https?:\/\/[^\s/]+\S*$/, { error: (iss) => `must be an http:// or https:// URL without spaces, got ${show(iss.input)}` })
    .describe('http:// or https:// URL, fetched by the host itself (curl, else wget).'),
  dest: absPath
    .refine((d) => !d.endsWith('/'), { error: (iss) => `must be a file path, not a directory (${String(iss.input)}): add the file name` })
    .describe('Absolute path of the file on the host; its directory must exist. A symlink there is replaced by the file.'),
  checksum: z
    .string({ error: (iss) => (iss.input === undefined ? REQUIRED : `expected 'sha256:<64 hex digits>' as a string, got ${show(iss.input)}`) })
    .min(1, { error: REQUIRED, abort: true })
    .regex(CHECKSUM, { error: (iss) => `must be 'sha256:<64 hex digits>', got ${show(iss.input)}` })
    .describe("'sha256:<64 hex digits>'. Required: a download that cannot be verified is neither idempotent nor safe."),
  timeoutSec: z
    .number({ error: (iss) => `expected a whole number of seconds > 0, got ${show(iss.input)}` })
    .int({ error: (iss) => `must be a whole number of seconds > 0, got ${String(iss.input)}`, abort: true })
    .positive({ error: (iss) => `must be a whole number of seconds > 0, got ${String(iss.input)}` })
    .optional()
    .describe('Seconds the whole download may take. Default 600.'),
}).describe('A file downloaded on the host, verified against a required sha256, replaced atomically (get_url).');
/** Arguments of the `getUrl` module. */
export type GetUrlArgs = z.infer<typeof getUrlArgs>;

/** Probed state of getUrl. */
export interface GetUrlState {
  readonly dest: FileState;
  readonly tool: DownloadTool;
}

/** The lower-case hex digest of a 'sha256:<hex>' checksum, or undefined when it is not one. */
export function sha256Of(checksum: unknown): string | undefined {
  const m = typeof checksum === 'string' ? CHECKSUM.exec(checksum) : null;
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Why an existing `dest` cannot be compared or replaced by a file (directory, special file, unreadable), if so. */
export function destProblem(dest: string, s: FileState): string | undefined {
  if (!s.exists) return undefined;
  if (s.type === 'directory') return `${dest} is a directory; give the full path of the file`;
  if (s.type === 'other') return `${dest} is a special file (device, fifo or socket); refusing to replace it`;
  if (s.type === 'file' && s.sha256 === undefined) return `cannot read ${dest} to compare it (permission denied): run the task with become: true`;
  return undefined;
}

/** The atomic replace of dest (core/replace-file.ts) filled by `produce`, with dest's owner/mode. */
export function replaceDestScript(dest: string, attrs: FileAttrs, produce: readonly ShellFragment[]): string {
  const { owner, group } = attrs;
  return replaceFileScript(dest, { mode: normalizeMode(attrs.mode), owner, group }, produce.map((f) => f.text));
}

/** The shell lines that download `url` into "$tmp" with `tool` and refuse anything but sha256 `want`. */
export function downloadLines(url: string, want: string, tool: 'curl' | 'wget', timeoutSec: number): ShellFragment[] {
  const fetch =
    tool === 'curl'
      ? sh`curl -fsSL --retry 3 --connect-timeout 30 --max-time ${timeoutSec} -o "$tmp" -- "$url" || fail "download of $url failed (curl exit $?)"`
      : // wget's -T bounds each read only: coreutils' timeout bounds the whole transfer like curl's --max-time
        sh`timeout ${timeoutSec} wget -q -t 3 -T 30 -O "$tmp" -- "$url" || fail "download of $url failed (wget exit $?)"`;
  return [
    sh`url=${url}; want=${want}`,
    fetch,
    raw(`h=$(sha256sum < "$tmp") || fail "cannot hash $tmp"; h=\${h%% *}`),
    raw(`[ "$h" = "$want" ] || fail "checksum mismatch for $url: expected sha256:$want, got sha256:$h ($p left untouched)"`),
  ];
}

function plan(a: GetUrlArgs, s: GetUrlState, host: string): FilePlan {
  const want = sha256Of(a.checksum) ?? '';
  const problem = destProblem(a.dest, s.dest);
  if (problem) return failed(problem);
  // already there with that checksum: only owner/group/mode may still differ
  if (s.dest.exists && s.dest.type === 'file' && s.dest.sha256 === want) {
    const changes = attrChanges(a.dest, a, s.dest);
    return changes.length ? { changes, msg: 'attributes changed' } : { changes: [], msg: `sha256 matches (${a.dest})` };
  }
  if (s.tool === 'none') return failed(`cannot download ${a.url}: neither curl nor wget is installed on ${host} (install curl)`);
  const why = !s.dest.exists ? 'missing' : s.dest.type === 'link' ? 'a symlink' : `sha256:${s.dest.exists && s.dest.sha256}`;
  const change: ExecChange = {
    kind: 'exec',
    command: replaceDestScript(a.dest, a, downloadLines(a.url, want, s.tool, a.timeoutSec ?? 600)),
    description: `download ${a.url} to ${a.dest} (${s.tool}, sha256:${want.slice(0, 12)}…)`,
  };
  return { changes: [change], msg: `${a.dest} was ${why}, want sha256:${want}` };
}

/** `getUrl`: dest holds the bytes at `url` whose sha256 is `checksum`; downloaded only when dest differs. */
export const getUrlModule = defineModule<GetUrlArgs, GetUrlState, undefined>({
  name: 'getUrl',
  args: getUrlArgs,
  probe: (a) => ({ dest: read(fileState, { path: a.dest }), tool: read(downloadTool, undefined) }),
  plan: (a, s, ctx): Plan<undefined> => plan(a, s, ctx.host.name),
});
