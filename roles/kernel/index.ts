/** kernel: kernel ≥ 3.16, overlay/br_netfilter/vxlan loaded and persisted, swarm sysctls, GRUB tokens + reboot (rolling on cluster hosts). */
import { assert, command, defineHandler, defineRole, flushHandlers, modprobe, reboot, shell, sysctl, z, type TaskContext } from '../../src/index.ts';
import { missingTokens } from './library/cmdline.ts';
import { grubCmdline } from './library/tasks.ts';

/** Tokens from grub_cmdline_extra: a list, or a space-separated string (as in inventory/prod). */
export function grubTokens(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : [];
}

/** Kernel release at least major.minor. */
export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

/** The running kernel lacks a wanted token (so a run that edited GRUB but died before rebooting still reboots). */
export const rebootNeeded = (ctx: TaskContext<unknown>): boolean =>
  ctx.vars.grub_manage !== false && missingTokens(ctx.facts.cmdline, grubTokens(ctx.vars.grub_cmdline_extra)).length > 0;

/**
 * The host already serves a cluster: a Docker Swarm node (LocalNodeState other than inactive) or an active Consul agent,
 * from `clusterServices`' output (line 1: the swarm state, empty without docker; line 2: `systemctl is-active consul`).
 * Such hosts reboot one at a time; hosts that serve nothing yet (a first provisioning) reboot together.
 */
export function servesCluster(out: string): boolean {
  const [swarm = '', consul = ''] = out.split('\n').map((l) => l.trim());
  return (swarm !== '' && swarm !== 'inactive') || consul === 'active';
}

/** Regenerate grub.cfg (Debian: update-grub; RHEL family: grub2-mkconfig). */
export const updateGrub = defineHandler(
  'update grub config',
  command((ctx) => ({ cmd: ctx.facts.os.family === 'redhat' ? ['grub2-mkconfig', '-o', '/boot/grub2/grub.cfg'] : ['update-grub'] })),
);

// read-only, also in check mode (which must predict the same reboot task), and only when a reboot is due
const clusterServices = shell(
  { cmd: `printf '%s\\n' "$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" "$(systemctl is-active consul 2>/dev/null)"` },
  { name: 'cluster services on this host', when: rebootNeeded, changedWhen: false, checkMode: 'always' },
);
const serving = (ctx: TaskContext<unknown>): boolean => servesCluster(ctx.result(clusterServices).stdout ?? '');

/** The kernel role. */
export default defineRole({
  name: 'kernel',
  defaults: {
    grub_manage: true,
    grub_cmdline_extra: 'cgroup_enable=memory swapaccount=1' as string | readonly string[],
    /** Consent to reboot for missing kernel command line tokens. */
    rebootAllowed: false,
    kernel_modules: ['overlay', 'br_netfilter', 'vxlan'] as readonly string[],
    kernel_sysctls: { 'net.ipv4.ip_forward': 1, 'net.bridge.bridge-nf-call-iptables': 1 } as Readonly<Record<string, string | number>>,
  },
  vars: {
    grub_cmdline_extra: z.union([z.string(), z.array(z.string().regex(/^\S+$/, { error: 'a kernel parameter has no spaces' }))], {
      error: 'expected a space-separated string or a list of kernel parameters',
    }),
    kernel_modules: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'expected a kernel module name like br_netfilter' })),
    kernel_sysctls: z.record(
      z.string().regex(/^[a-z0-9_.\/-]+$/, { error: 'expected a sysctl name like net.ipv4.ip_forward' }),
      z.union([z.string(), z.number().refine(Number.isFinite)], { error: 'a sysctl value is a string or a number' }),
    ),
  },
  handlers: [updateGrub],
  tasks: ({ vars }) => {
    const rebootArgs = (ctx: TaskContext<unknown>) => ({
      msg: `the running kernel lacks ${missingTokens(ctx.facts.cmdline, grubTokens(vars(ctx).grub_cmdline_extra)).join(' ')}${vars(ctx).rebootAllowed === true ? '' : `; set rebootAllowed or reboot ${ctx.host.name} in a window`}`,
      testCommand: 'grep -q . /proc/cmdline',
      allowed: vars(ctx).rebootAllowed === true,
    });
    return [
      assert((ctx) => ({ that: kernelAtLeast(ctx.facts.kernel.release, 3, 16), msg: `kernel ${ctx.facts.kernel.release} is older than 3.16 (overlay, vxlan)` }), { name: 'kernel supports overlay and vxlan' }),
      modprobe<string>((ctx) => ({ name: ctx.item, persistent: 'present' as const }), { name: 'kernel module', loop: (ctx) => vars(ctx).kernel_modules }),
      sysctl<[string, string | number]>((ctx) => ({ name: ctx.item[0], value: ctx.item[1] }), {
        name: 'swarm sysctl',
        loop: (ctx) => Object.entries(vars(ctx).kernel_sysctls),
      }),
      grubCmdline((ctx) => ({ tokens: grubTokens(vars(ctx).grub_cmdline_extra) }), { name: 'GRUB kernel command line', when: (ctx) => vars(ctx).grub_manage, notify: [updateGrub] }),
      flushHandlers(),
      clusterServices,
      // without consent the task says which tokens the running kernel lacks and changes nothing (not a failure)
      // rolling (one host at a time, so managers are never all down at once) where the host serves a cluster already;
      // hosts that serve nothing yet (a first provisioning) reboot together: nothing to keep available, and N hosts
      // take one boot instead of N
      reboot(rebootArgs, { name: 'reboot for kernel command line (hosts not serving a cluster yet, together)', when: (ctx) => rebootNeeded(ctx) && !serving(ctx) }),
      reboot(rebootArgs, { name: 'reboot for kernel command line (cluster hosts, one at a time)', serial: 1, when: (ctx) => rebootNeeded(ctx) && serving(ctx) }),
    ];
  },
});
