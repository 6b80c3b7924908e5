/**
 * ufw backend, container DNS to Consul: a marked `*nat … COMMIT` block in /etc/ufw/before.rules (ufw-framework(8): "You
 * may add any other tables such as *nat … For each table a corresponding COMMIT statement is required"). ufw loads it
 * with `iptables-restore -n` at boot, enable and reload.
 */
import { editBlock, planTextEdit, type Change, type Diff, type FileState } from '../../../src/index.ts';
import { dedupeDnsJumps, dnsRedirectRules, removeDnsRedirect, RIG_DNS, RIG_DNS_PARENTS, type DnsRedirect } from './dns-redirect.ts';

/** ufw's rules file loaded before its own (IPv4). */
export const UFW_BEFORE_RULES = '/etc/ufw/before.rules';
/** The marker lines of rig's block ({mark}: BEGIN/END). */
export const UFW_DNS_MARKER = '# {mark} RIG CONSUL DNS (roles/firewall)';

/**
 * The block: rig's nat chain is declared (so each load empties and refills it) and jumped to first from PREROUTING and
 * OUTPUT. ufw restores with --noflush and never flushes nat, so each `ufw reload` adds one more (harmless) jump; rig
 * removes the extra ones when it reloads.
 */
export function ufwDnsBlock(r: DnsRedirect): string {
  return [
    '*nat',
    `:${RIG_DNS} - [0:0]`,
    ...dnsRedirectRules(r).map((l) => `-A ${RIG_DNS} ${l}`),
    ...RIG_DNS_PARENTS.map((p) => `-I ${p} -j ${RIG_DNS}`),
    'COMMIT',
  ].join('\n');
}

/** before.rules with rig's block present (or removed when `r` is undefined): the write, its diff, and any error. */
export function planBeforeRules(r: DnsRedirect | undefined, file: FileState, ufwInstalled: boolean): { changes: Change[]; diff?: readonly Diff[]; failed?: string } {
  // only a check-mode run before the package is installed sees no file; a real run has installed ufw (and the file) first
  if (!file.exists && ufwInstalled && r) return { changes: [], failed: `${UFW_BEFORE_RULES} does not exist: ufw's package provides it (apt-get install --reinstall ufw)` };
  const edit = (text: string | null) =>
    editBlock(text, { state: r ? 'present' : 'absent', block: r ? ufwDnsBlock(r) : '', marker: UFW_DNS_MARKER, markerBegin: 'BEGIN', markerEnd: 'END', insertafter: 'EOF' });
  const p = planTextEdit(UFW_BEFORE_RULES, { create: true, state: r ? 'present' : 'absent' }, file, edit);
  return { changes: [...p.changes], ...(p.diff ? { diff: p.diff } : {}), ...(p.failed ? { failed: p.failed } : {}) };
}

/** Shell run after rig's `ufw reload`/`ufw --force enable`: only the first jump to RIG-DNS is kept in each parent. */
export const ufwDedupeJumps = (): string => dedupeDnsJumps('iptables');
/** Shell removing RIG-DNS and its jumps (the redirect turned off: ufw leaves nat rules in place on reload). */
export const ufwRemoveDnsRedirect = (): string => removeDnsRedirect('iptables').join('; ');
