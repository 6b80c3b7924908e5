/** Per-test-file setup (vitest setupFiles): temp dirs made through tempDir go away when the file is done. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dir.ts';

afterAll(removeTempDirs);
