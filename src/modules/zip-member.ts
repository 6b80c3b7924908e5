/** zipMember (unarchive-lite): one file extracted from a zip on the host, only when dest's sha256 differs from the member's. */
import { posix } from 'node:path';
import type { ExecChange } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule, type Plan } from '../core/module.ts';
import { sh } from '../core/quote.ts';
import { fileState, type FileState } from '../facts/files.ts';
import { zipMember, type ZipMemberState } from '../facts/zip-member.ts';
import { absPath, strict, z } from '../schema/index.ts';
import { attrChanges, failed, fileAttrsShape, type FilePlan } from './files.ts';
import { destProblem, replaceDestScript } from './get-url.ts';

/** Args schema of `zipMember` (unarchive for one member). */
export const zipMemberArgs = strict({
  ...fileAttrsShape,
  archive: absPath.describe('Absolute path of the .zip on the host (e.g. downloaded by getUrl, which verified its sha256).'),
  member: z
    .string({ error: (iss) => `expected the name of a file inside the archive, got ${JSON.stringify(iss.input) ?? String(iss.input)}` })
    .refine((m) => m !== '' && !m.endsWith('/'), { error: (iss) => `must name a file inside the archive, got ${JSON.stringify(iss.input)}` })
    .describe("Name of the member inside the archive, e.g. 'consul'."),
  dest: absPath.describe('Absolute path of the extracted file; its directory must exist.'),
}).describe("One file extracted from a zip on the host, only when dest's sha256 differs from the member's; replaced atomically.");
/** Arguments of the `zipMember` module. */
export type ZipMemberArgs = z.infer<typeof zipMemberArgs>;

/** Probed state of zipMember. */
export interface ZipMemberModuleState {
  readonly dest: FileState;
  readonly member: ZipMemberState;
}

// python3 zipfile (checks the CRC); refuses bytes other than the ones the plan saw (archive replaced meanwhile)
const EXTRACT = `import hashlib, sys, zipfile
a, m, out, want = sys.argv[1:5]
h = hashlib.sha256()
with zipfile.ZipFile(a) as z, z.open(m) as src, open(out, 'wb') as dst:
    for b in iter(lambda: src.read(1 << 20), b''):
        h.update(b)
        dst.write(b)
if h.hexdigest() != want:
    sys.exit('rig: %s in %s has sha256:%s, expected sha256:%s (archive replaced since it was read?)' % (m, a, h.hexdigest(), want))
`;

function memberProblem(a: ZipMemberArgs, m: ZipMemberState, host: string): string | undefined {
  switch (m.kind) {
    case 'no-python3':
      return `python3 is needed on ${host} to read ${a.archive} (apt: python3-minimal)`;
    case 'no-member':
      return `${a.archive} has no member ${JSON.stringify(a.member)} (it has: ${m.names.join(', ') || 'nothing'})`;
    case 'error':
      return `cannot read ${a.archive}: ${m.message}`;
    default:
      return undefined;
  }
}

function plan(a: ZipMemberArgs, s: ZipMemberModuleState, host: string, check: boolean): FilePlan {
  const m = s.member;
  const problem = memberProblem(a, m, host) ?? destProblem(a.dest, s.dest);
  if (problem) return failed(problem);
  if (m.kind === 'archive-absent') {
    // an earlier task downloads it in a real run; check mode can only predict the extraction
    if (!check) return failed(`${a.archive} does not exist (download it first, e.g. with getUrl)`);
    const never: ExecChange = { kind: 'exec', command: sh`echo ${`rig: ${a.archive} does not exist`} >&2; exit 1`.text, description: `extract ${a.member} from ${a.archive} to ${a.dest}` };
    return { changes: [never], msg: `${a.archive} is not there yet: extraction predicted` };
  }
  if (m.kind !== 'member') return failed(`cannot read ${a.archive}`);
  if (s.dest.exists && s.dest.type === 'file' && s.dest.sha256 === m.sha256) {
    const changes = attrChanges(a.dest, a, s.dest);
    return changes.length ? { changes, msg: 'attributes changed' } : { changes: [], msg: `${a.dest} is ${a.member} of ${posix.basename(a.archive)}` };
  }
  const extract = sh`python3 -c ${EXTRACT} ${a.archive} ${a.member} "$tmp" ${m.sha256} || fail ${`cannot extract ${a.member} from ${a.archive}`}`;
  const change: ExecChange = {
    kind: 'exec',
    command: replaceDestScript(a.dest, a, [extract]),
    description: `extract ${a.member} from ${a.archive} to ${a.dest} (${m.size} bytes)`,
  };
  const was = !s.dest.exists ? 'missing' : s.dest.type === 'link' ? 'a symlink' : `sha256:${s.dest.sha256}`;
  return { changes: [change], msg: `${a.dest} was ${was}, ${a.member} has sha256:${m.sha256}` };
}

/** `zipMember`: dest holds exactly the bytes of `member` in the zip `archive` (sha256 compare), replaced atomically. */
export const zipMemberModule = defineModule<ZipMemberArgs, ZipMemberModuleState, undefined>({
  name: 'zipMember',
  args: zipMemberArgs,
  probe: (a) => ({ dest: read(fileState, { path: a.dest }), member: read(zipMember, { archive: a.archive, member: a.member }) }),
  plan: (a, s, ctx): Plan<undefined> => plan(a, s, ctx.host.name, ctx.check),
});
