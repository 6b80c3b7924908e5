#!/bin/sh
# The README demo: bring up the VM lab (installing what it needs), run the cluster playbook twice (the second run
# should report changed=0), and say where to look next. Never fakes output: without a playbook it says so.
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "demo: the VM lab needs root (loop devices, mount, debootstrap): run as root, e.g. sudo npm run demo" >&2
  exit 1
fi

# Debian packages the lab needs; lab:up would install them too, this just says so up front
need=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
command -v qemu-img >/dev/null 2>&1 || need="$need qemu-utils"
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need="$need debootstrap"
command -v parted >/dev/null 2>&1 || [ -x /usr/sbin/parted ] || need="$need parted"
command -v ssh >/dev/null 2>&1 || need="$need openssh-client"
[ -x /sbin/mkfs.ext4 ] || [ -x /usr/sbin/mkfs.ext4 ] || need="$need e2fsprogs"
if [ -n "$need" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "demo: missing Debian packages:$need (and no apt-get to install them)" >&2
    exit 1
  fi
  echo "== installing:$need"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
fi
[ -d node_modules ] || npm ci

# the demo runs on Debian 13 (stable); the e2e runs a mixed 13/12 cluster (RIG_LAB_RELEASES, test/lab/README.md)
export RIG_LAB_RELEASES="${RIG_LAB_RELEASES:-trixie}"
echo "== bringing up the VM lab on Debian $RIG_LAB_RELEASES (first time: builds the image and Consul; later runs reuse the cache)"
npm run --silent lab:up

if [ -f playbooks/cluster.ts ]; then
  playbook=playbooks/cluster.ts
elif [ -f playbooks/example.ts ]; then
  playbook=playbooks/example.ts
  echo "== playbooks/cluster.ts does not exist yet; running $playbook instead"
else
  echo "== no playbook exists yet (neither playbooks/cluster.ts nor playbooks/example.ts): nothing to run."
  echo "   The lab is up: inventory/lab/hosts.yml; npm run lab:status; npm run lab:down when done."
  exit 0
fi

status=0
for pass in 1 2; do
  if [ "$pass" = 1 ]; then echo "== rig run $playbook -i inventory/lab (run 1 of 2)"; else echo "== rig run $playbook -i inventory/lab (run 2 of 2: should report changed=0)"; fi
  node bin/rig.js run "$playbook" -i inventory/lab || { status=$?; echo "== run $pass failed (exit $status)"; break; }
done

cat <<'MSG'
== where to look next
   inventory/lab/hosts.yml, inventory/lab/group_vars/all.yml   the generated inventory (ports, key, pinned known_hosts)
   ssh to a VM:   ssh -F /dev/null -i $LAB/ssh/id_ed25519 -o UserKnownHostsFile=$LAB/ssh/known_hosts -p 2201 rig@127.0.0.1
                  (LAB is $RIG_LAB_DIR or ~/.cache/rig-lab; lab2 and lab3 are on ports 2202, 2203)
   npm run lab:status   what runs;   npm run lab:reset   pristine VMs;   npm run lab:down   stop everything
   npm run test:e2e     the e2e suites against the same lab
MSG
exit "$status"
