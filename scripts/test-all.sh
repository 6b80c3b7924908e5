#!/bin/sh
# The README's test command runs this: every tier, the VM e2e included. Each tier installs what it needs.
set -eu
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc --noEmit -p .
echo "== layering"; npx depcruise src --config .dependency-cruiser.cjs
echo "== unit"; npx vitest run --project unit
echo "== integration (real sshd on loopback)"; npx vitest run --project integration
echo "== e2e (VM lab)"; npx vitest run --project e2e
