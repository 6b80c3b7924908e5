/**
 * Example role: a site's config file in /etc/web-example/ (from a template), its document root and page, and a handler
 * that runs only when the config changed. It installs nothing, so it converges on any Debian/Ubuntu host, even one
 * without network access; a second run reports changed=0.
 *
 * Make it real when you are ready: apt({ name: 'nginx', state: 'present' }) first, the config in /etc/nginx/, and
 * systemd({ name: 'nginx', state: 'reloaded' }) as the handler. Every module's args: node_modules/rig/docs/modules.md.
 */
import { absPath, command, defineHandler, defineRole, directory, port, template } from 'rig';

const confDir = '/etc/web-example';

/**
 * A handler runs once, after the play's tasks, on the hosts where a task that notifies it changed something. This one
 * only records when it ran; a real one reloads the server.
 */
export const reloadSite = defineHandler(
  'reload site',
  command({ cmd: ['sh', '-c', 'date -u +%Y-%m-%dT%H:%M:%SZ > "$1"', 'sh', `${confDir}/last-reload`] }),
);

export default defineRole({
  name: 'web',
  // Every variable the role reads, with its default; the default's type is the variable's type (checked at run time
  // for inventory, play and -e values too). Override them in inventory/group_vars/ or host_vars/.
  defaults: {
    web_port: 8080,
    web_root: '/srv/www/example',
    /** The server name in the config; empty: the inventory host name. */
    web_server_name: '',
    web_workers: 2,
  },
  // Stricter schemas than the defaults' types: a port is 1-65535, a path is absolute.
  vars: { web_port: port, web_root: absPath },
  handlers: [reloadSite],
  tasks: ({ vars }) => [
    directory({ path: confDir, mode: '0755' }, { name: 'config directory' }),
    // templates/site.conf.hbs, rendered with the host's variables; `vars` adds or overrides some for this template
    template(
      (ctx) => ({
        src: 'site.conf.hbs',
        dest: `${confDir}/site.conf`,
        mode: '0644',
        vars: { server_name: vars(ctx).web_server_name || ctx.host.name },
      }),
      { name: 'site config', notify: [reloadSite] },
    ),
    directory((ctx) => ({ path: vars(ctx).web_root, mode: '0755' }), { name: 'document root' }),
    template((ctx) => ({ src: 'index.html.hbs', dest: `${vars(ctx).web_root}/index.html`, mode: '0644' }), { name: 'home page' }),
  ],
});
