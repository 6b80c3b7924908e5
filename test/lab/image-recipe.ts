/** What the base image is: suite, packages, size and every file the lab writes into it. Its hash keys the cache. */

/** Debian releases a lab VM can run, by suite name: 13 (trixie, stable) and 12 (bookworm, oldstable). */
export const RELEASES = { trixie: 13, bookworm: 12 } as const;
/** A Debian suite the lab builds images of. */
export type LabRelease = keyof typeof RELEASES;

/**
 * Packages on top of debootstrap's minbase, the same on every release: netcat-openbsd for VM-to-VM probes,
 * busybox-static as the rootfs of the e2e's container image (no registry), firewalld for the firewalld backend
 * (installed disabled: only a VM whose inventory chooses it runs it).
 */
export const PACKAGES: readonly string[] = [
  'systemd-sysv', 'udev', 'openssh-server', 'sudo', 'iproute2', 'ifupdown', 'isc-dhcp-client',
  'linux-image-amd64', 'grub-pc', 'python3', 'iptables', 'nftables', 'ufw', 'docker.io',
  'ca-certificates', 'curl', 'procps', 'kmod', 'netcat-openbsd', 'busybox-static', 'firewalld',
  // firewalld needs polkitd, which needs a logind: debootstrap does not resolve alternatives, so name the provider
  'libpam-systemd', 'dbus',
  // a standard Debian install has it (the kernel enforces AppArmor) and dockerd needs apparmor_parser to start containers;
  // the VMs have no mirror, so the docker role's install of it must find it installed
  'apparmor',
];

/** Packages only one release has: Debian 13 split the docker CLI out of docker.io (which only recommends it). */
export const RELEASE_PACKAGES: Readonly<Record<LabRelease, readonly string[]>> = { trixie: ['docker-cli'], bookworm: [] };

/** Raw disk size; the root partition starts at 1 MiB. */
export const DISK_BYTES = 4 * 2 ** 30;
/** Offset of the root partition (msdos label, partition 1). */
export const PART_OFFSET = 2 ** 20;
/** Filesystem labels of the root and of each VM's seed disk. */
export const ROOT_LABEL = 'rigroot';
export const SEED_LABEL = 'RIGSEED';

/** Kernel command line shared by the first boot and GRUB (serial console, eth0/eth1 names). */
export const CMDLINE_DEFAULT = 'console=ttyS0,115200 net.ifnames=0';

/** Printed on the serial console when GRUB is installed and the first boot is about to power off. */
export const FIRSTBOOT_OK = 'RIG-LAB-FIRSTBOOT-OK';

/** A file written into the image. */
export interface GuestFile {
  path: string;
  mode: number;
  content: string;
}

const seedScript = `#!/bin/sh
# rig lab: give this VM its identity from its seed disk (label ${SEED_LABEL}), once per VM disk.
set -eu
dev=""
for _ in $(seq 1 50); do
  dev=$(blkid -L ${SEED_LABEL} || true)
  [ -n "$dev" ] && break
  sleep 0.2
done
if [ -z "$dev" ]; then echo "rig-lab-seed: no seed disk, leaving the VM unconfigured"; exit 0; fi
mnt=/run/rig-lab-seed
mkdir -p "$mnt"
mount -o ro "$dev" "$mnt"
trap 'umount "$mnt"' EXIT
name=$(cat "$mnt/hostname")
echo "$name" > /etc/hostname
echo "$name" > /proc/sys/kernel/hostname
sed -i '/^127\\.0\\.1\\.1[[:space:]]/d' /etc/hosts
echo "127.0.1.1 $name" >> /etc/hosts
printf 'auto eth1\\niface eth1 inet static\\n    address %s\\n' "$(cat "$mnt/private-address")" > /etc/network/interfaces.d/eth1
install -m 600 "$mnt/ssh_host_ed25519_key" /etc/ssh/ssh_host_ed25519_key
install -m 644 "$mnt/ssh_host_ed25519_key.pub" /etc/ssh/ssh_host_ed25519_key.pub
install -d -m 700 -o rig -g rig /home/rig/.ssh
install -m 600 -o rig -g rig "$mnt/authorized_keys" /home/rig/.ssh/authorized_keys
mkdir -p /var/lib/rig-lab
touch /var/lib/rig-lab/seeded
echo "rig-lab-seed: this VM is $name"
`;

const seedUnit = `[Unit]
Description=rig lab: apply this VM's identity from its seed disk
DefaultDependencies=no
After=local-fs.target
Before=network-pre.target networking.service ssh.service docker.service sysinit.target
Wants=network-pre.target
ConditionPathExists=!/var/lib/rig-lab/seeded
ConditionPathExists=!/etc/rig-lab/firstboot-pending

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/rig-lab-seed
StandardOutput=journal+console

[Install]
WantedBy=sysinit.target
`;

// the first boot runs from -kernel/-initrd: install GRUB from inside, where /dev/vda exists, then power off
const firstbootScript = `#!/bin/sh
set -eux
# a host-only initramfs (MODULES=dep needs the real VM to detect): GRUB loads ~4x less from disk on every boot
echo MODULES=dep > /etc/initramfs-tools/conf.d/rig-lab.conf
update-initramfs -u
grub-install /dev/vda
update-grub
echo "grub-pc grub-pc/install_devices multiselect /dev/vda" | debconf-set-selections
systemctl enable docker.service docker.socket containerd.service
systemctl disable rig-lab-firstboot.service
rm -f /etc/rig-lab/firstboot-pending
# every VM gets its own machine-id at its first boot
: > /etc/machine-id
rm -rf /var/log/journal/* /var/lib/dhcp/*
sync
echo ${FIRSTBOOT_OK} > /dev/console
systemctl poweroff --no-block
`;

const firstbootUnit = `[Unit]
Description=rig lab: install GRUB on the first boot, then power off
After=local-fs.target
ConditionPathExists=/etc/rig-lab/firstboot-pending

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/rig-lab-firstboot
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
`;

const grubDefault = `# rig lab: boot at once, on the serial console
GRUB_DEFAULT=0
GRUB_TIMEOUT=0
GRUB_TIMEOUT_STYLE=hidden
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT="${CMDLINE_DEFAULT}"
GRUB_CMDLINE_LINUX=""
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_DISABLE_OS_PROBER=true
`;

/** Files written into the image after debootstrap (the lab user's key and host identity come from the seed). */
export const GUEST_FILES: readonly GuestFile[] = [
  { path: '/etc/fstab', mode: 0o644, content: `LABEL=${ROOT_LABEL} / ext4 errors=remount-ro 0 1\n` },
  { path: '/etc/hostname', mode: 0o644, content: 'lab\n' },
  { path: '/etc/hosts', mode: 0o644, content: '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' },
  {
    path: '/etc/network/interfaces',
    mode: 0o644,
    content: 'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n',
  },
  { path: '/etc/default/grub', mode: 0o644, content: grubDefault },
  {
    path: '/etc/ssh/sshd_config.d/rig-lab.conf',
    mode: 0o644,
    content: 'HostKey /etc/ssh/ssh_host_ed25519_key\nPasswordAuthentication no\nPermitRootLogin no\nUseDNS no\n',
  },
  { path: '/etc/sudoers.d/rig', mode: 0o440, content: 'rig ALL=(ALL) NOPASSWD:ALL\n' },
  { path: '/usr/local/sbin/rig-lab-seed', mode: 0o755, content: seedScript },
  { path: '/etc/systemd/system/rig-lab-seed.service', mode: 0o644, content: seedUnit },
  { path: '/usr/local/sbin/rig-lab-firstboot', mode: 0o755, content: firstbootScript },
  { path: '/etc/systemd/system/rig-lab-firstboot.service', mode: 0o644, content: firstbootUnit },
  { path: '/etc/rig-lab/firstboot-pending', mode: 0o644, content: '' },
];

/** Commands run in the chroot after the files are written. */
export const CHROOT_STEPS: readonly (readonly string[])[] = [
  ['useradd', '--create-home', '--shell', '/bin/bash', '--groups', 'sudo', 'rig'],
  // '*' is "no password" without counting as a locked account, so key login works
  ['usermod', '--password', '*', 'rig'],
  ['systemctl', 'enable', 'rig-lab-seed.service', 'rig-lab-firstboot.service'],
  // dockerd must not initialise its state during the GRUB boot: that state would be shared by every VM
  ['systemctl', 'disable', 'docker.service', 'docker.socket', 'containerd.service'],
  // installed for the firewalld backend, never running unless a playbook enables it (auto would follow an active one)
  ['systemctl', 'disable', 'firewalld.service'],
  // no background apt in the VMs: it would hold the dpkg lock against playbooks and try to reach the network
  ['systemctl', 'mask', 'apt-daily.timer', 'apt-daily-upgrade.timer'],
  ['apt-get', 'clean'],
];

/** Paths removed from the image: host keys come per VM from the seed disk. */
export const REMOVE_PATHS: readonly string[] = [
  '/etc/ssh/ssh_host_rsa_key', '/etc/ssh/ssh_host_rsa_key.pub',
  '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ecdsa_key.pub',
  '/etc/ssh/ssh_host_ed25519_key', '/etc/ssh/ssh_host_ed25519_key.pub',
];
