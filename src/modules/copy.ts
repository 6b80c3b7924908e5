/** copy: a file with given content (inline or a controller file), plus the write planning copy/template/lineinfile/blockinfile share. */
import { createHash } from 'node:crypto';
import type { Change, WriteChange } from '../core/change.ts';
import { read, type Read } from '../core/fact.ts';
import { defineModule, type Diff } from '../core/module.ts';
import { fileState, type FileState } from '../facts/files.ts';
import { absPath, strict, z } from '../schema/index.ts';
import { attrChanges, failed, fileAttrsShape, normalizeMode, parentOf, type FilePlan } from './files.ts';

/** Options every content-writing module accepts besides the path: mode, owner, group, backup, validate. */
export const writeOptionsShape = {
  ...fileAttrsShape,
  backup: z.boolean().optional().describe('Keep a timestamped copy of the previous file on the host. Default false.'),
  validate: z
    .string()
    .refine((v) => v.includes('%s'), { error: (iss) => `must contain %s (the temp file to check), got ${JSON.stringify(iss.input)}` })
    .optional()
    .describe("Command run on the new content before it replaces the file; %s is the temp file, e.g. 'nginx -t -c %s'."),
};

/** Options every content-writing module accepts besides the path. */
export type WriteOptions = z.infer<z.ZodObject<typeof writeOptionsShape>>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text when they are UTF-8 without NUL bytes (diffable), else undefined. */
export function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Hex sha256 of bytes or UTF-8 text. */
export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/**
 * Plan writing `content` to `dest` given its probed state: a WriteChange when the bytes differ (with a diff when both
 * sides are text), chmod/chown execs when only attributes drift, nothing when converged.
 */
export function planWrite(dest: string, content: string | Uint8Array, state: FileState, o: WriteOptions): FilePlan {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  if (state.exists) {
    if (state.type === 'directory') return failed(`${dest} is a directory; give the full path of the file to write`);
    if (state.type === 'other') return failed(`${dest} is a special file (device, fifo or socket); refusing to replace it`);
    if (state.type === 'file' && state.sha256 === undefined)
      return failed(`cannot read ${dest} to compare it (permission denied): run the task with become: true`);
    // same bytes: only owner/group/mode may still differ
    if (state.type === 'file' && state.sha256 === sha256(bytes)) {
      const changes = attrChanges(dest, o, state);
      return changes.length ? { changes, msg: 'attributes changed' } : { changes: [] };
    }
  }
  const mode = normalizeMode(o.mode);
  const write: WriteChange = {
    kind: 'write',
    path: dest,
    content,
    ...(mode !== undefined ? { mode } : {}),
    ...(o.owner !== undefined ? { owner: o.owner } : {}),
    ...(o.group !== undefined ? { group: o.group } : {}),
    ...(o.backup ? { backup: true } : {}),
    ...(o.validate !== undefined ? { validate: o.validate } : {}),
    description: `${state.exists ? (state.type === 'link' ? 'replace link' : 'update') : 'create'} ${dest} (${bytes.length} bytes)`,
  };
  const changes: Change[] = [write];
  const diff = contentDiff(dest, state, bytes);
  // content is probed only under --diff; when it was asked for and is missing, say why there is no diff
  const noDiff = state.exists && state.type === 'file' && state.contentOmitted !== undefined;
  const msg = !state.exists ? 'file created' : !diff && noDiff ? 'content changed (no text diff: binary or over 1 MiB)' : 'content changed';
  return { changes, msg, ...(diff ? { diff: [diff] } : {}) };
}

function contentDiff(path: string, state: FileState, after: Uint8Array): Diff | undefined {
  const afterText = asText(after);
  if (afterText === undefined) return undefined;
  if (!state.exists || state.type === 'link') return { path, before: '', after: afterText };
  const before = state.content && asText(state.content);
  return before === undefined ? undefined : { path, before, after: afterText };
}

/** Args schema of `copy`: dest, content or src, and the write options. */
export const copyArgs = strict({
  ...writeOptionsShape,
  dest: absPath.describe("Absolute path of the file on the host. A symlink there is replaced by the file (Ansible's follow=no)."),
  content: z.string().optional().describe('Inline content (UTF-8). Exactly one of content and src.'),
  src: z.string().min(1).optional().describe("Controller file to upload, relative to files/ beside the declaring file (or absolute)."),
}).describe('A file with exactly this content (inline or a controller file), written atomically.');
/** Arguments of the `copy` module. */
export type CopyArgs = z.infer<typeof copyArgs>;

/** Probed state of copy/template. */
export interface CopyState {
  readonly dest: FileState;
  /** Only in check mode: the directory dest is written in (check mode predicts a write into a missing one as failing). */
  readonly parent?: FileState;
}

/** In check mode, the read of the directory a file is written in (it rides in the same exec as the other reads). */
export function parentRead(path: string, ctx: { readonly check: boolean }): { parent?: Read<FileState> } {
  return ctx.check ? { parent: read(fileState, { path: parentOf(path), follow: true }) } : {};
}

/**
 * `copy`: dest holds exactly these bytes (sha256 compare), written atomically by the runner.
 * The existing file's content (≤ 1 MiB) is probed only under `--diff`: the comparison itself needs its sha256 alone.
 */
export const copyModule = defineModule<CopyArgs, CopyState, undefined>({
  name: 'copy',
  args: copyArgs,
  validate: (a) => ((a.content === undefined) === (a.src === undefined) ? ['give exactly one of content and src'] : []),
  localFiles: (a) => (a.src !== undefined ? [a.src] : []),
  probe: (a, ctx) => ({ dest: read(fileState, { path: a.dest, content: ctx.diff }), ...parentRead(a.dest, ctx) }),
  plan: (a, s, ctx) => {
    let content: string | Uint8Array;
    if (a.content !== undefined) content = a.content;
    else {
      try {
        content = ctx.readLocalFile(a.src ?? '');
      } catch (e) {
        return failed(`cannot read src ${a.src}: ${(e as Error).message}`);
      }
    }
    return planWrite(a.dest, content, s.dest, a);
  },
});
