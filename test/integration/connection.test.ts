/** The SSH connection against real sshd test hosts: exec, stdin, become, host keys, ssh config, jump, limits, drops, writes. */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, Host } from '../../src/core/index.ts';
import { UnreachableError } from '../../src/core/index.ts';
import { connect, writeFileScript, type ConnectOptions } from '../../src/connection/index.ts';
import { sshdAvailability, startTestHosts, type TestHost, type TestHosts } from './harness/index.ts';
import { tempDir } from '../support/temp-dir.ts';

const avail = await sshdAvailability();
if (!avail.ok) console.warn(`SKIPPED connection integration tests: ${avail.reason}`);

let th: TestHosts;
let thPw: TestHosts;
const tmp = tempDir('rig-conn-test-');
const open: Connection[] = [];

function hostOf(t: TestHost, hs: TestHosts, ssh: Partial<Host['ssh']> = {}, vars: Record<string, unknown> = {}): Host {
  return { name: t.name, groups: ['all'], vars, become: false, ssh: { address: t.address, port: t.port, user: hs.user, identityFiles: [hs.keyFile], ...ssh } };
}
async function conn(o: Partial<ConnectOptions> & { host: Host }): Promise<Connection> {
  const c = await connect({ knownHostsFiles: [th.knownHostsFile], sshConfigPath: join(tmp, 'no-config'), ...o });
  open.push(c);
  return c;
}
async function unreachable(p: Promise<unknown>): Promise<UnreachableError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UnreachableError);
  return e as UnreachableError;
}
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe.skipIf(!avail.ok)('ssh connection (real sshd)', () => {
  beforeAll(async () => {
    [th, thPw] = await Promise.all([startTestHosts({ count: 3, prefix: 'cn' }), startTestHosts({ count: 1, prefix: 'pw', sudo: 'password' })]);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await th?.dispose();
    await thPw?.dispose();
  });

  it('runs scripts: exit codes, stdout and stderr are results, not rejections; counts execs', async () => {
    const c = await conn({ host: hostOf(th.hosts[0]!, th) });
    expect(await c.exec('echo out; echo err >&2; exit 3')).toEqual({ stdout: 'out\n', stderr: 'err\n', code: 3 });
    expect(await c.exec(`printf '%s' "it's $(hostname)"`)).toEqual({ stdout: "it's cn1", stderr: '', code: 0 });
    expect((await c.exec('echo "ünïcødé ✓"')).stdout).toBe('ünïcødé ✓\n');
    expect(c.execCount).toBe(3);
  });

  it('passes binary stdin through unchanged (plain and through sudo with a password)', async () => {
    const data = randomBytes(300_000);
    const c = await conn({ host: hostOf(th.hosts[0]!, th) });
    expect((await c.exec('sha256sum | cut -d" " -f1', { stdin: data })).stdout.trim()).toBe(sha(data));
    const p = thPw.hosts[0]!;
    const cp = await conn({ host: hostOf(p, thPw), knownHostsFiles: [thPw.knownHostsFile], becomePassword: thPw.sudoPassword });
    const r = await cp.exec('id -u; sha256sum | cut -d" " -f1', { stdin: data, become: true });
    expect(r).toEqual({ stdout: `0\n${sha(data)}\n`, stderr: '', code: 0 });
  });

  it('becomes root or another user with NOPASSWD sudo', async () => {
    const c = await conn({ host: hostOf(th.hosts[1]!, th) });
    expect((await c.exec('id -un')).stdout).toBe('rigtest\n');
    expect((await c.exec('id -un; echo $HOME', { become: true })).stdout).toBe('root\n/root\n');
    expect((await c.exec('id -un', { become: true, becomeUser: 'nobody' })).stdout).toBe('nobody\n');
  });

  it('becomes root with a sudo password that never reaches the command nor any output', async () => {
    const p = thPw.hosts[0]!;
    const pw = thPw.sudoPassword;
    const c = await conn({ host: hostOf(p, thPw), knownHostsFiles: [thPw.knownHostsFile], becomePassword: pw });
    const r = await c.exec('id -u; cat', { become: true, stdin: 'payload\n' });
    expect(r).toEqual({ stdout: '0\npayload\n', stderr: '', code: 0 });
    // a command that prints everything it can see: its stdin, env and the sudo command line
    const leak = await c.exec('cat; env; ps -ef', { become: true, stdin: 'x' });
    expect(leak.code).toBe(0);
    expect(JSON.stringify(leak)).not.toContain(pw);

    const none = await conn({ host: hostOf(p, thPw), knownHostsFiles: [thPw.knownHostsFile] });
    const r2 = await none.exec('id -u', { become: true });
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toContain('sudo requires a password: pass -K or set RIG_BECOME_PASSWORD');

    const wrong = await conn({ host: hostOf(p, thPw), knownHostsFiles: [thPw.knownHostsFile], becomePassword: 'not-the-password' });
    const r3 = await wrong.exec('cat', { become: true, stdin: 'secret-content' });
    expect(r3.code).not.toBe(0);
    expect(r3.stderr).toContain('sudo refused the become password');
    expect(JSON.stringify(r3)).not.toContain('not-the-password');
    expect(r3.stdout).toBe('');
  });

  it('refuses an unknown host key', async () => {
    const empty = join(tmp, 'empty_known_hosts');
    writeFileSync(empty, '');
    const e = await unreachable(conn({ host: hostOf(th.hosts[0]!, th), knownHostsFiles: [empty] }));
    expect(e.message).toMatch(/host key of 10\.231\.\d+\.2 is not known: ssh-ed25519 SHA256:/);
    expect(e.message).toContain('--accept-new-host-keys');
    expect(readFileSync(empty, 'utf8')).toBe('');
  });

  it('accept-new accepts an unknown key, appends it, and it is known afterwards', async () => {
    const file = join(tmp, 'accept_new_known_hosts');
    writeFileSync(file, '# mine\n');
    const t = th.hosts[1]!;
    const c = await conn({ host: hostOf(t, th), knownHostsFiles: [file], acceptNewHostKeys: true });
    expect((await c.exec('hostname')).stdout).toBe('cn2\n');
    expect(readFileSync(file, 'utf8')).toBe(`# mine\n${t.hostKeyLine}\n`);
    const again = await conn({ host: hostOf(t, th), knownHostsFiles: [file] });
    expect((await again.exec('true')).code).toBe(0);
  });

  it('refuses a changed host key, even with accept-new, and knows hashed and [host]:port entries', async () => {
    const t = th.hosts[0]!;
    const other = th.hosts[1]!.hostKeyLine.split(' ').slice(1).join(' ');
    const file = join(tmp, 'changed_known_hosts');
    writeFileSync(file, `${t.address} ${other}\n`);
    const e = await unreachable(conn({ host: hostOf(t, th), knownHostsFiles: [file], acceptNewHostKeys: true }));
    expect(e.message).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(e.message).toContain(`${file}:1`);
    expect(readFileSync(file, 'utf8')).toBe(`${t.address} ${other}\n`);

    // OpenSSH's own hashing (ssh-keygen -H) and the [addr]:2222 form for a non-22 port
    const hashed = join(tmp, 'hashed_known_hosts');
    const key = t.hostKeyLine.split(' ').slice(1).join(' ');
    writeFileSync(hashed, `[${t.address}]:2222 ${key}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'ignore' });
    expect(readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/);
    const c = await conn({ host: hostOf(t, th, { port: 2222 }), knownHostsFiles: [hashed] });
    expect((await c.exec('hostname')).stdout).toBe('cn1\n');
    await unreachable(conn({ host: hostOf(t, th), knownHostsFiles: [hashed] }));
  });

  it('honours ~/.ssh/config HostName, Port, User and IdentityFile; inventory settings win', async () => {
    const t = th.hosts[2]!;
    const cfg = join(tmp, 'ssh_config');
    writeFileSync(cfg, `Host web-alias\n  HostName ${t.address}\n  Port 2222\n  User ${th.user}\n  IdentityFile ${th.keyFile}\n\nHost *\n  User nobody-here\n`);
    const kh = join(tmp, 'cfg_known_hosts');
    writeFileSync(kh, `[${t.address}]:2222 ${t.hostKeyLine.split(' ').slice(1).join(' ')}\n${t.hostKeyLine}\n`);
    const aliasHost: Host = { name: 'web', groups: ['all'], vars: {}, become: false, ssh: { address: 'web-alias', port: 22 } };
    const c = await conn({ host: aliasHost, knownHostsFiles: [kh], sshConfigPath: cfg });
    expect((await c.exec('echo "$(id -un)@$(hostname) port ${SSH_CONNECTION##* }"')).stdout).toBe('rigtest@cn3 port 2222\n');
    // an explicit inventory port beats ssh config's Port
    const explicit: Host = { ...aliasHost, vars: { ansible_port: 22 } };
    const c2 = await conn({ host: explicit, knownHostsFiles: [kh], sshConfigPath: cfg });
    expect((await c2.exec('echo ${SSH_CONNECTION##* }')).stdout).toBe('22\n');
  });

  it('jumps through another test host (ProxyJump from ssh config)', async () => {
    const [jump, target] = [th.hosts[0]!, th.hosts[2]!];
    const cfg = join(tmp, 'ssh_config_jump');
    writeFileSync(cfg, `Host behind\n  HostName ${target.address}\n  ProxyJump ${th.user}@${jump.address}\n\nHost *\n  User ${th.user}\n  IdentityFile ${th.keyFile}\n`);
    const c = await conn({ host: { name: 'behind', groups: ['all'], vars: {}, become: false, ssh: { address: 'behind', port: 22 } }, sshConfigPath: cfg });
    // the target sees the jump host as the client
    expect((await c.exec('echo "$(hostname) from ${SSH_CONNECTION%% *}"')).stdout).toBe(`cn3 from ${jump.address}\n`);
  });

  it('runs 30 concurrent execs on one connection, never more than 8 channels at once', async () => {
    const c = await conn({ host: hostOf(th.hosts[1]!, th) });
    await c.exec('rm -rf /tmp/conc && mkdir /tmp/conc');
    const rs = await Promise.all(
      Array.from({ length: 30 }, (_, i) => c.exec(`mkdir /tmp/conc/${i}; ls /tmp/conc | wc -l > /tmp/conc-max.${i}; sleep 0.2; rmdir /tmp/conc/${i}; echo ${i}`)),
    );
    expect(rs.map((r) => r.code)).toEqual(Array(30).fill(0));
    expect(rs.map((r) => r.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `${i}\n`));
    const max = Math.max(...(await c.exec('cat /tmp/conc-max.*')).stdout.trim().split('\n').map(Number));
    expect(max).toBeGreaterThan(1);
    expect(max).toBeLessThanOrEqual(8);
  });

  it('retries when sshd refuses channels beyond MaxSessions (limiter set too high)', async () => {
    const c = await conn({ host: hostOf(th.hosts[1]!, th), maxChannels: 20 });
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => c.exec(`sleep 0.3; echo ${i}`)));
    expect(rs.map((r) => r.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `${i}\n`));
  });

  it('kills a command that exceeds timeoutMs and reports it as a result', async () => {
    const c = await conn({ host: hostOf(th.hosts[0]!, th) });
    // were the exec to wait for the sleep, the test would hit vitest's 120 s test timeout
    const r = await c.exec('echo started; sleep 200', { timeoutMs: 300 });
    expect(r.code).toBe(124);
    expect(r.stdout).toBe('started\n');
    expect(r.stderr).toContain('timed out after 300 ms');
  });

  it('says why it cannot connect: refused port, failed authentication', async () => {
    const t = th.hosts[0]!;
    const e1 = await unreachable(conn({ host: hostOf(t, th, { port: 2200 }) }));
    expect(e1.message).toContain('connection refused');
    const e2 = await unreachable(conn({ host: hostOf(t, th, { identityFiles: [join(tmp, 'no-such-key')] }) }));
    expect(e2.message).toMatch(/authentication failed .*no-such-key: not found/);
    // what sshd does to an address it turns away (PerSourcePenalties, MaxStartups): accept, one line, close
    const turnAway = createServer((s) => s.end('Not allowed at this time\r\n'));
    await new Promise<void>((res) => turnAway.listen(0, '127.0.0.1', res));
    try {
      const port = (turnAway.address() as AddressInfo).port;
      const e3 = await unreachable(conn({ host: hostOf(t, th, { address: '127.0.0.1', port }) }));
      expect(e3.message).toContain('closed the connection before the SSH handshake');
      expect(e3.message).toContain('PerSourcePenaltyExemptList');
    } finally {
      turnAway.close();
    }
  });

  it('rejects an in-flight exec with UnreachableError when the host drops, and reconnects after it is back', async () => {
    const t = th.hosts[2]!;
    const c = await conn({ host: hostOf(t, th), connectTimeoutMs: 2000 });
    const inflight = unreachable(c.exec('sleep 30'));
    await new Promise((r) => setTimeout(r, 200));
    await th.stop(t.name);
    const e = await inflight;
    expect(e.message).toContain('connection lost');
    expect(e.host).toBe('cn3');
    await unreachable(c.exec('true'));
    // comes back a moment after reconnect started (like a reboot)
    setTimeout(() => void th.start(t.name), 700);
    await c.reconnect({ timeoutMs: 15_000 });
    expect((await c.exec('hostname')).stdout).toBe('cn3\n');
  });

  describe('writeFileScript', () => {
    let c: Connection;
    const run = (ch: Parameters<typeof writeFileScript>[0]) => {
      const { script, stdin } = writeFileScript(ch);
      return c.exec(script, { stdin, become: true });
    };
    const on = (cmd: string) => th.exec('cn1', cmd);
    beforeAll(async () => {
      c = await conn({ host: hostOf(th.hosts[0]!, th) });
    });

    it('writes a new file atomically with mode, owner and group; binary content intact', async () => {
      const data = randomBytes(70_000);
      const r = await run({ kind: 'write', path: '/etc/rig-new.bin', content: data, mode: '0640', owner: 'root', group: 'rigtest', description: 'x' });
      expect(r).toEqual({ stdout: '', stderr: '', code: 0 });
      expect((await on('stat -c "%a %U %G" /etc/rig-new.bin; sha256sum < /etc/rig-new.bin')).stdout).toBe(`640 root rigtest\n${sha(data)}  -\n`);
      // the host-side overlay view sees the same bytes; the real /etc does not
      expect(sha(readFileSync(join(th.hosts[0]!.root, 'etc/rig-new.bin')))).toBe(sha(data));
    });

    it('keeps the existing mode and owner when unset; new files get the umask default', async () => {
      await on('printf old > /etc/rig-keep && chown rigtest:rigtest /etc/rig-keep && chmod 600 /etc/rig-keep');
      expect((await run({ kind: 'write', path: '/etc/rig-keep', content: 'new\n', description: 'x' })).code).toBe(0);
      expect((await on('stat -c "%a %U %G" /etc/rig-keep; cat /etc/rig-keep')).stdout).toBe('600 rigtest rigtest\nnew\n');
      expect((await run({ kind: 'write', path: '/etc/rig-fresh', content: '', description: 'x' })).code).toBe(0);
      expect((await on('stat -c "%a %U %s" /etc/rig-fresh')).stdout).toBe('644 root 0\n');
    });

    it('leaves the old file when validate fails, and removes the temp file', async () => {
      await on('printf "good\\n" > /etc/rig-val');
      const r = await run({ kind: 'write', path: '/etc/rig-val', content: 'bad\n', validate: 'grep -q good %s', description: 'x' });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('validation failed (grep -q good %s); /etc/rig-val left unchanged');
      expect((await on('cat /etc/rig-val')).stdout).toBe('good\n');
      const ok = await run({ kind: 'write', path: '/etc/rig-val', content: 'good too\n', validate: 'grep -q good %s', description: 'x' });
      expect(ok.code).toBe(0);
      expect((await on('cat /etc/rig-val')).stdout).toBe('good too\n');
    });

    it('keeps a timestamped backup when asked and prints its path', async () => {
      await on('printf "v1\\n" > /etc/rig-bak');
      const r = await run({ kind: 'write', path: '/etc/rig-bak', content: 'v2\n', backup: true, description: 'x' });
      expect(r.code).toBe(0);
      const backup = /^backup: (\/etc\/rig-bak\.\d+\.[\d-]+@[\d:]+~)$/m.exec(r.stdout)?.[1];
      expect(backup).toBeDefined();
      expect((await on(`cat ${backup} /etc/rig-bak`)).stdout).toBe('v1\nv2\n');
    });

    it('fails clearly when the parent directory is missing or the target is a directory', async () => {
      const r = await run({ kind: 'write', path: '/nonexistent-dir/file', content: 'x', description: 'x' });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('rig: cannot write /nonexistent-dir/file: directory /nonexistent-dir does not exist');
      const d = await run({ kind: 'write', path: '/etc', content: 'x', description: 'x' });
      expect(d.stderr).toContain('it is a directory');
    });

    it('writes through sudo with a password, and never leaves temp files behind', async () => {
      const p = thPw.hosts[0]!;
      const cp = await conn({ host: hostOf(p, thPw), knownHostsFiles: [thPw.knownHostsFile], becomePassword: thPw.sudoPassword });
      const data = randomBytes(10_000);
      const { script, stdin } = writeFileScript({ kind: 'write', path: '/etc/rig-pw.bin', content: data, mode: '0600', description: 'x' });
      expect((await cp.exec(script, { stdin, become: true })).code).toBe(0);
      expect((await thPw.exec(p.name, 'sha256sum < /etc/rig-pw.bin')).stdout).toBe(`${sha(data)}  -\n`);
      expect((await on('find /etc / -maxdepth 1 -name ".rig-*"')).stdout).toBe('');
      expect((await thPw.exec(p.name, 'find /etc -name ".rig-*"')).stdout).toBe('');
    });
  });
});
