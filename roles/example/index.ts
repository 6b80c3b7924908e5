/** Example role exercising every module that works on any POSIX host with root (used by the integration tests). */
import {
  apt, assert, blockinfile, command, copy, defineHandler, defineRole, directory, file, group, lineinfile, link,
  modprobe, setFact, shell, sysctl, template, user, waitFor,
} from '../../src/index.ts';

/** The apt tasks run when -e example_deb=/path/to/pkg.deb names a package built on the controller. */
const hasDeb = (ctx: { vars: Readonly<Record<string, unknown>>; facts: { packageManager: string } }) =>
  typeof ctx.vars.example_deb === 'string' && ctx.facts.packageManager === 'apt';

/** Handler: record that the app was "restarted" (a real service needs systemd; the lab's roles use systemd()). */
export const restartApp = defineHandler(
  'restart app',
  shell((ctx) => ({ cmd: `echo restarted >> ${ctx.vars.base as string}/handler.log` })),
);

/** The example role. */
export default defineRole({
  name: 'example',
  defaults: { base: '/srv/rig-example', listen_port: 8080, workers: 2, app_user: 'rigapp', api_token: '', manage_modules: true },
  handlers: [restartApp],
  tasks: ({ vars }) => [
    assert((ctx) => ({ that: [ctx.facts.os.family !== 'unknown'], msg: 'unsupported OS' }), { name: 'supported OS' }),
    group({ name: 'rigapp', system: true }, { name: 'app group' }),
    user((ctx) => ({ name: vars(ctx).app_user, group: 'rigapp', system: true, shell: '/usr/sbin/nologin', createHome: false }), { name: 'app user' }),
    directory((ctx) => ({ path: vars(ctx).base, mode: '0755' }), { name: 'base dir' }),
    directory((ctx) => ({ path: `${vars(ctx).base}/conf.d`, mode: '0750', owner: 'root', group: 'rigapp' }), { name: 'conf dir' }),
    template((ctx) => ({ src: 'app.conf.hbs', dest: `${vars(ctx).base}/conf.d/app.conf`, mode: '0640', group: 'rigapp' }), { name: 'app config', notify: [restartApp] }),
    copy((ctx) => ({ src: 'motd.txt', dest: `${vars(ctx).base}/motd`, mode: '0644' }), { name: 'motd' }),
    copy((ctx) => ({ content: `${ctx.host.name}\n`, dest: `${vars(ctx).base}/hostname` }), { name: 'hostname file' }),
    link((ctx) => ({ path: `${vars(ctx).base}/current`, src: `${vars(ctx).base}/conf.d` }), { name: 'current link' }),
    file((ctx) => ({ path: `${vars(ctx).base}/stamp`, state: 'touch', mode: '0600' }), { name: 'stamp', changedWhen: false }),
    lineinfile((ctx) => ({ path: `${vars(ctx).base}/settings.ini`, regexp: '^mode=', line: 'mode=production', create: true }), { name: 'settings mode' }),
    blockinfile((ctx) => ({ path: `${vars(ctx).base}/settings.ini`, block: `peers=${ctx.groupHosts('all').join(',')}` }), { name: 'settings peers' }),
    command((ctx) => ({ cmd: ['sh', '-c', `date +%s > ${vars(ctx).base}/initialized`], creates: `${vars(ctx).base}/initialized` }), { name: 'initialize once' }),
    sysctl({ name: 'net.ipv4.ip_forward', value: 1, file: '/etc/sysctl.d/60-rig-example.conf' }, { name: 'ip forwarding' }),
    // hosts without loadable kernel modules (containers, the integration sandbox) set manage_modules: false
    modprobe({ name: 'overlay', persistent: 'present' }, { name: 'overlay module', when: (ctx) => vars(ctx).manage_modules }),
    copy((ctx) => ({ src: String(ctx.vars.example_deb), dest: `${vars(ctx).base}/rig-example.deb` }), { name: 'ship example package', when: hasDeb }),
    apt((ctx) => ({ deb: `${vars(ctx).base}/rig-example.deb` }), { name: 'example package', when: hasDeb }),
    waitFor((ctx) => ({ path: `${vars(ctx).base}/conf.d/app.conf`, timeoutSec: 10 }), { name: 'config present' }),
    setFact((ctx) => ({ vars: { app_url: `http://${ctx.host.name}:${vars(ctx).listen_port}` } }), { name: 'app url' }),
  ],
});
