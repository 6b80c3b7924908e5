/** Zip facts: the sha256 of one member of a zip archive on the host, read with python3's zipfile (no extraction). */
import type { Fact } from '../core/fact.ts';
import { sh } from '../core/quote.ts';

/** Argument of `zipMember`. */
export interface ZipMemberArg {
  /** Absolute path of the .zip on the host. */
  readonly archive: string;
  /** Member name inside the archive, e.g. 'consul'. */
  readonly member: string;
}

/** What the host reports about one archive member. */
export type ZipMemberState =
  | { readonly kind: 'member'; readonly sha256: string; readonly size: number }
  | { readonly kind: 'archive-absent' }
  | { readonly kind: 'no-member'; readonly names: readonly string[] }
  | { readonly kind: 'no-python3' }
  | { readonly kind: 'error'; readonly message: string };

// Streams the member through sha256 (the CRC is checked by zipfile at the end); always exits 0, one line of output.
const PROBE = `import hashlib, json, sys, zipfile
a, m = sys.argv[1], sys.argv[2]
def err(e):
    print('error', type(e).__name__ + ': ' + str(e).replace('\\n', ' '))
    sys.exit(0)
try:
    z = zipfile.ZipFile(a)
except FileNotFoundError:
    print('absent')
    sys.exit(0)
except Exception as e:
    err(e)
with z:
    try:
        i = z.getinfo(m)
    except KeyError:
        print('no-member', json.dumps(z.namelist()[:20]))
        sys.exit(0)
    h = hashlib.sha256()
    try:
        with z.open(i) as f:
            for b in iter(lambda: f.read(1 << 20), b''):
                h.update(b)
    except Exception as e:
        err(e)
    print('member', h.hexdigest(), i.file_size)
`;

function parse(out: { readonly stdout: string; readonly stderr: string }, arg: ZipMemberArg): ZipMemberState {
  const line = out.stdout.trim();
  if (line === 'absent') return { kind: 'archive-absent' };
  if (line === 'no-python3') return { kind: 'no-python3' };
  const m = /^member ([0-9a-f]{64}) (\d+)$/.exec(line);
  if (m) return { kind: 'member', sha256: m[1]!, size: Number(m[2]) };
  if (line.startsWith('no-member ')) return { kind: 'no-member', names: (JSON.parse(line.slice(10)) as unknown[]).map(String) };
  if (line.startsWith('error ')) return { kind: 'error', message: line.slice(6) };
  throw new Error(`zip.member ${arg.archive}: unexpected output ${JSON.stringify(out.stdout.slice(0, 200))} ${out.stderr.slice(0, 300)}`);
}

/** sha256 and size of `member` inside `archive` (python3 zipfile), or why it cannot be read. */
export const zipMember: Fact<ZipMemberState, ZipMemberArg> = {
  name: 'zip.member',
  paths: (arg) => [arg.archive],
  command: (arg) => sh`if command -v python3 >/dev/null 2>&1; then python3 -c ${PROBE} ${arg.archive} ${arg.member}; else echo no-python3; fi`.text,
  parse,
};
