/** Bench workload, rig edition: 25 idempotent node-preparation tasks, all under the host's `bench_dir`. */
import { command, copy, definePlaybook, directory, file, lineinfile, link, template } from '../../../src/index.ts';
import type { TaskContext } from '../../../src/index.ts';

const d = (ctx: TaskContext<unknown>): string => String(ctx.vars.bench_dir);

export default definePlaybook({
  name: 'bench node prep',
  hosts: 'all',
  vars: { app_port: 8080, app_workers: 4, peers: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] },
  tasks: [
    directory((ctx) => ({ path: d(ctx), mode: '0755' }), { name: 'base dir' }),
    directory((ctx) => ({ path: `${d(ctx)}/etc`, mode: '0755' }), { name: 'etc dir' }),
    directory((ctx) => ({ path: `${d(ctx)}/etc/sysctl.d`, mode: '0755' }), { name: 'sysctl.d dir' }),
    directory((ctx) => ({ path: `${d(ctx)}/etc/app`, mode: '0750' }), { name: 'app conf dir' }),
    directory((ctx) => ({ path: `${d(ctx)}/var/lib/app`, mode: '0755' }), { name: 'app state dir' }),
    directory((ctx) => ({ path: `${d(ctx)}/var/log/app`, mode: '0755' }), { name: 'app log dir' }),
    directory((ctx) => ({ path: `${d(ctx)}/opt/app/bin`, mode: '0755' }), { name: 'app bin dir' }),
    directory((ctx) => ({ path: `${d(ctx)}/run`, mode: '0755' }), { name: 'run dir' }),
    copy((ctx) => ({ content: `${ctx.host.name}\n`, dest: `${d(ctx)}/etc/hostname`, mode: '0644' }), { name: 'hostname' }),
    copy((ctx) => ({ content: 'Managed by the bench. Authorized use only.\n', dest: `${d(ctx)}/etc/motd`, mode: '0644' }), { name: 'motd' }),
    copy((ctx) => ({ content: 'APP_ENV=production\nAPP_HOME=/opt/app\n', dest: `${d(ctx)}/etc/app/env`, mode: '0640' }), { name: 'app env' }),
    copy((ctx) => ({ content: '#!/bin/sh\nexec /opt/app/bin/app --config /etc/app/app.conf\n', dest: `${d(ctx)}/opt/app/bin/start.sh`, mode: '0755' }), { name: 'start script' }),
    copy((ctx) => ({ content: 'net.ipv4.ip_forward = 1\nnet.core.somaxconn = 4096\n', dest: `${d(ctx)}/etc/sysctl.d/60-net.conf`, mode: '0644' }), { name: 'sysctl net' }),
    copy((ctx) => ({ content: 'vm.swappiness = 10\nvm.max_map_count = 262144\n', dest: `${d(ctx)}/etc/sysctl.d/61-vm.conf`, mode: '0644' }), { name: 'sysctl vm' }),
    template((ctx) => ({ src: 'app.conf.hbs', dest: `${d(ctx)}/etc/app/app.conf`, mode: '0640' }), { name: 'app config' }),
    template((ctx) => ({ src: 'limits.conf.hbs', dest: `${d(ctx)}/etc/limits.conf`, mode: '0644' }), { name: 'limits' }),
    template((ctx) => ({ src: 'hosts.hbs', dest: `${d(ctx)}/etc/hosts`, mode: '0644' }), { name: 'hosts file' }),
    lineinfile((ctx) => ({ path: `${d(ctx)}/etc/app/settings.ini`, regexp: '^mode=', line: 'mode=production', create: true, mode: '0644' }), { name: 'settings mode' }),
    lineinfile((ctx) => ({ path: `${d(ctx)}/etc/app/settings.ini`, regexp: '^log_level=', line: 'log_level=info', create: true, mode: '0644' }), { name: 'settings log level' }),
    lineinfile((ctx) => ({ path: `${d(ctx)}/etc/sshd_config`, regexp: '^#?PasswordAuthentication', line: 'PasswordAuthentication no', create: true, mode: '0644' }), { name: 'no password auth' }),
    lineinfile((ctx) => ({ path: `${d(ctx)}/etc/modules-load.conf`, line: 'overlay', create: true, mode: '0644' }), { name: 'overlay module' }),
    file((ctx) => ({ path: `${d(ctx)}/var/log/app/app.log`, state: 'touch', mode: '0640' }), { name: 'log file' }),
    link((ctx) => ({ path: `${d(ctx)}/opt/app/current`, src: `${d(ctx)}/etc/app` }), { name: 'current link' }),
    command((ctx) => ({ cmd: ['sh', '-c', `echo initialized > ${d(ctx)}/var/lib/app/initialized`], creates: `${d(ctx)}/var/lib/app/initialized` }), { name: 'initialize once' }),
    // service-like: "start" only when no pid file says it runs
    command((ctx) => ({ cmd: ['sh', '-c', `echo 4242 > ${d(ctx)}/run/app.pid`], creates: `${d(ctx)}/run/app.pid` }), { name: 'app running' }),
  ],
});
