import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCommand } from '../../../src/core/fact.ts';
import { argProblems } from '../../../src/core/index.ts';
import type { PlanContext } from '../../../src/core/module.ts';
import { hostFacts } from '../../../src/facts/host.ts';
import { kernelModule, modprobeConfFile } from '../../../src/facts/modprobe.ts';
import { modprobeModule } from '../../../src/modules/modprobe.ts';
import type { ModprobeArgs, ModprobeState } from '../../../src/modules/modprobe.ts';

const text = (p: string) => readFileSync(new URL(`../../fixtures/facts/${p}`, import.meta.url), 'utf8');
const ctx: PlanContext = {
  host: { name: 'node1', groups: ['all'], vars: {}, ssh: { address: '127.0.0.1', port: 22 }, become: true },
  facts: hostFacts.parse({ stdout: text('host/ubuntu22.04-kvm.from-docs.txt'), stderr: '', code: 0 }),
  vars: {},
  check: false,
  diff: false,
  render: () => {
    throw new Error('modprobe renders no templates');
  },
  readLocalFile: () => {
    throw new Error('modprobe reads no local files');
  },
};
const mod = (fixture: string, name: string) => kernelModule.parse({ stdout: text(`modprobe/${fixture}`), stderr: '', code: 0 }, name);
const k8sConf = modprobeConfFile.parse({ stdout: text('modprobe/file-k8s.conf.from-docs.txt'), stderr: '', code: 0 }, '/etc/modules-load.d/k8s.conf');
const notLoaded = mod('module-br_netfilter.debian12-vm.txt', 'br_netfilter');
const loaded = mod('module-br_netfilter.ubuntu22.04-loaded.from-docs.txt', 'br_netfilter');
const plan = (args: ModprobeArgs, state: ModprobeState) => modprobeModule.plan(args, state, ctx);

describe('modprobe plan', () => {
  it('fresh host: persists and loads', () => {
    const p = plan({ name: 'br_netfilter' }, { module: notLoaded, loadFile: null, optionsFile: null });
    expect(p.changes).toEqual([
      { kind: 'write', path: '/etc/modules-load.d/br_netfilter.conf', content: '# Managed by rig.\nbr_netfilter\n', mode: '0644', description: 'write /etc/modules-load.d/br_netfilter.conf' },
      { kind: 'exec', command: 'modprobe br_netfilter', description: 'modprobe br_netfilter' },
    ]);
    expect(p.diff).toEqual([{ path: '/etc/modules-load.d/br_netfilter.conf', before: '', after: '# Managed by rig.\nbr_netfilter\n' }]);
  });

  it('converged: loaded and listed → no changes', () => {
    expect(plan({ name: 'br_netfilter' }, { module: loaded, loadFile: 'br_netfilter\n', optionsFile: null })).toEqual({ changes: [] });
  });

  it('a built-in counts as loaded; another file listing it is not rewritten', () => {
    const overlay = mod('module-overlay.debian12-vm.txt', 'overlay');
    const p = plan({ name: 'overlay' }, { module: overlay, loadFile: null, optionsFile: null });
    expect(p.changes.map((c) => c.kind)).toEqual(['write']);
    expect(plan({ name: 'br-netfilter' }, { module: loaded, loadFile: k8sConf, optionsFile: null }).changes).toEqual([]);
  });

  it('params: loaded with them, persisted as options, a drifted options line is replaced', () => {
    const p = plan({ name: 'nf_conntrack', params: 'hashsize=4096  nf_conntrack_helper=0' }, { module: notLoaded, loadFile: 'nf_conntrack\n', optionsFile: 'options nf_conntrack hashsize=1024\n' });
    expect(p.changes).toEqual([
      { kind: 'write', path: '/etc/modprobe.d/nf_conntrack.conf', content: 'options nf_conntrack hashsize=4096 nf_conntrack_helper=0\n', mode: '0644', description: 'write /etc/modprobe.d/nf_conntrack.conf' },
      { kind: 'exec', command: 'modprobe nf_conntrack hashsize=4096 nf_conntrack_helper=0', description: 'modprobe nf_conntrack hashsize=4096 nf_conntrack_helper=0' },
    ]);
    const converged = plan({ name: 'nf_conntrack', params: 'hashsize=4096 nf_conntrack_helper=0' }, { module: loaded, loadFile: 'nf_conntrack\n', optionsFile: 'options  nf_conntrack hashsize=4096 nf_conntrack_helper=0\n' });
    expect(converged.changes).toEqual([]);
    expect(converged.msg).toMatch(/params apply at its next load/);
  });

  it("persistent 'disabled' touches no file", () => {
    expect(plan({ name: 'br_netfilter', persistent: 'disabled' }, { module: notLoaded, loadFile: null, optionsFile: null }).changes).toEqual([
      { kind: 'exec', command: 'modprobe br_netfilter', description: 'modprobe br_netfilter' },
    ]);
  });

  it('absent: unloads, removes our file, edits a shared one, keeps other options', () => {
    const p = plan({ name: 'br_netfilter', state: 'absent' }, { module: loaded, loadFile: '# Managed by rig.\nbr_netfilter\n', optionsFile: null });
    expect(p.changes).toEqual([
      { kind: 'exec', command: 'rm -f /etc/modules-load.d/br_netfilter.conf', description: 'remove /etc/modules-load.d/br_netfilter.conf' },
      { kind: 'exec', command: 'modprobe -r br_netfilter', description: 'modprobe -r br_netfilter' },
    ]);
    const shared = plan({ name: 'br_netfilter', state: 'absent' }, { module: notLoaded, loadFile: k8sConf, optionsFile: 'options br_netfilter x=1\nblacklist br_netfilter\n' });
    expect(shared.diff).toEqual([
      { path: '/etc/modules-load.d/br_netfilter.conf', before: 'overlay\nbr_netfilter\n', after: 'overlay\n' },
      { path: '/etc/modprobe.d/br_netfilter.conf', before: 'options br_netfilter x=1\nblacklist br_netfilter\n', after: 'blacklist br_netfilter\n' },
    ]);
    expect(plan({ name: 'br_netfilter', state: 'absent' }, { module: notLoaded, loadFile: null, optionsFile: null })).toEqual({ changes: [] });
  });

  it('absent fails for a built-in or a module in use, changing nothing', () => {
    const loop = mod('module-loop.ubuntu22.04-builtin.from-docs.txt', 'loop');
    expect(plan({ name: 'loop', state: 'absent' }, { module: loop, loadFile: null, optionsFile: null })).toEqual({
      changes: [],
      failed: 'loop is built into the kernel and cannot be unloaded',
    });
    const bridge = mod('module-bridge.ubuntu22.04-in-use.from-docs.txt', 'bridge');
    expect(plan({ name: 'bridge', state: 'absent' }, { module: bridge, loadFile: null, optionsFile: null }).failed).toBe('bridge is in use by br_netfilter: unload those first');
  });
});

describe('modprobe probe', () => {
  it('probes the module and both boot files under the canonical name', () => {
    const r = modprobeModule.probe({ name: 'nf-conntrack' }, ctx);
    expect(readCommand(r.loadFile)).toContain('/etc/modules-load.d/nf_conntrack.conf');
    expect(readCommand(r.optionsFile)).toContain('/etc/modprobe.d/nf_conntrack.conf');
    expect(readCommand(r.module)).toBe(kernelModule.command('nf-conntrack'));
  });
});

describe('modprobe args', () => {
  const v = (a: unknown) => argProblems(modprobeModule, a);
  it('valid args have no problems', () => {
    expect(v({ name: 'br_netfilter' })).toEqual([]);
    expect(v({ name: 'nf-conntrack', state: 'present', persistent: 'disabled', params: 'hashsize=4096 nf_conntrack_helper=0' })).toEqual([]);
    expect(v({ name: 'floppy', state: 'absent', persistent: 'absent' })).toEqual([]);
  });
  it.each([
    // each field, checked by the schema
    [{}, 'name: expected a module name as a string, e.g. "br_netfilter", got undefined'],
    [{ name: '' }, 'name: must not be empty: give a module name like "br_netfilter"'],
    [{ name: 'x;reboot' }, 'name: "x;reboot" is not a valid module name (letters, digits, _ and -, at most 64)'],
    [{ name: '-r' }, 'name: "-r" is not a valid module name'],
    [{ name: 'x'.repeat(65) }, 'is not a valid module name'],
    [{ name: 'x', state: 'loaded' }, 'state: Invalid option: expected one of "present"|"absent"'],
    [{ name: 'x', persistent: 'blacklisted' }, 'persistent: Invalid option: expected one of "present"|"absent"|"disabled"'],
    [{ name: 'x', persistent: true }, 'persistent: Invalid option'],
    [{ name: 'x', params: 'a=1\ninstall x /bin/sh' }, "params: must be one line without '#'"],
    [{ name: 'x', params: 'a=1 # b' }, "params: must be one line without '#'"],
    [{ name: 'x', params: ['a=1'] }, 'params: expected parameters as one string, e.g. "hashsize=4096 nf_conntrack_helper=0", got ["a=1"]'],
    [{ name: 'x', param: 'a=1' }, `unknown key 'param' (did you mean 'params'?)`],
    // across fields, checked by validate
    [{ name: 'x', state: 'absent', persistent: 'present' }, "state 'absent' with persistent 'present' would load it again at boot: use persistent 'absent' or 'disabled'"],
  ])('%j → %s', (args, message) => {
    const problems = v(args);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});
