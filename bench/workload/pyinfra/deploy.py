"""Bench workload, pyinfra edition: the same 25 tasks as bench/workload/rig/playbook.ts, under each host's bench_dir."""
from io import StringIO

from pyinfra import host
from pyinfra.facts.files import File
from pyinfra.operations import files, server

d = host.data.bench_dir
APP_PORT, APP_WORKERS, PEERS = 8080, 4, ["10.0.0.1", "10.0.0.2", "10.0.0.3"]

files.directory(name="base dir", path=d, mode="755")
files.directory(name="etc dir", path=f"{d}/etc", mode="755")
files.directory(name="sysctl.d dir", path=f"{d}/etc/sysctl.d", mode="755")
files.directory(name="app conf dir", path=f"{d}/etc/app", mode="750")
files.directory(name="app state dir", path=f"{d}/var/lib/app", mode="755")
files.directory(name="app log dir", path=f"{d}/var/log/app", mode="755")
files.directory(name="app bin dir", path=f"{d}/opt/app/bin", mode="755")
files.directory(name="run dir", path=f"{d}/run", mode="755")

files.put(name="hostname", src=StringIO(f"{host.name}\n"), dest=f"{d}/etc/hostname", mode="644")
files.put(name="motd", src=StringIO("Managed by the bench. Authorized use only.\n"), dest=f"{d}/etc/motd", mode="644")
files.put(name="app env", src=StringIO("APP_ENV=production\nAPP_HOME=/opt/app\n"), dest=f"{d}/etc/app/env", mode="640")
files.put(name="start script", src=StringIO("#!/bin/sh\nexec /opt/app/bin/app --config /etc/app/app.conf\n"),
          dest=f"{d}/opt/app/bin/start.sh", mode="755")
files.put(name="sysctl net", src=StringIO("net.ipv4.ip_forward = 1\nnet.core.somaxconn = 4096\n"),
          dest=f"{d}/etc/sysctl.d/60-net.conf", mode="644")
files.put(name="sysctl vm", src=StringIO("vm.swappiness = 10\nvm.max_map_count = 262144\n"),
          dest=f"{d}/etc/sysctl.d/61-vm.conf", mode="644")

tpl = dict(bench_dir=d, app_port=APP_PORT, app_workers=APP_WORKERS, peers=PEERS)
files.template(name="app config", src="templates/app.conf.j2", dest=f"{d}/etc/app/app.conf", mode="640", **tpl)
files.template(name="limits", src="templates/limits.conf.j2", dest=f"{d}/etc/limits.conf", mode="644", **tpl)
files.template(name="hosts file", src="templates/hosts.j2", dest=f"{d}/etc/hosts", mode="644", **tpl)

files.line(name="settings mode", path=f"{d}/etc/app/settings.ini", line="^mode=.*", replace="mode=production")
files.line(name="settings log level", path=f"{d}/etc/app/settings.ini", line="^log_level=.*", replace="log_level=info")
files.line(name="no password auth", path=f"{d}/etc/sshd_config", line="^#?PasswordAuthentication.*",
           replace="PasswordAuthentication no")
files.line(name="overlay module", path=f"{d}/etc/modules-load.conf", line="overlay")

files.file(name="log file", path=f"{d}/var/log/app/app.log", mode="640")
files.link(name="current link", path=f"{d}/opt/app/current", target=f"{d}/etc/app")

# command with creates: pyinfra's idiom is a fact check at deploy time
if not host.get_fact(File, path=f"{d}/var/lib/app/initialized"):
    server.shell(name="initialize once", commands=[f"echo initialized > {d}/var/lib/app/initialized"])
if not host.get_fact(File, path=f"{d}/run/app.pid"):
    server.shell(name="app running", commands=[f"echo 4242 > {d}/run/app.pid"])
