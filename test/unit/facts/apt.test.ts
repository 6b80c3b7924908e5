import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dpkgPackages } from '../../../src/facts/apt.ts';

const hasDpkg = spawnSync('sh', ['-c', 'command -v dpkg-query']).status === 0;
if (!hasDpkg) console.warn('skipping live dpkg-query test: dpkg-query is not installed on this machine');

// parse cases (command + captured output → value) are data: test/cases/facts/apt.*/*.json
describe('dpkgPackages', () => {
  it.skipIf(!hasDpkg)('live: the command on this machine agrees with dpkg-query -s', () => {
    const names = ['bash', 'rig-no-such-package'];
    const r = spawnSync('sh', ['-c', dpkgPackages.command(names)], { encoding: 'utf8' });
    const p = dpkgPackages.parse({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? 255 }, names);
    const s = spawnSync('dpkg-query', ['-s', 'bash'], { encoding: 'utf8' }).stdout;
    expect(p.bash?.version).toBe(/^Version: (.*)$/m.exec(s)?.[1]);
    expect(p.bash?.status).toBe(/^Status: .* installed$/m.test(s) ? 'installed' : 'partial');
    expect(p['rig-no-such-package']).toBeUndefined();
  });
});
