/** Typed task factories, one per module: a misspelled arg is a compile error. */
import path from 'node:path';
import { aptModule } from '../modules/apt.ts';
import { assertModule } from '../modules/assert.ts';
import { blockinfileModule } from '../modules/blockinfile.ts';
import { commandModule, shellModule } from '../modules/command.ts';
import { copyModule } from '../modules/copy.ts';
import { debugModule } from '../modules/debug.ts';
import { directoryModule, fileModule, linkModule } from '../modules/files.ts';
import { getUrlModule } from '../modules/get-url.ts';
import { lineinfileModule } from '../modules/lineinfile.ts';
import { modprobeModule } from '../modules/modprobe.ts';
import { rebootModule } from '../modules/reboot.ts';
import { refreshFactsModule } from '../modules/refresh-facts.ts';
import { setFactModule } from '../modules/set-fact.ts';
import { sysctlModule } from '../modules/sysctl.ts';
import { serviceModule, systemdModule } from '../modules/systemd.ts';
import { templateModule } from '../modules/template.ts';
import { groupModule, userModule } from '../modules/users.ts';
import { waitForModule } from '../modules/wait-for.ts';
import { zipMemberModule } from '../modules/zip-member.ts';
import { dirOf } from './defined-at.ts';
import { taskFactory } from './task.ts';

/** A controller path relative to the declaring file's `<sub>/` directory (roles keep templates/ and files/ beside index.ts). */
function beside(sub: 'templates' | 'files') {
  return <A extends { readonly src?: string }>(args: A, definedAt: string): A =>
    args.src === undefined || path.isAbsolute(args.src) ? args : { ...args, src: path.join(dirOf(definedAt), sub, args.src) };
}

/** Run a command without a shell (argv quoted) — creates/removes make it idempotent. */
export const command = taskFactory(commandModule);
/** Run a shell script string. */
export const shell = taskFactory(shellModule);
/** File attributes, touch, absent, or state: 'directory' | 'link'. */
export const file = taskFactory(fileModule);
/** A directory with mode/owner. */
export const directory = taskFactory(directoryModule);
/** A symbolic link. */
export const link = taskFactory(linkModule);
/** A file from content or from `files/<src>` beside the declaring file. */
export const copy = taskFactory(copyModule, beside('files'));
/** A file rendered from `templates/<src>` (strict Handlebars) beside the declaring file. */
export const template = taskFactory(templateModule, beside('templates'));
/** One line in a file (Ansible lineinfile semantics). */
export const lineinfile = taskFactory(lineinfileModule);
/** A marked block in a file (Ansible blockinfile semantics). */
export const blockinfile = taskFactory(blockinfileModule);
/** A file downloaded on the host, verified by its required sha256 (Ansible's get_url). */
export const getUrl = taskFactory(getUrlModule);
/** One file extracted from a zip on the host, only when its sha256 differs (unarchive for a single member). */
export const zipMember = taskFactory(zipMemberModule);
/** Debian packages. */
export const apt = taskFactory(aptModule);
/** A systemd unit's state and enablement. */
export const systemd = taskFactory(systemdModule);
/** Alias of systemd. */
export const service = taskFactory(serviceModule);
/** A kernel parameter, live and persisted in /etc/sysctl.d. */
export const sysctl = taskFactory(sysctlModule);
/** A kernel module, loaded and persisted in /etc/modules-load.d. */
export const modprobe = taskFactory(modprobeModule);
/** A local user. */
export const user = taskFactory(userModule);
/** A local group. */
export const group = taskFactory(groupModule);
/** Reboot and wait for a new boot_id (never in check mode). */
export const reboot = taskFactory(rebootModule);
/** Wait for a port, path or command. */
export const waitFor = taskFactory(waitForModule);
/** Fail unless every condition holds. */
export const assert = taskFactory(assertModule);
/** Set host variables for the rest of the run. */
export const setFact = taskFactory(setFactModule);
/** Print a message or a variable (Ansible's debug): `ok: [h] => {"msg": …}`; runs nothing on the host. */
export const debug = taskFactory(debugModule);

const refreshFactsTask = taskFactory(refreshFactsModule);
/** Gather the core facts again now (one exec), e.g. after a task added an interface or changed the hostname. */
export const refreshFacts = Object.assign((options?: Parameters<typeof refreshFactsTask>[1]) => refreshFactsTask({}, options), { module: refreshFactsModule });
