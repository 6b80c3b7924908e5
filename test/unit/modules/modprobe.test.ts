import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCommand } from '../../../src/core/fact.ts';
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

describe('modprobe probe and validate', () => {
  it('probes the module and both boot files under the canonical name', () => {
    const r = modprobeModule.probe({ name: 'nf-conntrack' }, ctx);
    expect(readCommand(r.loadFile)).toContain('/etc/modules-load.d/nf_conntrack.conf');
    expect(readCommand(r.optionsFile)).toContain('/etc/modprobe.d/nf_conntrack.conf');
    expect(readCommand(r.module)).toBe(kernelModule.command('nf-conntrack'));
  });

  it('reports bad args', () => {
    const v = (a: Partial<ModprobeArgs>) => modprobeModule.validate?.(a as ModprobeArgs) ?? [];
    expect(v({ name: 'br_netfilter' })).toEqual([]);
    expect(v({ name: '' })).toEqual(['modprobe: name is required (e.g. "br_netfilter")']);
    expect(v({ name: 'x;reboot' })[0]).toMatch(/not a valid module name/);
    expect(v({ name: 'x', state: 'absent', persistent: 'present' })).toEqual(["modprobe x: state 'absent' with persistent 'present' would load it again at boot"]);
    expect(v({ name: 'x', persistent: 'blacklisted' as 'disabled' })[0]).toMatch(/persistent must be/);
    expect(v({ name: 'x', params: 'a=1\ninstall x /bin/sh' })[0]).toMatch(/params must be one line/);
  });
});
