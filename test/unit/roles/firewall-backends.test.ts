/** roles/firewall's wiring: the iptables boot unit runs what a rig run runs; firewalld is chosen, installed and started. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { argProblems } from '../../../src/core/index.ts';
import type { Task } from '../../../src/core/task.ts';
import { renderIptablesScript } from '../../../roles/firewall/library/firewall-iptables.ts';
import { iptablesFirewallModule } from '../../../roles/firewall/library/firewall-iptables.ts';
import { planTask } from '../../../src/testing/index.ts';
import role, { firewalldInstallCutsSsh } from '../../../roles/firewall/index.ts';

const unit = readFileSync(new URL('../../../roles/firewall/files/rig-iptables@.service', import.meta.url), 'utf8');
const vars = { ...role.defaults, cluster_cidr: '10.77.0.0/24' };
const byName = (n: string): Task<unknown> => {
  const t = role.tasks.find((x): x is Task<unknown> => x.kind === 'task' && x.options.name === n);
  if (!t) throw new Error(`no task ${n} in roles/firewall`);
  return t;
};

describe('firewall role: iptables boot unit', () => {
  it("ExecStart is the script a drifting run executes (instance iptables / ip6tables), loaded after tools that restore whole tables", () => {
    expect(unit).toMatch(/^ExecStart=\/bin\/sh \/etc\/rig\/%i-apply\.sh$/m);
    const p = iptablesFirewallModule.plan({ rules: [{ proto: 'tcp', ports: [22], from: 'any' }] }, { file: { path: '/etc/rig/iptables.rules', exists: false }, script: { path: '/etc/rig/iptables-apply.sh', exists: false }, live: { available: true, chains: {} } }, undefined as never);
    const exec = p.changes.find((c) => c.kind === 'exec');
    expect(exec && 'command' in exec ? exec.command : '').toBe('sh /etc/rig/iptables-apply.sh');
    expect(unit).toMatch(/^After=netfilter-persistent\.service ufw\.service$/m);
    expect(unit).toMatch(/^Before=network-pre\.target docker\.service/m);
    expect(unit).toMatch(/^WantedBy=sysinit\.target$/m);
    // the script loads with --noflush and never names Docker's chains except to create a missing DOCKER-USER;
    // the only flush/delete is of rig's own nat chain RIG-DNS when the DNS redirect is off
    const script = renderIptablesScript({ rules: [], dockerPublishedFrom: ['10.0.0.0/8'] });
    expect(script).toContain('iptables-restore -w --noflush /etc/rig/iptables.rules');
    expect(script).not.toMatch(/DOCKER-ISOLATION|iptables -w -S DOCKER |-t nat -[FX] (?!RIG-DNS)|-t nat -D (PREROUTING|OUTPUT) (?!-j RIG-DNS)/);
    expect(script.split('\n').filter((l) => /-[FX] /.test(l))).toEqual(['if iptables -w -t nat -S RIG-DNS >/dev/null 2>&1; then iptables -w -t nat -F RIG-DNS && iptables -w -t nat -X RIG-DNS; fi']);
    const withDns = renderIptablesScript({ rules: [], dnsRedirect: { addresses: ['10.77.0.11'], toPort: 8600 } });
    expect(withDns).not.toMatch(/-[FX] |DOCKER/);
    expect(withDns).toContain('first nat PREROUTING RIG-DNS\nfirst nat OUTPUT RIG-DNS\n');
  });
  it('defaults: DOCKER-USER unmanaged, IPv6 on, boot unit on', () => {
    expect(role.defaults).toMatchObject({ firewall_docker_published_from: null, firewall_ipv6: true, firewall_boot_unit: true });
  });
});

describe('firewall role: backend choice', () => {
  it('an explicit firewalld is chosen, and says whether it is installed yet', () => {
    const found = readFileSync(new URL('../../fixtures/facts/firewall/backends-debian12-nft.txt', import.meta.url), 'utf8');
    const p = planTask(byName('firewall backend'), { vars: { ...vars, firewall_backend: 'firewalld' }, hostName: 'lab3', reads: () => ({ stdout: found, stderr: '', code: 0 }) });
    expect(p.plan).toMatchObject({ changes: [], output: { backend: 'firewalld', installed: false } });
  });
  it('a firewalld install that would cut SSH on another port is refused before the install, naming host and variable', () => {
    const guard = byName('firewalld install keeps SSH');
    const when = (port: number, installed: boolean): boolean => {
      const ctx = { host: { name: 'lab3', groups: [] }, vars: { ...vars, firewall_backend: 'firewalld', firewall_ssh_port: port }, result: () => ({ output: { backend: 'firewalld', installed } }) };
      return (guard.options.when as (c: unknown) => boolean)(ctx);
    };
    expect([when(2222, false), when(22, false), when(2222, true)]).toEqual([true, false, false]);
    const tasks = role.tasks.filter((x): x is Task<unknown> => x.kind === 'task').map((t) => t.options.name);
    expect(tasks.indexOf('firewalld install keeps SSH')).toBeLessThan(tasks.indexOf('firewalld installed'));
    expect(firewalldInstallCutsSsh('lab3', 2222)).toMatch(/^host lab3: firewalld is not installed and SSH is on port 2222 \(variable firewall_ssh_port\)/);
  });
  it('unknown backend: refused by the args schema (run at preflight, before any change)', () => {
    const t = byName('firewall backend');
    expect(argProblems(t.module, { preferred: 'pf' })).toEqual(['preferred: unknown firewall backend "pf": firewall_backend is one of auto, nftables, ufw, firewalld, iptables']);
    expect(argProblems(t.module, { preferred: 'iptables' })).toEqual([]);
  });
});
