/** Test helpers: write a throwaway inventory directory, catch ValidationErrors. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ValidationError } from '../../../src/core/errors.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** Write `files` (relative path → content) into a fresh temp dir and return its path. */
export function writeTree(files: Record<string, string>): string {
  const root = tempDir('rig-inv-');
  for (const [rel, content] of Object.entries(files)) {
    const full = join(root, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** Await `p`, expect a ValidationError, and return it. */
export async function validationError(p: Promise<unknown>): Promise<ValidationError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

/** Fixture directory path. */
export const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures/inventory', name);
