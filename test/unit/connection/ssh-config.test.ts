/** ~/.ssh/config resolution merged under inventory settings. */
import { writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { overridesFromHost, parseJumpSpec, resolveTarget } from '../../../src/connection/ssh-config.ts';
import type { Host } from '../../../src/core/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

const dir = tempDir('rig-sshcfg-');
const cfg = join(dir, 'config');
writeFileSync(
  cfg,
  ['Host web*', '  HostName %h.internal', '  Port 2200', '  User deploy', '  IdentityFile ~/.ssh/web_key', '  ProxyJump bastion.example:2022', '', 'Host *', '  IdentityFile /keys/%r', '  User fallback', ''].join('\n'),
);
const host = (ssh: Partial<Host['ssh']>, vars: Record<string, unknown> = {}): Host => ({ name: 'web1', groups: ['all'], vars, become: false, ssh: { address: 'web1', port: 22, ...ssh } });

describe('ssh config', () => {
  it('applies HostName (with %h), Port, User, IdentityFile and ProxyJump from the first matching block', () => {
    expect(resolveTarget(overridesFromHost(host({})), cfg)).toEqual({
      alias: 'web1',
      hostname: 'web1.internal',
      port: 2200,
      user: 'deploy',
      identityFiles: [join(homedir(), '.ssh/web_key'), '/keys/deploy'],
      proxyJump: ['bastion.example:2022'],
      userKnownHostsFiles: [],
    });
  });

  it('lets explicit inventory settings win', () => {
    const t = resolveTarget(overridesFromHost(host({ user: 'ops', identityFiles: ['/inv/key'], proxyJump: 'none' }, { ansible_port: 22 })), cfg);
    expect(t).toMatchObject({ hostname: 'web1.internal', port: 22, user: 'ops', proxyJump: [] });
    expect(t.identityFiles[0]).toBe('/inv/key');
  });

  it('falls back to the local user and port 22 without a config file', () => {
    expect(resolveTarget(overridesFromHost(host({ address: '10.0.0.9' })), join(dir, 'missing'))).toMatchObject({
      hostname: '10.0.0.9',
      port: 22,
      user: userInfo().username,
      identityFiles: [],
    });
  });

  it('parses ProxyJump elements', () => {
    expect(parseJumpSpec('ops@bastion:2022')).toEqual({ address: 'bastion', port: 2022, user: 'ops' });
    expect(parseJumpSpec('bastion')).toEqual({ address: 'bastion' });
    expect(parseJumpSpec('ssh://a@[fe80::1]:22')).toEqual({ address: 'fe80::1', port: 22, user: 'a' });
  });
});
