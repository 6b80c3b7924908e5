import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCommand } from '../../../src/core/fact.ts';
import { argProblems } from '../../../src/core/index.ts';
import type { PlanContext } from '../../../src/core/module.ts';
import { hostFacts } from '../../../src/facts/host.ts';
import { sysctlConfFile, sysctlLive } from '../../../src/facts/sysctl.ts';
import { editSysctlConf, sysctlDefaultFile, sysctlModule } from '../../../src/modules/sysctl.ts';
import type { SysctlArgs, SysctlState } from '../../../src/modules/sysctl.ts';

const text = (p: string) => readFileSync(new URL(`../../fixtures/facts/${p}`, import.meta.url), 'utf8');
const facts = hostFacts.parse({ stdout: text('host/debian12-container.txt'), stderr: '', code: 0 });
const ctx: PlanContext = {
  host: { name: 'vm', groups: ['all'], vars: {}, ssh: { address: '127.0.0.1', port: 22 }, become: true },
  facts,
  vars: {},
  check: false,
  diff: false,
  render: () => {
    throw new Error('sysctl renders no templates');
  },
  readLocalFile: () => {
    throw new Error('sysctl reads no local files');
  },
};
// state from real captured fact output
const live = (fixture: string, key: string) => sysctlLive.parse({ stdout: text(`sysctl/${fixture}`), stderr: '', code: 0 }, key);
const debianSysctlConf = sysctlConfFile.parse({ stdout: text('sysctl/file-99-sysctl.conf.txt'), stderr: '', code: 0 }, '/etc/sysctl.d/99-sysctl.conf');
const plan = (args: SysctlArgs, state: SysctlState) => sysctlModule.plan(args, state, ctx);

describe('sysctl plan', () => {
  it('fresh host: applies live, then persists in its own file (a value the kernel refuses is never persisted)', () => {
    const p = plan({ name: 'net.ipv4.ip_forward', value: 1 }, { live: live('live-net.ipv4.ip_forward.txt', 'net.ipv4.ip_forward'), file: null });
    const path = '/etc/sysctl.d/99-rig-net.ipv4.ip_forward.conf';
    expect(p.changes).toEqual([
      { kind: 'exec', command: 'sysctl -w net.ipv4.ip_forward=1', description: 'sysctl -w net.ipv4.ip_forward=1' },
      { kind: 'write', path, content: '# Managed by rig.\nnet.ipv4.ip_forward = 1\n', mode: '0644', description: `persist net.ipv4.ip_forward in ${path}` },
    ]);
    expect(p.diff).toEqual([{ path, before: '', after: '# Managed by rig.\nnet.ipv4.ip_forward = 1\n' }]);
  });

  it('converged: no changes, no diff', () => {
    const p = plan(
      { name: 'net.ipv4.ip_forward', value: '0' },
      { live: live('live-net.ipv4.ip_forward.txt', 'net.ipv4.ip_forward'), file: '# Managed by rig.\nnet.ipv4.ip_forward = 0\n' },
    );
    expect(p).toEqual({ changes: [] });
  });

  it('multi-value keys compare whitespace-insensitively (live has tabs)', () => {
    const state = { live: live('live-net.ipv4.tcp_rmem.txt', 'net.ipv4.tcp_rmem'), file: 'net.ipv4.tcp_rmem=4096   131072 33554432\n' };
    expect(plan({ name: 'net.ipv4.tcp_rmem', value: '4096 131072 33554432' }, state).changes).toEqual([]);
    const p = plan({ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }, state);
    expect(p.changes.map((c) => c.kind)).toEqual(['exec', 'write']);
    expect(p.changes[0]).toMatchObject({ command: "sysctl -w 'net.ipv4.tcp_rmem=4096 87380 6291456'" });
    expect(p.diff?.[0]?.after).toBe('net.ipv4.tcp_rmem = 4096 87380 6291456\n');
  });

  it('live already right, file missing: only the write', () => {
    const p = plan({ name: 'net.ipv4.ip_forward', value: 0 }, { live: live('live-net.ipv4.ip_forward.txt', 'net.ipv4.ip_forward'), file: null });
    expect(p.changes.map((c) => c.kind)).toEqual(['write']);
  });

  it('file right, live differs: only sysctl -w; reload false: nothing', () => {
    const state = { live: live('live-net.ipv4.ip_forward.txt', 'net.ipv4.ip_forward'), file: 'net.ipv4.ip_forward = 1\n' };
    expect(plan({ name: 'net.ipv4.ip_forward', value: 1 }, state).changes).toEqual([
      { kind: 'exec', command: 'sysctl -w net.ipv4.ip_forward=1', description: 'sysctl -w net.ipv4.ip_forward=1' },
    ]);
    expect(plan({ name: 'net.ipv4.ip_forward', value: 1, reload: false }, state).changes).toEqual([]);
  });

  it('shared file (Debian /etc/sysctl.conf content): appends, keeps comments', () => {
    const p = plan(
      { name: 'net.ipv4.ip_forward', value: 0, file: '/etc/sysctl.d/99-sysctl.conf' },
      { live: live('live-net.ipv4.ip_forward.txt', 'net.ipv4.ip_forward'), file: debianSysctlConf },
    );
    expect(p.changes).toHaveLength(1);
    expect(p.diff?.[0]).toEqual({ path: '/etc/sysctl.d/99-sysctl.conf', before: debianSysctlConf, after: `${debianSysctlConf}net.ipv4.ip_forward = 0\n` });
  });

  it('rewrites the first occurrence and drops duplicates that would override it', () => {
    const before = '# mine\nnet/ipv4/ip_forward = 0\nvm.swappiness = 10\n-net.ipv4.ip_forward=0\n';
    expect(editSysctlConf(before, 'net.ipv4.ip_forward', 1)).toBe('# mine\nnet.ipv4.ip_forward = 1\nvm.swappiness = 10\n');
    expect(editSysctlConf('vm.swappiness = 10', 'net.ipv4.ip_forward', 1)).toBe('vm.swappiness = 10\nnet.ipv4.ip_forward = 1\n');
    expect(editSysctlConf(before, 'net.ipv4.ip_forward', undefined)).toBe('# mine\nvm.swappiness = 10\n');
  });

  it('a key missing live is still set (an earlier modprobe may create it) and says so', () => {
    const p = plan({ name: 'net.ipv4.conf.wg0.forwarding', value: 1 }, { live: live('live-net.ipv4.conf.wg0.forwarding.txt', 'x'), file: null });
    expect(p.changes.map((c) => c.kind)).toEqual(['exec', 'write']);
    expect(p.msg).toMatch(/does not exist in the running kernel yet/);
  });

  it('a write-only key is not compared live (no endless change)', () => {
    const p = plan({ name: 'vm.drop_caches', value: 3 }, { live: live('live-vm.drop_caches.txt', 'vm.drop_caches'), file: 'vm.drop_caches = 3\n' });
    expect(p.changes).toEqual([]);
    expect(p.msg).toMatch(/write-only/);
  });

  it('absent: removes our own file, edits a shared one, converged when gone', () => {
    const liveFwd = live('live-net.ipv4.ip_forward.txt', 'net.ipv4.ip_forward');
    const own = plan({ name: 'net.ipv4.ip_forward', state: 'absent' }, { live: liveFwd, file: '# Managed by rig.\nnet.ipv4.ip_forward = 1\n' });
    expect(own.changes).toEqual([
      {
        kind: 'exec',
        command: 'rm -f /etc/sysctl.d/99-rig-net.ipv4.ip_forward.conf',
        description: 'remove /etc/sysctl.d/99-rig-net.ipv4.ip_forward.conf',
        effects: [{ op: 'remove', path: '/etc/sysctl.d/99-rig-net.ipv4.ip_forward.conf' }],
      },
    ]);
    const shared = plan({ name: 'net.ipv4.ip_forward', state: 'absent', file: '/etc/sysctl.conf' }, { live: liveFwd, file: 'a.b = 1\nnet.ipv4.ip_forward=1\n' });
    expect(shared.changes).toMatchObject([{ kind: 'write', path: '/etc/sysctl.conf', content: 'a.b = 1\n' }]);
    expect(plan({ name: 'net.ipv4.ip_forward', state: 'absent' }, { live: liveFwd, file: null })).toEqual({ changes: [] });
  });

  it('slash notation maps to the dot-notation file and command', () => {
    expect(sysctlDefaultFile('net/ipv4/conf/eth0.100/rp_filter')).toBe('/etc/sysctl.d/99-rig-net.ipv4.conf.eth0_100.rp_filter.conf');
    const p = plan({ name: 'net/ipv4/conf/eth0.100/rp_filter', value: 2 }, { live: { exists: true, value: '0' }, file: null });
    expect(p.changes[0]).toMatchObject({ command: 'sysctl -w net.ipv4.conf.eth0/100.rp_filter=2' });
  });
});

describe('sysctl probe', () => {
  it('probes the live value and the default file', () => {
    const r = sysctlModule.probe({ name: 'vm.swappiness', value: 10 }, ctx);
    expect(readCommand(r.live)).toContain('/proc/sys/vm/swappiness');
    expect(readCommand(r.file)).toBe("if [ -f /etc/sysctl.d/99-rig-vm.swappiness.conf ]; then echo present; cat /etc/sysctl.d/99-rig-vm.swappiness.conf; else echo absent; fi");
  });
});

describe('sysctl args', () => {
  const v = (a: unknown) => argProblems(sysctlModule, a);
  it('valid args have no problems', () => {
    expect(v({ name: 'vm.swappiness', value: 10 })).toEqual([]);
    expect(v({ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456', file: '/etc/sysctl.d/60-net.conf', reload: false })).toEqual([]);
    expect(v({ name: 'kernel.perf_event_paranoid', value: -1 })).toEqual([]);
    expect(v({ name: 'net/ipv4/conf/eth0.100/rp_filter', value: 2 })).toEqual([]);
    expect(v({ name: 'vm.swappiness', state: 'absent' })).toEqual([]);
  });
  it('numbers that cannot be written exactly are refused: give them as strings', () => {
    expect(v({ name: 'kernel.shmmax', value: 18446744073692774399 })[0]).toMatch(/cannot be written exactly as a number: give it as a string/);
    expect(v({ name: 'vm.dirty_ratio', value: 1e21 })[0]).toMatch(/1e\+21 cannot be written exactly/);
    expect(v({ name: 'kernel.shmmax', value: '18446744073692774399' })).toEqual([]);
    expect(v({ name: 'vm.x', value: 0.5 })).toEqual([]);
  });
  it.each([
    // each field, checked by the schema
    [{ value: 1 }, 'name: expected a key as a string, e.g. "net.ipv4.ip_forward", got undefined'],
    [{ name: '', value: 1 }, 'name: must not be empty: give a key like "net.ipv4.ip_forward"'],
    [{ name: 'vm..x', value: 1 }, 'name: "vm..x" is not a valid key (dot-separated segments of letters, digits, _ - and /)'],
    [{ name: 'vm.swappiness;reboot', value: 1 }, 'name: "vm.swappiness;reboot" is not a valid key'],
    // an object, a list, NaN or Infinity would reach the host as "[object Object]", "1,2", "NaN"
    [{ name: 'vm.swappiness', value: { a: 1 } }, 'value: expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got {"a":1}'],
    [{ name: 'vm.swappiness', value: [1, 2] }, 'value: expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got [1,2]'],
    [{ name: 'vm.swappiness', value: Number.NaN }, 'value: expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got NaN'],
    [{ name: 'vm.swappiness', value: Number.POSITIVE_INFINITY }, 'value: expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got Infinity'],
    [{ name: 'vm.swappiness', value: true }, 'value: expected a string or a finite number, e.g. 1 or "4096 87380 6291456", got true'],
    [{ name: 'vm.swappiness', value: '  ' }, 'value: empty: give the value to set (or state: absent to unpersist the key)'],
    [{ name: 'vm.swappiness', value: '1\nkernel.x=1' }, 'value: must be a single line'],
    [{ name: 'vm.swappiness', value: 1, file: 'sysctl.conf' }, 'file: must be an absolute path, got "sysctl.conf"'],
    [{ name: 'vm.swappiness', value: 1, file: '/etc/x.conf\nkernel.x=1' }, 'file: must be a single line'],
    [{ name: 'vm.swappiness', value: 1, state: 'gone' }, 'state: Invalid option: expected one of "present"|"absent"'],
    [{ name: 'vm.swappiness', value: 1, reload: 'no' }, 'reload: Invalid input: expected boolean, received string'],
    [{ name: 'vm.swappiness', valeu: 1 }, `unknown key 'valeu' (did you mean 'value'?)`],
    // across fields, checked by validate
    [{ name: 'vm.swappiness' }, 'value is required with state present (e.g. value: 1)'],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});
