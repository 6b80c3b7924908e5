#!/bin/sh
# The package as a user installs it: pack it once (prepack builds dist/), then publint (package.json vs files) and
# Are the Types Wrong (types resolve under node16 ESM and bundler resolution; rig is ESM only, so the esm-only profile).
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm pack --silent --pack-destination "$out" >/dev/null
tgz=$(ls "$out"/*.tgz)
echo "   $(basename "$tgz"): $(tar -tzf "$tgz" | wc -l) files, $(wc -c <"$tgz") bytes packed"
npx publint run "$tgz" --strict
npx attw "$tgz" --profile esm-only
