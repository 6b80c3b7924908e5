#!/bin/sh
# The raw floor: one batched probe per host over plain OpenSSH (no ControlMaster), all hosts in parallel.
# usage: floor.sh PORT KEY KNOWN_HOSTS STATE_DIR N 'PROBE_SCRIPT_WITH_%DIR%'
port=$1 key=$2 kh=$3 state=$4 n=$5 probe=$6
i=1 pids=
while [ "$i" -le "$n" ]; do
  h=$(printf 'bench-%04d' "$i")
  script=$(printf '%s' "$probe" | sed "s#%DIR%#$state/$h#g")
  ssh -F /dev/null -p "$port" -i "$key" -o UserKnownHostsFile="$kh" -o StrictHostKeyChecking=yes -o BatchMode=yes \
    -o ControlMaster=no -o ControlPath=none -o LogLevel=ERROR root@127.0.0.1 "$script" >/dev/null &
  pids="$pids $!"
  i=$((i + 1))
done
fail=0
for pid in $pids; do wait "$pid" || fail=1; done
exit $fail
