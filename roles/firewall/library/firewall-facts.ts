/** Firewall facts: which backends a host has (ufw, firewalld, nftables, iptables) and rig's live nftables table. */
import { sh, type Fact } from '../../../src/index.ts';

/** Firewall tools found on a host. */
export interface FirewallBackends {
  readonly ufw: { readonly installed: boolean; readonly active: boolean };
  readonly firewalld: { readonly installed: boolean; readonly active: boolean };
  readonly nftables: { readonly installed: boolean };
  readonly iptables: { readonly installed: boolean; readonly persistent: boolean };
}

// one line per probe; `systemctl is-active` prints the state even when it exits non-zero
const BACKENDS = [
  'for b in ufw firewall-cmd nft iptables netfilter-persistent; do if command -v "$b" >/dev/null 2>&1; then echo "bin $b yes"; else echo "bin $b no"; fi; done',
  'for u in ufw firewalld; do echo "unit $u $(systemctl is-active "$u" 2>/dev/null || true)"; done',
  'if grep -qs "^ENABLED=yes" /etc/ufw/ufw.conf; then echo "ufwconf enabled"; else echo "ufwconf disabled"; fi',
].join('; ');

/** Installed and active firewall frontends. */
export const firewallBackends: Fact<FirewallBackends, void> = {
  name: 'firewall.backends',
  command: () => `(${BACKENDS})`,
  parse(out) {
    const bins = new Map<string, boolean>();
    const units = new Map<string, string>();
    let ufwEnabled = false;
    for (const line of out.stdout.split('\n')) {
      const [kind, name, value] = line.trim().split(/\s+/);
      if (kind === 'bin' && name) bins.set(name, value === 'yes');
      else if (kind === 'unit' && name) units.set(name, value ?? '');
      else if (kind === 'ufwconf') ufwEnabled = name === 'enabled';
    }
    if (!bins.has('nft') || !bins.has('iptables')) throw new Error(`firewall backends: unexpected output ${JSON.stringify(out.stdout)}`);
    const ufw = bins.get('ufw') === true;
    return {
      // ufw's own switch (ENABLED=yes) decides; its systemd unit is active even when ufw is disabled
      ufw: { installed: ufw, active: ufw && ufwEnabled },
      firewalld: { installed: bins.get('firewall-cmd') === true, active: units.get('firewalld') === 'active' },
      nftables: { installed: bins.get('nft') === true },
      iptables: { installed: bins.get('iptables') === true, persistent: bins.get('netfilter-persistent') === true },
    };
  },
};

/** rig's table as loaded in the kernel: absent, or present with the content hash kept in its comment. */
export interface NftTableLive {
  readonly present: boolean;
  /** The `rig:<sha256>` marker from the table comment; undefined when absent or unmarked. */
  readonly hash?: string;
}

/** `nft list table <family> <name>`: whether it is loaded and which rendered file it came from. */
export const nftTableLive: Fact<NftTableLive, { readonly family: string; readonly name: string }> = {
  name: 'firewall.nftTable',
  command: ({ family, name }) =>
    sh`if o=$(nft list table ${family} ${name} 2>&1); then printf '%s\n' "$o"; else echo "__rig_absent__ $o"; fi`.text,
  parse(out, { family, name }) {
    const text = out.stdout;
    if (text.startsWith('__rig_absent__')) {
      if (/No such file|does not exist|not found/i.test(text)) return { present: false };
      throw new Error(`nft list table ${family} ${name}: ${text.slice('__rig_absent__'.length).trim()}`);
    }
    const m = /comment "rig:([0-9a-f]{64})"/.exec(text);
    return { present: true, ...(m ? { hash: m[1] } : {}) };
  },
};
