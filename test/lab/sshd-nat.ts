/** The VMs' sshd and the one address every connection from this machine arrives from (QEMU's user-mode NAT). */
import { LabError } from './errors.ts';
import { sshRun, type SshTarget } from './ssh.ts';

/** The drop-in the lab writes on each VM whose sshd has PerSourcePenalties. */
export const NAT_DROPIN = '/etc/ssh/sshd_config.d/rig-lab-nat.conf';

// OpenSSH >= 9.8 (Debian 13 ships 10.0) penalises a source address for connections that end before authenticating
// (PerSourcePenalties: noauth 1 s, LoginGraceTime exceeded 10 s, enforced once over 15 s, up to 600 s). Every
// connection from this machine reaches a VM from the NAT's gateway address, so a TCG VM too busy after a boot to finish
// handshakes within a client's timeout locks out every later connection, the harness's and rig's, for minutes: CI
// (stop 30) saw lab1 and lab3, the Debian 13 VMs, answer nothing from e2e step 4b on, while lab2 (sshd 9.2) did.
// sshd_config(5) names the case: exempt the NAT gateway (PerSourcePenaltyExemptList). Written at boot, not baked in the
// image, so cached images stay valid; the VM's own sshd_config.d keeps it across reboots.
const SCRIPT = `set -eu
set -- $SSH_CONNECTION
sudo sshd -T 2>/dev/null | grep -qi '^persourcepenalties ' || { echo 'no PerSourcePenalties'; exit 0; }
want="PerSourcePenaltyExemptList $1"
[ "$(sudo cat ${NAT_DROPIN} 2>/dev/null || true)" = "$want" ] && { echo "kept: $want"; exit 0; }
printf '%s\\n' "$want" | sudo tee ${NAT_DROPIN}.tmp >/dev/null
sudo mv ${NAT_DROPIN}.tmp ${NAT_DROPIN}
sudo sshd -t
sudo systemctl reload ssh
echo "written: $want"`;

/** Exempt the address this machine's connections come from (as the VM sees it) from sshd's PerSourcePenalties, where
 *  the VM's sshd has them; returns what was done. @throws LabError when the VM refuses the change. */
export async function exemptNatFromPenalties(name: string, target: SshTarget): Promise<string> {
  const r = await sshRun(target, SCRIPT, 60_000, 30);
  if (r.code !== 0) throw new LabError(`${name}: could not exempt the NAT gateway from sshd's PerSourcePenalties (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}
