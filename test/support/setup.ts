/**
 * Per-test-file setup (vitest setupFiles): temp dirs made through tempDir go away when the file is done, and rig's
 * controller cache (facts and read-only outputs of earlier runs, which guess reads and so exec counts) is the file's
 * own: a test's counts do not depend on which files ran before it on this machine.
 */
import { afterAll } from 'vitest';
import { removeTempDirs, tempDir } from './temp-dir.ts';

process.env.XDG_CACHE_HOME = tempDir('rig-test-cache-');
afterAll(removeTempDirs);
