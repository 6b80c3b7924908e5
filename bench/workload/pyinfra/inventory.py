"""Bench inventory for pyinfra: N aliases of the one bench sshd, described by the harness through RIG_BENCH_* variables."""
import os

_n = int(os.environ.get("RIG_BENCH_N", "5"))
_ssh = dict(
    ssh_hostname="127.0.0.1",
    ssh_port=int(os.environ.get("RIG_BENCH_PORT", "2299")),
    ssh_user="root",
    ssh_key=os.environ.get("RIG_BENCH_KEY", ""),
    ssh_known_hosts_file=os.environ.get("RIG_BENCH_KNOWN_HOSTS", ""),
    ssh_strict_host_key_checking="yes",
)
_state = os.environ.get("RIG_BENCH_STATE", "/tmp/rig-bench/hosts")

bench = [(f"bench-{i:04d}", dict(_ssh, bench_dir=f"{_state}/bench-{i:04d}")) for i in range(1, _n + 1)]
