#!/bin/sh
# The README's test command runs this: every tier, the VM e2e included. Each tier installs what it needs.
set -eu
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc --noEmit -p .
echo "== layering"; npm run -s lint:deps
echo "== package (npm pack, publint, attw)"; npm run -s lint:package
echo "== unit"; npx vitest run --project unit
# tools the firewall backend integration tests drive inside their hosts (nftables too: firewalld uses it, and a host in
# its own network namespace cannot fetch it), and setfacl for the write test's default ACL
# (they skip, naming them, when they are missing)
fw_pkgs() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q  --no-install-recommends iptables nftables ufw netcat-openbsd acl >/dev/null; }
if command -v apt-get >/dev/null 2>&1; then echo "== packages"; fw_pkgs || { apt-get update -q >/dev/null && fw_pkgs; } || echo "   could not install them; the firewall backend test says SKIPPED"; fi
# the headless browser the run report test loads its page in (it skips, saying so, when chromium is missing)
browser_pkgs() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null; }
if command -v apt-get >/dev/null 2>&1; then browser_pkgs || { apt-get update -q >/dev/null && browser_pkgs; } || echo "   could not install chromium; the run report browser test says SKIPPED"; fi
# firewalld (it brings dbus; the test runs a private system bus and firewalld inside each host). Debian starts and enables
# a package's service at install, which would firewall this machine: a policy-rc.d forbids the start, and where systemd
# runs the unit is disabled again
fwd_pkg() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends firewalld >/dev/null; }
if command -v apt-get >/dev/null 2>&1 && ! command -v firewalld >/dev/null 2>&1; then
  rcd=/usr/sbin/policy-rc.d; own=; if [ ! -e $rcd ]; then printf '#!/bin/sh\nexit 101\n' >$rcd && chmod 755 $rcd && own=1; fi
  fwd_pkg || { apt-get update -q >/dev/null && fwd_pkg; } || echo "   could not install firewalld; the firewalld test says SKIPPED"
  if [ -n "$own" ]; then rm -f $rcd; fi
  if [ -d /run/systemd/system ]; then systemctl disable --now firewalld >/dev/null 2>&1 || true; fi
fi
echo "== integration (real sshd on loopback)"; npx vitest run --project integration
echo "== e2e (VM lab)"; npx vitest run --project e2e
